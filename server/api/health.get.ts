import { defineEventHandler } from 'h3'

/** Liveness: the process answers. Dependencies are checked by /api/ready. */
export default defineEventHandler(() => ({ status: 'ok', uptime: Math.round(process.uptime()) }))
