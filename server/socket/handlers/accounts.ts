import { loginSchema, registerSchema } from '#shared/schemas/auth'
import { UserError } from '../../utils/errors.ts'
import { signIn } from '../../utils/sign-in.ts'
import { createGuest, registerUser } from '../../utils/users.ts'
import { on } from '../handler.ts'
import { attachIdentity } from '../identity.ts'
import type { ChatSocket, SocketContext } from '../types.ts'

/** The original protocol's sign-in events, for clients without cookies. */
export function registerAccountHandlers(ctx: SocketContext, socket: ChatSocket): void {
  const ensureSignedOut = () => {
    if (socket.data.user) throw new UserError('User already has a logged in identity')
  }

  on(socket, 'anonymous user', () => {
    ensureSignedOut()
    return attachIdentity(ctx, socket, createGuest())
  })

  on(socket, 'create user', async (payload) => {
    ensureSignedOut()
    const input = registerSchema.safeParse(payload)
    if (!input.success) throw new UserError(input.error.issues[0]!.message)
    return attachIdentity(ctx, socket, await registerUser(input.data))
  })

  on(socket, 'authenticate user', async (payload) => {
    ensureSignedOut()
    const input = loginSchema.safeParse(payload)
    if (!input.success) throw new UserError('No matching account found')
    return attachIdentity(ctx, socket, await signIn(input.data, socket.data.address))
  })
}
