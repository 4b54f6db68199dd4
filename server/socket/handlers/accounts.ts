import { ConflictError } from '../../utils/errors.ts'
import { useServices } from '../../utils/services.ts'
import { signIn } from '../../utils/sign-in.ts'
import { createGuest, registerUser } from '../../utils/users.ts'
import { on } from '../handler.ts'
import { attachIdentity } from '../identity.ts'
import type { ChatSocket, SocketContext } from '../types.ts'

/** The original protocol's sign-in events, for clients without cookies. */
export function registerAccountHandlers(ctx: SocketContext, socket: ChatSocket): void {
  const ensureSignedOut = () => {
    if (socket.data.user) throw new ConflictError('User already has a logged in identity')
  }

  on(socket, 'anonymous user', () => {
    ensureSignedOut()
    return attachIdentity(ctx, socket, createGuest())
  })

  on(socket, 'create user', async (input) => {
    ensureSignedOut()
    return attachIdentity(ctx, socket, await registerUser(input))
  })

  on(socket, 'authenticate user', async (input) => {
    ensureSignedOut()
    return attachIdentity(ctx, socket, await signIn(useServices().limits.signIn, input, socket.data.address))
  }, { invalid: 'No matching account found' })
}
