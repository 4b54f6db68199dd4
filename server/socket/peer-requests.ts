/** How long the adapter waits for the other instances' answers (socket.io-adapter's 5 s), and a little more. */
const ANSWERS_WITHIN_MS = 5500

/** The answers that came, and why some did not (null when every instance answered). */
export interface PeerAnswers<T> {
  answers: T[]
  error: Error | null
}

/**
 * Sends a server-side event that other instances answer (`emit` passes `done` as its
 * acknowledgement) and settles with the answers that came: at once when the other instances cannot
 * be reached, else when all answered, the adapter gave up, or ANSWERS_WITHIN_MS passed. Socket.io's
 * own serverSideEmitWithAck never settles when the adapter cannot count the instances (Redis gone
 * mid-request: the count fails inside the adapter, which never calls back), and a Redis outage held
 * searches and deletions that way.
 */
export function askPeers<T>(reachable: () => boolean, emit: (done: (error: Error | null, answers: T[]) => void) => void): Promise<PeerAnswers<T>> {
  if (!reachable()) return Promise.resolve({ answers: [], error: new Error('the other instances cannot be reached (Redis is away)') })
  return new Promise((resolve) => {
    const settle = (error: Error | null, answers: T[] = []) => {
      clearTimeout(timer)
      resolve({ answers, error })
    }
    const timer = setTimeout(() => settle(new Error('the other instances did not answer in time')), ANSWERS_WITHIN_MS)
    emit(settle)
  })
}
