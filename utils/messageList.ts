import type { ChatMessage, ReactionChange } from '#shared/types/chat'

/**
 * The message with a relayed reaction applied (a copy: the held message is the messages store's
 * to replace). Adding and taking back are set operations, so a relay that arrives twice, or after
 * the ack that already carried it, changes nothing.
 */
export function withReaction(message: ChatMessage, change: Pick<ReactionChange, 'emoji' | 'username' | 'added'>): ChatMessage {
  const users = new Set(message.reactions?.[change.emoji] ?? [])
  if (change.added) users.add(change.username)
  else users.delete(change.username)
  const entries = Object.entries(message.reactions ?? {})
  if (!entries.some(([emoji]) => emoji === change.emoji)) entries.push([change.emoji, []])
  // Chips keep their places: the emoji changed stays where it was.
  const reactions = Object.fromEntries(entries
    .map(([emoji, list]) => [emoji, emoji === change.emoji ? [...users].sort() : list] as const)
    .filter(([, list]) => list.length))
  const next: ChatMessage = { ...message, reactions }
  if (!Object.keys(reactions).length) delete next.reactions
  return next
}
