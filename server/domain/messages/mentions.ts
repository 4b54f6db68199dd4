import type { ChatMessage, PublicUser, Room } from '#shared/types/chat'
import { mentionedNames } from '#shared/utils/people'
import { getServerConfig } from '../../core/config.ts'
import { TooManyRequestsError } from '../../core/errors.ts'
import { log } from '../../core/logger.ts'
import { addMention, getMembership, membersOf } from '../rooms/memberships.ts'
import { getPeople } from '../people/profiles.ts'
import { useServices } from '../../services/services.ts'
import { announce } from '../events.ts'

/** Names one message may mention (beyond them, `@` is just text). */
const MENTIONS_MAX = 20
/** `@room` stands for every member of the room. */
const ROOM_MENTION = 'room'

async function belongs(room: Room, username: string): Promise<boolean> {
  if (room.kind === 'dm') return room.members?.includes(username) ?? false
  // Everyone with an account belongs to the default rooms.
  if (getServerConfig().defaultRooms.includes(room.id)) return (await getPeople([username])).length > 0
  return (await getMembership(room.id, username)) !== null
}

/**
 * The members a message mentions (`@name`, members of the room only, never the author), and
 * `room` for `@room` (not in the default rooms, which hold everyone; limited per author).
 * One sender's mentions of one person in a room count only a few times in a window (limits.ts `mention`):
 * past them the message still goes out with the name in it, but does not list that person, so
 * their badge does not rise and no notification is shown — a flood folds into the first few.
 */
export async function mentionsIn(room: Room, author: PublicUser, text: string): Promise<string[]> {
  const names = mentionedNames(text).filter(name => name !== author.username).slice(0, MENTIONS_MAX)
  const people = names.filter(name => name !== ROOM_MENTION)
  const { limits } = useServices()
  const counted = await Promise.all(people.map(async name => await belongs(room, name) && await limits.mention(room.id, author.username, name)))
  const mentions = people.filter((_, index) => counted[index])
  if (names.includes(ROOM_MENTION) && !author.guest && !getServerConfig().defaultRooms.includes(room.id)) {
    try {
      await limits.roomMention(author.username)
      mentions.push(ROOM_MENTION)
    }
    catch (error) {
      // Over the limit: the message goes out, without notifying the whole room. Anything else
      // (the limiter's store failing) fails the send, as the send limit itself would.
      if (!(error instanceof TooManyRequestsError)) throw error
    }
  }
  return mentions
}

/** Counts a stored message's mentions for the people it names (their mention badges survive a reload). */
export async function noteMentions(room: Room, message: ChatMessage): Promise<void> {
  const mentions = message.mentions ?? []
  if (!mentions.length) return
  const everyone = mentions.includes(ROOM_MENTION) ? (room.members ?? await membersOf(room.id)) : []
  const people = [...new Set([...mentions.filter(name => name !== ROOM_MENTION), ...everyone])]
    .filter(name => name !== message.username && !name.startsWith('anonymous_'))
  await Promise.all(people.map(name => addMention(room.id, name).catch((error: unknown) => log.warn('mentions.count_failed', { room: room.id, error }))))
  // Their sidebars on other instances read the new counts at once, not when a cache expires.
  await announce('chat:readers-changed', people)
}
