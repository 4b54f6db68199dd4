/** An image's box in the list: its own size scaled down to fit 320 × 240, so its space is kept before it loads. */
export function thumbnailBox(width: number, height: number, max = { width: 320, height: 240 }): { width: number, height: number } {
  const scale = Math.min(1, max.width / width, max.height / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}
