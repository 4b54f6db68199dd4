import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { defineNuxtModule } from '@nuxt/kit'

type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown

/**
 * Development only. `nuxt dev` proxies websocket upgrades to the Nitro worker, and a browser tab
 * closed abruptly (a TCP reset) surfaces there as an unhandled `read ECONNRESET` that restarts the
 * whole dev server (nitrojs/nitro#4493, fixed upstream but not released). Swallow those errors;
 * production serves websockets directly and is not affected.
 */
export default defineNuxtModule({
  meta: { name: 'dev-websocket-errors' },
  setup(_options, nuxt) {
    if (!nuxt.options.dev) return
    nuxt.hook('listen', () => {
      const server = nuxt.server as { upgrade?: Upgrade } | undefined
      const upgrade = server?.upgrade?.bind(server)
      if (!server || !upgrade) return
      server.upgrade = (req, socket, head) => {
        socket.on('error', () => { /* the client went away */ })
        return Promise.resolve()
          .then(() => upgrade(req, socket, head))
          .catch(() => socket.destroy())
      }
    })
  },
})
