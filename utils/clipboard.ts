/**
 * Puts `text` on the clipboard: the Clipboard API where the page may use it (secure contexts),
 * else the older copy command on a hidden field. False when neither worked.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  }
  catch {
    const field = document.createElement('textarea')
    field.value = text
    field.setAttribute('readonly', '')
    field.style.position = 'fixed'
    field.style.opacity = '0'
    document.body.append(field)
    field.select()
    try {
      return document.execCommand('copy')
    }
    catch {
      return false
    }
    finally {
      field.remove()
    }
  }
}
