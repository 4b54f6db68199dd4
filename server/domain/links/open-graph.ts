/**
 * What a page says about itself for link cards: its Open Graph (`og:*`) and Twitter card
 * (`twitter:*`) meta tags, the description meta tag and `<title>` as fallbacks. A bounded parse of
 * the page's head only (the fetch already capped the bytes): a few regular expressions over meta
 * tags rather than a DOM, since nothing else of the page is read. The values are plain text; the
 * page shows them as text, never as HTML.
 */
export interface PageCard {
  title: string
  description?: string
  siteName?: string
  /** Absolute http(s) address of the card's image, if the page names one. */
  imageUrl?: string
}

const LIMITS = { title: 200, description: 300, siteName: 80 }

/** The end of the head: the first `</head>` or `<body`, else everything read. */
function headOf(html: string): string {
  const end = html.search(/<\/head\s*>|<body[\s>]/i)
  return end >= 0 ? html.slice(0, end) : html
}

const NAMED: Record<string, string> = { 'amp': '&', 'lt': '<', 'gt': '>', 'quot': '"', 'apos': '\'', 'nbsp': ' ', '#39': '\'' }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z0-9]{2,8});/gi, (whole, name: string) => {
    const lower = name.toLowerCase()
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10)
      return code > 0 && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF) ? String.fromCodePoint(code) : whole
    }
    return NAMED[lower] ?? whole
  })
}

/** One line of visible text: entities decoded, controls out, white space as single spaces, at most `max` characters. */
function clean(value: string | undefined, max: number): string | undefined {
  if (!value) return undefined
  // eslint-disable-next-line no-control-regex -- controls are exactly what is taken out
  const text = decodeEntities(value).replace(/[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim()
  if (!text) return undefined
  const chars = [...text]
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : text
}

const ATTRIBUTE = /([a-z][a-z0-9:_-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi

/** Meta tags of the head, keyed by their `property` or `name` (lower case); the first of each wins. */
function metaTags(head: string): Map<string, string> {
  const tags = new Map<string, string>()
  for (const [tag] of head.matchAll(/<meta\s[^>]{0,2000}>/gi)) {
    const attributes = new Map<string, string>()
    for (const match of tag.matchAll(ATTRIBUTE)) attributes.set(match[1]!.toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '')
    const key = (attributes.get('property') ?? attributes.get('name'))?.toLowerCase()
    const content = attributes.get('content')
    if (key && content !== undefined && !tags.has(key)) tags.set(key, content)
  }
  return tags
}

/** An image address as the page gives it, made absolute; only http(s). */
function imageAddress(value: string | undefined, page: URL): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(decodeEntities(value.trim()), page)
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && url.href.length <= 2000 ? url.href : undefined
  }
  catch {
    return undefined
  }
}

/** The card a page describes, or null when it names neither a title nor a description. */
export function parsePageCard(html: string, page: URL): PageCard | null {
  const head = headOf(html)
  const meta = metaTags(head)
  const first = (...keys: string[]) => keys.map(key => meta.get(key)).find(value => value?.trim())
  const titleTag = /<title[^>]*>([^<]{0,1000})/i.exec(head)?.[1]
  const description = clean(first('og:description', 'twitter:description', 'description'), LIMITS.description)
  const title = clean(first('og:title', 'twitter:title') ?? titleTag, LIMITS.title) ?? (description ? page.hostname : undefined)
  if (!title) return null
  const siteName = clean(first('og:site_name', 'application-name'), LIMITS.siteName)
  const imageUrl = imageAddress(first('og:image:secure_url', 'og:image:url', 'og:image', 'twitter:image', 'twitter:image:src'), page)
  return { title, ...(description ? { description } : {}), ...(siteName ? { siteName } : {}), ...(imageUrl ? { imageUrl } : {}) }
}

/** The charset a page declares (Content-Type, else a meta tag), as TextDecoder knows it; UTF-8 otherwise. */
export function decodePage(body: Buffer, contentType: string): string {
  const declared = /charset=["']?([\w-]+)/i.exec(contentType)?.[1]
    ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 2048).toString('latin1'))?.[1]
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body)
  }
  catch {
    return new TextDecoder('utf-8').decode(body)
  }
}
