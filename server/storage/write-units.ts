/**
 * What DynamoDB bills for writing an item: one write unit per started kilobyte of the item's size,
 * where the size is its attribute names plus their values (AWS, "DynamoDB item sizes and formats"):
 * strings and binaries by their bytes, numbers by about one byte per two significant digits plus
 * one, booleans and null one byte, lists and maps three bytes plus one per element on top of their
 * elements, sets the sum of their elements. Used on the items the code actually writes (the
 * indexer keeps its posting blocks within one unit, the benchmarks report units per message).
 */

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8')

function numberSize(value: number | bigint): number {
  const digits = String(value).replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '')
  return Math.ceil(Math.max(1, digits.length) / 2) + 1
}

/** The size of one attribute value as DynamoDB counts it (without its name). */
function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value)
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value)
  if (typeof value === 'boolean' || value === null || value === undefined) return 1
  if (value instanceof Uint8Array) return value.byteLength
  if (value instanceof Set) return [...value as Set<unknown>].reduce<number>((sum, element) => sum + valueSize(element), 0)
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 0)
  if (typeof value === 'object') {
    return 3 + Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueSize(v), 0)
  }
  throw new TypeError(`No DynamoDB size for a ${typeof value}`)
}

/** An item's size in bytes: every attribute's name and value. */
export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).filter(([, v]) => v !== undefined).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0)
}

/** Write units to put (or update) this item: one per started KB, at least one. */
export function writeUnits(item: Record<string, unknown>): number {
  return Math.max(1, Math.ceil(itemSize(item) / 1024))
}
