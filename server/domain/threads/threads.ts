import type { ChatMessage, PublicUser, Room, ThreadPage, ThreadSummary } from '#shared/types/chat'
import { ConflictError, NotFoundError } from '../../core/errors.ts'
import { log } from '../../core/logger.ts'
import { LRUCache } from 'lru-cache'
import { addToThreadCount, readThreadState, writeThreadSummary, type ThreadState } from '../../storage/messages-table.ts'
import { getFollowRow, queryThreadEntries } from '../../storage/threads-table.ts'
import { requireReadableRoom } from '../rooms/access.ts'
import { announce } from '../events.ts'
import { recordChange } from '../messages/changes.ts'
import { getMessage, getMessages } from '../messages/messages.ts'
import { followReplies } from './following.ts'

/** Repliers a parent names under it. */
const PEOPLE = 3
/** Attempts at a summary change before giving up (each loses only to another change of the same thread). */
const ATTEMPTS = 8
/** Newest replies read to name the repliers again when one is deleted. */
const RECOUNT_READ = 20

const noSuchMessage = () => new NotFoundError('There is no such message in this room: it may have been deleted, or the link is wrong')

/**
 * Parents replied to lately, per instance, so the replies of a busy thread do not each read their
 * parent on their sender's ordered path (a read there delays every send behind it: the fan-out
 * benchmark's replies waited up to half a second on a loaded machine). A deletion forgets its
 * message on every instance before it is answered (`forgetParent`, through the relays' `message
 * deleted`, acknowledged); the expiry covers an instance Redis could not reach.
 */
const parents = new LRUCache<string, ChatMessage>({ max: 10_000, ttl: 30_000 })

/**
 * The message a reply goes under: it must be in the same room (the caller has checked the room),
 * not deleted, and not a reply itself (one level, as in Slack).
 */
export async function requireThreadParent(room: string, id: string): Promise<ChatMessage> {
  const key = `${room}#${id}`
  const parent = parents.get(key) ?? await getMessage(room, id)
  if (!parent || parent.deleted) throw new NotFoundError('The message you are replying to in a thread is not in this room')
  if (parent.thread) throw new ConflictError('Replies go in the thread of the first message: a reply cannot have a thread of its own')
  parents.set(key, parent)
  return parent
}

/** A message was deleted (here, or on a peer that said so): it takes no more replies. */
export function forgetParent(room: string, id: string): void {
  parents.delete(`${room}#${id}`)
}

/** The summary a parent's state says, as `thread updated` carries it. */
function summaryOf(room: string, id: string, summary: { count: number, lastAt: number, people: string[] }): ThreadSummary {
  return { room, id, threadCount: summary.count, threadLastAt: summary.count ? summary.lastAt : null, threadPeople: summary.count ? summary.people : [] }
}

/**
 * Changes a parent's summary with `change` (from what it is now), atomically against concurrent
 * changes on any instance: the write is conditional on the version read, and a loser reads again.
 * The change feed notes the parent first (a reconnecting tab gets its new summary), then every tab
 * showing the room hears `thread updated`.
 */
type SummaryState = Pick<ThreadState, 'version' | 'count' | 'lastAt' | 'people'>

/**
 * The summaries this instance wrote last, by parent: the next change tries its write on them
 * without reading first (a busy thread's summary is mostly changed by the instance that changed it
 * last); a write that finds the version moved reads it as usual.
 */
const written = new LRUCache<string, SummaryState>({ max: 10_000 })

async function changeSummary(room: string, id: string, change: (state: SummaryState) => Promise<{ count: number, lastAt: number, people: string[] }>, fallback?: { delta: number, lastAt: number }): Promise<ThreadSummary | null> {
  await recordChange(room, id)
  const key = `${room}#${id}`
  let after: { count: number, lastAt: number, people: string[] } | null = null
  for (let attempt = 0; attempt < ATTEMPTS && !after; attempt++) {
    const state = (attempt === 0 ? written.get(key) : undefined) ?? await readThreadState(room, id)
    if (!state) return null
    const next = await change(state)
    if (await writeThreadSummary(room, id, state.version, next)) {
      after = next
      written.set(key, { version: state.version + 1, ...next })
    }
    else {
      written.delete(key)
    }
  }
  if (!after) {
    // Still losing after every attempt: the count must not lose this change all the same.
    log.warn('threads.summary_contended', { room, parent: id })
    if (fallback) after = await addToThreadCount(room, id, fallback.delta, fallback.lastAt)
  }
  if (!after) return null
  const summary = summaryOf(room, id, after)
  await announce('chat:thread-updated', summary)
  return summary
}

/** The people a reply names first among the repliers (newest first, distinct, at most PEOPLE). */
function withReplier(people: string[], lastAt: number, reply: ChatMessage): string[] {
  if (reply.time >= lastAt) return [reply.username, ...people.filter(name => name !== reply.username)].slice(0, PEOPLE)
  return people.includes(reply.username) || people.length >= PEOPLE ? people : [...people, reply.username]
}

/** Replies stored on this instance and not yet counted, per parent; and the parents being counted now. */
const uncounted = new Map<string, ChatMessage[]>()
const counting = new Map<string, Promise<void>>()

/**
 * A parent's summary changes at most this often per instance: each change costs a change-feed row,
 * a conditional write, a look at the followers and a `thread updated` to every socket in the room,
 * and replies sent one after another would otherwise each be a change of their own.
 */
const SUMMARY_EVERY_MS = 250
/** When each parent's last change started (older than SUMMARY_EVERY_MS: no need to know). */
const changedAt = new LRUCache<string, number>({ max: 10_000, ttl: SUMMARY_EVERY_MS })

/**
 * A reply was stored (and acknowledged): its parent counts it and names its author first among
 * the repliers, and its followers move on. A quiet thread's reply is counted at once; replies to
 * one parent stored while the last change is written, or within SUMMARY_EVERY_MS of its start, are
 * taken together in the next round, so a busy thread takes at most four summary writes and looks
 * at its followers a second per instance, not one per reply racing every other.
 */
export function replyStored(room: Room, parent: ChatMessage, reply: ChatMessage): Promise<void> {
  const key = `${reply.room}#${reply.thread}`
  const queue = uncounted.get(key) ?? []
  queue.push(reply)
  uncounted.set(key, queue)
  let running = counting.get(key)
  if (!running) {
    running = countQueued(key, room, parent)
    counting.set(key, running)
  }
  return running
}

async function countQueued(key: string, where: Room, parentMessage: ChatMessage): Promise<void> {
  const room = where.id
  const parent = parentMessage.id
  for (;;) {
    // The replies stored in this turn, or until the next change is due, join this change.
    await untilDue(key)
    const replies = uncounted.get(key)
    if (!replies?.length) break
    changedAt.set(key, Date.now())
    uncounted.delete(key)
    const batch = replies.toSorted((a, b) => a.time - b.time)
    const newestAt = batch.at(-1)!.time
    await Promise.all([
      changeSummary(room, parent, async ({ count, lastAt, people }) => ({
        count: count + batch.length,
        lastAt: Math.max(lastAt, newestAt),
        people: batch.reduce((names, reply) => withReplier(names, lastAt, reply), people),
      }), { delta: batch.length, lastAt: newestAt }).catch((error: unknown) => log.error('threads.count_failed', { room, parent, error })),
      followReplies(where, parentMessage, batch).catch((error: unknown) => log.error('threads.follow_failed', { room, parent, error })),
    ])
  }
  // Synchronously after the last look at the queue: a reply stored from now on starts a new round.
  counting.delete(key)
}

/** Resolves when the parent's next change may start (at once for a quiet thread, after this turn). */
async function untilDue(key: string): Promise<void> {
  const wait = (changedAt.get(key) ?? -Infinity) + SUMMARY_EVERY_MS - Date.now()
  await (wait > 0 ? new Promise(resolve => setTimeout(resolve, wait)) : Promise.resolve())
}

/** Waits until every reply stored so far is counted under its parent (graceful shutdown). */
export async function settleThreadCounts(): Promise<void> {
  while (counting.size) await Promise.allSettled([...counting.values()])
}

/** A reply was deleted: its parent counts one fewer, and names its repliers from the replies left. */
export function uncountReply(tombstone: ChatMessage): Promise<ThreadSummary | null> {
  return changeSummary(tombstone.room, tombstone.thread!, async ({ count }) => {
    const { ids } = await queryThreadEntries(tombstone.room, tombstone.thread!, { limit: RECOUNT_READ, newest: true })
    const left = (await getMessages(tombstone.room, ids)).filter(m => !m.deleted && m.id !== tombstone.id).reverse()
    const people = [...new Set(left.map(m => m.username))].slice(0, PEOPLE)
    return { count: Math.max(0, count - 1), lastAt: left[0]?.time ?? 0, people }
  })
}

/**
 * A thread for someone who may read its room: the parent (a tombstone keeps its thread) and up to
 * `limit` replies after `after`, oldest first. A reply, or a message that is not in the room, is a
 * 404, as is a room the reader may not read (the same 404 as for a room that does not exist).
 */
export async function readThread(reader: PublicUser, room: string, id: string, query: { after?: string, limit: number }): Promise<ThreadPage> {
  const { id: roomId } = await requireReadableRoom(reader, room)
  const parent = await getMessage(roomId, id)
  if (!parent || parent.thread) throw noSuchMessage()
  const [{ ids, more }, follow] = await Promise.all([
    queryThreadEntries(roomId, id, query),
    reader.guest ? null : getFollowRow(roomId, id, reader.username),
  ])
  const messages = await getMessages(roomId, ids)
  return { parent, messages, next: more && ids.length ? ids.at(-1)! : null, following: Boolean(follow?.follower) }
}
