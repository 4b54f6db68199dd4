/** 1,234 bytes → "1.2 KB": sizes as people read them (decimal units, one decimal under 10). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** An image's box in the list: its own size scaled down to fit 320 × 240, so its space is kept before it loads. */
export function thumbnailBox(width: number, height: number, max = { width: 320, height: 240 }): { width: number, height: number } {
  const scale = Math.min(1, max.width / width, max.height / height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}
