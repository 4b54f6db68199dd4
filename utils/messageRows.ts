import type { Attachment, ChatMessage, ReplyQuote } from '#shared/types/chat'

/** Consecutive messages of one person within this long form one group. */
const GROUP_GAP_MS = 5 * 60_000

type LineStatus = 'queued' | 'sending' | 'failed' | 'stored'

/** A message not stored yet, as the list needs it (the store's pending messages fit). */
interface UnsentLine {
  id: string
  text: string
  time: number
  status: 'queued' | 'sending' | 'failed'
  error: string | null
  replyTo?: ReplyQuote
}

interface Line {
  id: string
  text: string
  /** The server's rendering of the text; absent while sending. */
  html?: string
  time: number
  status: LineStatus
  error: string | null
  /** The stored message (edits, tombstone, reactions); absent while sending. */
  message?: ChatMessage
  replyTo?: ReplyQuote
  attachments?: Attachment[]
}

/**
 * One row per message, keyed by message id, so prepending older pages never re-creates rows
 * already on screen. `first` rows start a group (avatar and name). Day rows carry their key
 * (YYYY-MM-DD in the reader's zone) and 'Today'/'Yesterday' where that applies.
 */
export type Row
  = | { kind: 'day', key: string, day: string, relative: 'Today' | 'Yesterday' | null, time: number }
    | { kind: 'message', key: string, username: string, avatar: string, mine: boolean, first: boolean, line: Line }

export interface RowInput {
  stored: readonly ChatMessage[]
  pending: readonly UnsentLine[]
  /** Who is reading: their pending messages and their stored ones show as theirs. */
  me: { username: string, avatar: string } | null
  timeZone: string
  now: number
}

/** Day separators and messages grouped per person, stored ones first, then those still sending. */
export function buildRows({ stored, pending, me, timeZone, now }: RowInput): Row[] {
  const rows: Row[] = []
  let day = ''
  let previous: { username: string, time: number } | null = null

  function push(username: string, avatar: string, line: Line) {
    const key = dayKey(line.time, timeZone)
    if (key !== day) {
      day = key
      previous = null
      rows.push({ kind: 'day', key: `day-${key}`, day: key, relative: relativeDay(line.time, timeZone, now), time: line.time })
    }
    const first = !previous || previous.username !== username || line.time - previous.time > GROUP_GAP_MS
    previous = { username, time: line.time }
    rows.push({ kind: 'message', key: line.id, username, avatar, mine: username === me?.username, first, line })
  }

  for (const m of stored) push(m.username, m.avatar, { id: m.id, text: m.content.text, ...(m.html === undefined ? {} : { html: m.html }), time: m.time, status: 'stored', error: null, message: m, replyTo: m.replyTo, ...(m.attachments ? { attachments: m.attachments } : {}) })
  for (const p of pending) push(me?.username ?? '', me?.avatar ?? '', { id: p.id, text: p.text, time: p.time, status: p.status, error: p.error, replyTo: p.replyTo })
  return rows
}
