import type { ChatMessage, MessagePage } from '../types/chat'
import type { WireMessage, WireMessagePage } from '../types/socket'

// The original protocol calls a message's id `message`; the app calls it `id`. These convert at
// the socket's edge, on the server (what it emits and acks) and in the browser (what it receives).

export function toWire({ id, ...rest }: ChatMessage): WireMessage {
  return { ...rest, message: id }
}

export function fromWire({ message, ...rest }: WireMessage): ChatMessage {
  return { ...rest, id: message }
}

export function toWirePage(page: MessagePage): WireMessagePage {
  return { messages: page.messages.map(toWire), next: page.next }
}
