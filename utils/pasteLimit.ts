/** What a paste leaves in a field of at most `max` characters: the text to insert and how much was cut. */
export function fitPaste(pasted: string, current: string, selectionStart: number, selectionEnd: number, max: number): { insert: string, cut: number } {
  const room = Math.max(0, max - (current.length - (selectionEnd - selectionStart)))
  if (pasted.length <= room) return { insert: pasted, cut: 0 }
  let insert = pasted.slice(0, room)
  // Never end on half of a surrogate pair (an emoji cut in two).
  if (/[\uD800-\uDBFF]$/.test(insert)) insert = insert.slice(0, -1)
  return { insert, cut: pasted.length - insert.length }
}
