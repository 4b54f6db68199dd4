/** "1 reply", "3 replies". */
export function replyCount(count: number): string {
  return `${count} ${count === 1 ? 'reply' : 'replies'}`
}

/**
 * How long ago a thread's last reply came, in the words under its parent ("just now", "2 min ago",
 * "3 h ago", "4 days ago"). `now` is the page's minute clock, the same on the server and while
 * hydrating, so the words agree.
 */
export function agoText(time: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - time) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.floor(hours / 24)
  return `${days} day${days === 1 ? '' : 's'} ago`
}
