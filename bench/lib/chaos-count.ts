// What each person saw in a chaos scenario, against what was acknowledged and what is stored.
// Node 24 runs this file directly.
import type { ChatMessage } from '../../shared/types/chat.ts'
import { idAtTime } from '../../utils/catchUp.ts'
import { Client } from '../../test/support/http.ts'
import type { ChatClient } from './chat-client.ts'
import { CHAOS_ORIGIN, type ChaosCluster } from './chaos-cluster.ts'
import type { ScenarioName } from './chaos-faults.ts'
import { log } from './cli.ts'

export interface Acked {
  message: ChatMessage
  /** Index of the sender among the scenario's senders, and the message's number in its sends. */
  sender: number
  seq: number
}

export interface ChaosRow {
  scenario: ScenarioName
  clients: number
  /** Sends the server acknowledged. */
  acknowledged: number
  /** Acknowledged messages found in the database afterwards; `lost` the others. */
  stored: number
  lost: number
  /** (message, member of its room other than its sender) pairs: shown live, by a catch-up, or never. */
  deliveredLive: number
  caughtUp: number
  missed: number
  /** Extra copies of one send, stored or shown. */
  duplicated: number
  /** A sender's messages stored or shown after a later one of theirs. */
  outOfOrder: number
  /** Sign-ins of sockets beyond each client's first. */
  reconnects: number
  /** Every member held every acknowledged message before the settle time ran out. */
  settled: boolean
  /** Sends answered with an error (then retried, as a person presses Retry). */
  refusals: number
  /** Presence (who is here, how many online) right for good this long after the fault ended; null: never. */
  presenceRightAfterMs: number | null
  /** From the instances' metrics records during the scenario. */
  catchUpsServed: number
  relayLosses: number
}

/** What people see wrong about presence: who is here in their room, or how many are online (empty: all right). */
export function presenceProblems(people: ChatClient[]): string[] {
  return people.flatMap((person) => {
    const expected = people.filter(p => p.view === person.view).map(p => p.username).sort()
    const here = person.viewers?.members ?? []
    const problems = []
    if (person.numUsers !== people.length) problems.push(`${person.username} sees ${person.numUsers} online, not ${people.length}`)
    if (JSON.stringify(here) !== JSON.stringify(expected)) problems.push(`${person.username} sees ${here.length} here in ${person.view} (missing ${expected.filter(u => !here.includes(u)).join(' ') || 'nobody'}, extra ${here.filter(u => !expected.includes(u)).join(' ') || 'nobody'})`)
    return problems
  })
}

export function presenceIsRight(people: ChatClient[]): boolean {
  return presenceProblems(people).length === 0
}

const TEXT = /^\S+ sender (\d+) #(\d+)$/

/** Extra copies and out-of-order messages in one list of messages (sorted by id); a copy is not also out of order. */
function inspect(messages: ChatMessage[], scenario: ScenarioName): { duplicated: number, outOfOrder: number, copies: string[] } {
  const seen = new Map<string, ChatMessage>()
  const lastSeq = new Map<string, number>()
  const copies: string[] = []
  let outOfOrder = 0
  for (const message of messages) {
    const text = message.content.text
    const match = text.startsWith(`${scenario} `) ? TEXT.exec(text) : null
    if (!match) continue
    const first = seen.get(text)
    if (first) {
      copies.push(`"${text}" as ${first.id} and ${message.id}${message.clientId ? ` (client id ${message.clientId === first.clientId ? 'the same' : 'another'})` : ''}`)
      continue
    }
    seen.set(text, message)
    const seq = Number(match[2])
    if (seq <= (lastSeq.get(match[1]!) ?? -1)) outOfOrder++
    lastSeq.set(match[1]!, Math.max(seq, lastSeq.get(match[1]!) ?? -1))
  }
  return { duplicated: copies.length, outOfOrder, copies }
}

/** Every message stored in `room` since `since` (ms), oldest first. */
async function storedSince(url: string, room: string, since: number): Promise<ChatMessage[]> {
  const http = new Client(url)
  await http.request('/api/auth/guest', { method: 'POST', headers: { origin: CHAOS_ORIGIN } })
  const messages: ChatMessage[] = []
  let after: string | null = idAtTime(since - 1000)
  while (after) {
    const { status, json } = await http.get(`/api/rooms/${room}/messages?after=${after}&limit=100`)
    if (status !== 200) throw new Error(`history read failed: ${status}`)
    messages.push(...json.messages)
    after = json.next
  }
  return messages
}

export async function count(input: { scenario: ScenarioName, cluster: ChaosCluster, people: ChatClient[], senders: ChatClient[], acked: Acked[], since: number }): Promise<Omit<ChaosRow, 'settled' | 'refusals' | 'presenceRightAfterMs' | 'catchUpsServed' | 'relayLosses'>> {
  const { scenario, cluster, people, senders, acked, since } = input
  const rooms = [...new Set(people.map(p => p.view))]
  const stored = (await Promise.all(rooms.map(room => storedSince(cluster.toA.url, room, since)))).flat()
  const storedIds = new Set(stored.map(m => m.id))
  let duplicated = 0
  let outOfOrder = 0
  const lists = [...rooms.map(room => ({ who: `stored in ${room}`, list: stored.filter(m => m.room === room) })), ...people.map(p => ({ who: `shown to ${p.username}`, list: p.held(p.view) }))]
  for (const { who, list } of lists) {
    const found = inspect(list, scenario)
    duplicated += found.duplicated
    outOfOrder += found.outOfOrder
    if (found.copies.length) log(`  ${who}: ${found.copies.slice(0, 3).join('; ')}`)
  }
  let deliveredLive = 0
  let caughtUp = 0
  let missed = 0
  for (const { message, sender } of acked) {
    for (const person of people) {
      if (person.view !== message.room || person === senders[sender]) continue
      const arrival = person.arrivals.get(message.id)
      if (arrival === 'live') deliveredLive++
      else if (arrival === 'catch-up') caughtUp++
      else if (!arrival) missed++
    }
  }
  const found = acked.filter(a => storedIds.has(a.message.id)).length
  return {
    scenario,
    clients: people.length,
    acknowledged: acked.length,
    stored: found,
    lost: acked.length - found,
    deliveredLive,
    caughtUp,
    missed,
    duplicated,
    outOfOrder,
    reconnects: people.reduce((n, p) => n + Math.max(0, p.logins - 1), 0),
  }
}
