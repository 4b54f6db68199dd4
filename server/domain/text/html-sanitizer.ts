import { FilterXSS } from 'xss'

/**
 * The allow-list every rendered message passes through before it reaches `v-html`: only the
 * tags and attribute values the Markdown renderer itself produces survive; any other tag is
 * escaped into visible text and any other attribute dropped. js-xss parses HTML as a string, so
 * the same code runs during server rendering and in the browser with no DOM (DOMPurify needs one,
 * which on the server means jsdom; sanitize-html brings htmlparser2 and postcss to the browser).
 */

/** What every link carries: opened apart from the chat, without the chat as referrer, not endorsed. */
export const LINK_REL = 'noopener noreferrer nofollow'

/** Link targets people can follow safely: web pages and e-mail, with the scheme spelled literally. */
const SAFE_HREF = /^(?:https?:\/\/|mailto:)[^\s]/i

/** Whether a link may point there (the renderer asks too, so an unsafe `[text](url)` stays as typed). */
export function isSafeHref(href: string): boolean {
  return SAFE_HREF.test(href)
}

function classesMatch(value: string, allowed: RegExp): boolean {
  const names = value.split(' ')
  return names.length <= 4 && names.every(name => allowed.test(name))
}

type Check = (value: string) => boolean

const ATTRIBUTES: Record<string, Record<string, Check>> = {
  a: { href: isSafeHref, target: v => v === '_blank', rel: v => v === LINK_REL },
  ol: { start: v => /^\d{1,9}$/.test(v) },
  code: { class: v => classesMatch(v, /^(?:hljs|language-[a-z0-9+#-]{1,20})$/) },
  // Mentions, and highlight.js's token classes (`hljs-title`, with modifiers such as `function_`).
  span: {
    'class': v => classesMatch(v, /^(?:mention|hljs-[a-z_-]{1,30}|[a-z]{1,20}_)$/),
    'data-username': v => /^[a-z0-9_-]{1,32}$/.test(v),
  },
}

const TAGS = ['p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'span']

const filter = new FilterXSS({
  whiteList: Object.fromEntries(TAGS.map(tag => [tag, Object.keys(ATTRIBUTES[tag] ?? {})])),
  // Values come out exactly as checked; a quote or angle bracket (never produced by the renderer,
  // which escapes them) disqualifies the attribute rather than being re-escaped.
  onTagAttr(tag, name, value, isAllowed) {
    const check = ATTRIBUTES[tag]?.[name]
    return isAllowed && check && !/["<>]/.test(value) && check(value) ? `${name}="${value}"` : ''
  },
  allowCommentTag: false,
  css: false,
})

/** `html` with only the allowed tags and attributes left; anything else escaped or dropped. */
export function sanitizeHtml(html: string): string {
  return filter.process(html)
}
