import type { ChatMessage } from '#shared/types/chat'
import { hasLink, messageTerms } from '../../../shared/utils/search-terms.ts'

/**
 * What the index knows of a message: the terms it is found by (its words, its author, its has:
 * flags) and its **signature**, a 96-bit Bloom filter of those terms and of the first three
 * letters of each word, stored with every posting of the message. A query driven by one term
 * checks its other words, filters and typed prefix against the signature before reading any
 * message, so a posting needs no copy of the message's words (which made the index's size grow
 * with the square of a message's length) and a multi-word search still reads few messages.
 * A signature can say yes wrongly (about 3 % per word for a 12-word message), never no wrongly:
 * every hit is checked against the stored message anyway.
 */

const SIGNATURE_BITS = 96
const HASHES = 3
const PREFIX_LENGTH = 3

export const authorTerm = (username: string) => `@${username}`
const prefixKey = (word: string) => `^${[...word].slice(0, PREFIX_LENGTH).join('')}`

/** The terms a message is found by: its words, its author and its has: flags. */
export function indexedTerms(message: Pick<ChatMessage, 'username' | 'content' | 'attachments'>): { words: string[], pseudo: string[] } {
  const text = message.content.text
  const pseudo = [authorTerm(message.username)]
  if (message.attachments?.length) pseudo.push('has:file')
  if (hasLink(text)) pseudo.push('has:link')
  return { words: messageTerms(text), pseudo }
}

/** 32-bit FNV-1a of a string's UTF-16 units, from a given offset basis. */
function fnv(text: string, basis: number): number {
  let hash = basis
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The signature's bits for one key (double hashing). */
function bitsOf(key: string): number[] {
  const a = fnv(key, 0x811C9DC5)
  const b = fnv(key, 0x050C5D1F) | 1
  return Array.from({ length: HASHES }, (_, i) => ((a + i * b) >>> 0) % SIGNATURE_BITS)
}

/** The signature of a message's terms: base64url, 16 characters. */
export function signatureOf(terms: { words: string[], pseudo: string[] }): string {
  const bytes = new Uint8Array(SIGNATURE_BITS / 8)
  const keys = [...terms.words, ...terms.pseudo, ...terms.words.filter(w => [...w].length >= PREFIX_LENGTH).map(prefixKey)]
  for (const key of keys) {
    for (const bit of bitsOf(key)) bytes[bit >> 3]! |= 1 << (bit & 7)
  }
  return Buffer.from(bytes).toString('base64url')
}

/** A check of signatures against what a query asks besides its driving term. */
export interface SignatureTest {
  (signature: string): boolean
}

/**
 * The test a posting's signature must pass for a query: every whole term and pseudo-term other
 * than the driver, and the typed prefix's first letters (when it has that many).
 */
export function signatureTest(required: string[], prefix: string | null): SignatureTest {
  const keys = [...required, ...(prefix && [...prefix].length >= PREFIX_LENGTH ? [prefixKey(prefix)] : [])]
  const bits = keys.flatMap(bitsOf)
  if (!bits.length) return () => true
  return (signature) => {
    const bytes = Buffer.from(signature, 'base64url')
    return bits.every(bit => (bytes[bit >> 3]! & (1 << (bit & 7))) !== 0)
  }
}
