import type { ChatMessage, LinkPreview, PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { ConflictError } from '../../core/errors.ts'
import { log } from '../../core/logger.ts'
import { removeMessagePreview, setMessagePreviews } from '../../storage/messages-table.ts'
import { announce } from '../events.ts'
import { recordChange } from '../messages/changes.ts'
import { getMessage, rendered } from '../messages/messages.ts'
import { requireWritableRoom } from '../rooms/access.ts'
import { editRefusal } from '../messages/edit-rules.ts'
import { webLinksIn } from '../text/markdown.ts'
import { cardFor } from './link-cards.ts'

/**
 * Link previews of messages, always after the message was stored and acknowledged (never on the
 * send's path): the cards of its first links are read (link-cards.ts), stored on the message, and
 * announced like an edit (`chat:message-updated`), so every instance's tabs get `message updated`
 * and a reconnecting tab finds it in the change feed.
 */

/** The links a message's text gets cards for: its first few web links. */
function linksOf(message: Pick<ChatMessage, 'content'>): string[] {
  return webLinksIn(message.content.text).slice(0, getServerConfig().linkPreviews.perMessage)
}

/** Cards for a stored message's links, in the background. */
export function schedulePreviews(message: ChatMessage): void {
  // Most messages have no link: they cost one test here, and the rest waits for the next turn.
  if (!getServerConfig().linkPreviews.enabled || message.deleted || !/https?:\/\/|www\./i.test(message.content.text)) return
  setImmediate(() => {
    const links = linksOf(message)
    if (links.length) void addPreviews(message, links)
  })
}

/** After an edit: the cards follow the links, when the links changed (none left: the cards go). */
export function followEditedLinks(before: ChatMessage, edited: ChatMessage): void {
  if (!getServerConfig().linkPreviews.enabled) return
  const links = linksOf(edited)
  if (links.join('\n') === linksOf(before).join('\n')) return
  void addPreviews(edited, links)
}

const same = (a: LinkPreview[] = [], b: LinkPreview[] = []) => JSON.stringify(a) === JSON.stringify(b)

async function addPreviews(message: ChatMessage, links: string[]): Promise<void> {
  try {
    const previews = (await Promise.all(links.map(url => cardFor(url, message.username)))).filter(card => card !== null)
    if (same(previews, message.previews)) return
    // The change feed's row first, as for every change: a reconnecting tab then finds the cards.
    await recordChange(message.room, message.id)
    // Only onto the text they were read for: an edit meanwhile reads its own.
    const stored = await setMessagePreviews(message.room, message.id, { text: message.content.text, previews })
    if (stored) await announce('chat:message-updated', rendered(stored))
  }
  catch (error) {
    log.warn('link_preview.store_failed', { room: message.room, message: message.id, error })
  }
}

/**
 * The author takes card `index` (for `url`) off their message: one conditional update (theirs,
 * not deleted, within the edit window, that card still there), announced like an edit. The message
 * as it is now.
 */
export async function removePreview(user: PublicUser, room: string, id: string, index: number, url: string): Promise<ChatMessage> {
  // The edit's rules: a room they may write in, their own message, within the edit window.
  await requireWritableRoom(user, room)
  const { editWindowHours } = getServerConfig()
  const now = Date.now()
  await recordChange(room, id)
  const stored = await removeMessagePreview(room, id, { author: user.username, index, url, cutoff: now - editWindowHours * 3_600_000 })
  if (!stored) throw editRefusal(await getMessage(room, id), user, now, editWindowHours) ?? new ConflictError('That preview is no longer on the message')
  const message = rendered(stored)
  await announce('chat:message-updated', message)
  return message
}
