import type { PublicUser } from '#shared/types/chat'
import type { SocketIdentity } from '#shared/types/socket'
import { roomsOf } from '../domain/rooms/memberships.ts'
import { inTurn, SIGNED_IN, userRoom, type ChatSocket, type SocketContext } from './types.ts'

/**
 * Makes a socket signed in (from its session cookie at connection, or by a sign-in event):
 * subscribes it to its user's rooms, counts it online, and announces a user's first connection.
 */
export async function attachIdentity(ctx: SocketContext, socket: ChatSocket, user: PublicUser): Promise<SocketIdentity> {
  socket.data.user = user
  socket.join([SIGNED_IN, userRoom(user.username), ...await roomsOf(user)])
  const member = { username: user.username, avatar: user.avatar }
  const { first, ...count } = await ctx.presence.connect(member)
  if (socket.disconnected) {
    // Closed while we were signing in: undo, or this user would stay online forever.
    await ctx.presence.disconnect(member)
    return member
  }
  socket.emit('login', count)
  if (first) ctx.announce('user joined', { ...member, ...count })
  // A tab opening is activity: someone away who opens one is back.
  if (await ctx.presence.active(user.username)) ctx.awayChanged(user.username)
  return member
}

/** Undoes everything a signed-in socket holds when it closes; each step runs even if another failed. */
export async function detachIdentity(ctx: SocketContext, socket: ChatSocket): Promise<void> {
  const user = socket.data.user
  if (!user) return
  const member = { username: user.username, avatar: user.avatar }
  // A join still under way finishes first, so the room it counts this socket in is let go too.
  const room = await inTurn(socket, async () => socket.data.viewing)
  const [viewing, online] = await Promise.allSettled([
    room ? ctx.presence.unview(room, member) : Promise.resolve(null),
    ctx.presence.disconnect(member),
  ])
  if (viewing.status === 'fulfilled' && viewing.value?.changed) ctx.announceViewers(room!, { members: viewing.value.members, version: viewing.value.version })
  if (online.status === 'fulfilled' && online.value.last) ctx.announce('user left', { ...member, numUsers: online.value.numUsers, version: online.value.version })
  const failed = [viewing, online].find(r => r.status === 'rejected')
  if (failed) throw failed.reason
}
