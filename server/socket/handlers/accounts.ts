import type { PublicUser } from '#shared/types/chat'
import type { SocketIdentity } from '#shared/types/socket'
import { ConflictError } from '../../core/errors.ts'
import { useServices } from '../../services/services.ts'
import { signIn } from '../../domain/people/sign-in.ts'
import { createGuest, registerUser } from '../../domain/people/users.ts'
import { on } from '../handler.ts'
import { attachIdentity } from '../identity.ts'
import type { ChatSocket, SocketContext } from '../types.ts'

/** The original protocol's sign-in events, for clients without cookies. */
export function registerAccountHandlers(ctx: SocketContext, socket: ChatSocket): void {
  /**
   * One identity per socket: the claim is taken synchronously, before anything is awaited, so
   * sign-ins sent at once cannot each attach a user (only the last would be removed on close).
   */
  async function signInOnce(identify: () => Promise<PublicUser>): Promise<SocketIdentity> {
    if (socket.data.user || socket.data.signingIn) throw new ConflictError('User already has a logged in identity')
    socket.data.signingIn = true
    try {
      return await attachIdentity(ctx, socket, await identify())
    }
    finally {
      socket.data.signingIn = false
    }
  }

  const { limits } = useServices()

  on(socket, 'anonymous user', () => signInOnce(async () => {
    await limits.guest(socket.data.address)
    return createGuest()
  }))

  on(socket, 'create user', input => signInOnce(async () => {
    await limits.register(socket.data.address)
    return registerUser(input)
  }))

  on(socket, 'authenticate user', input => signInOnce(() => signIn(limits.signIn, input, socket.data.address)), { invalid: 'No matching account found' })
}
