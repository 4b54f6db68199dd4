/**
 * A file's size in the unit the upload limit is stated in (`MAX_UPLOAD_MB=10` is 10 × 1,024 ×
 * 1,024 bytes), for the composer's list, attachments and the server's refusals alike: "11.5 MB",
 * "1.3 KB". One decimal, rounded up, so a file over the limit never reads as the limit itself.
 */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  // Rounded up to a tenth; a whole number shows without ".0". (The small margin keeps 10 × 1024² from reading as 10.1.)
  const tenths = Math.ceil(value * 10 - 1e-9) / 10
  return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)} ${units[unit]}`
}
