import MarkdownIt from 'markdown-it'
import type { StateCore, StateInline } from 'markdown-it'
import { codeLanguage, highlightCode } from './code-highlight.ts'
import { emojiForShortcode } from './emoji-shortcodes.ts'
import { LINK_REL, isSafeHref, sanitizeHtml } from './html-sanitizer.ts'

/**
 * The one Markdown renderer of message text. It runs on the server only (message-html.ts): the
 * browser receives each message's HTML with the message, so it ships none of this. A chat subset: bold, italic, strikethrough, inline code,
 * fenced code blocks (highlighted), block quotes, lists, auto-links (`www.` too), `[text](url)`
 * links (an image's too), `:shortcode:` emoji and `@name` mentions. Raw HTML is text; headings,
 * tables, rules, indented code and reference links stay as typed. The stored text is always what the author typed.
 */

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false, maxNesting: 20 })
md.disable(['table', 'code', 'hr', 'reference', 'html_block', 'heading', 'lheading', 'html_inline'])

// Only web and e-mail links, as the sanitiser allows them (markdown-it's own check lets more
// through, e.g. some data: images): `[text](javascript:…)`, relative and `//host` links stay text.
md.validateLink = isSafeHref

// Links with a scheme, e-mail addresses, and `www.` without one; not bare `readme.md`-like names
// (linkify-it's fuzzy links), nor ftp: or protocol-relative `//host`.
md.linkify
  .add('ftp:', null)
  .add('//', null)
  .add('www.', {
    validate(text, pos, self) {
      const re = self.re.get_relative_proto_validator()
      re.lastIndex = pos
      return re.exec(text)?.[0].length ?? 0
    },
    normalize(match) {
      match.url = `https://${match.url}`
    },
  })

/**
 * `[https://bank.example](https://evil.test)`: text that is itself an address shows where the link
 * really goes, so no link can pass for another. Any other text stays the author's.
 */
function honestLinkText(state: StateCore): void {
  for (const block of state.tokens) {
    const children = block.children ?? []
    for (let i = 0; i < children.length; i++) {
      const open = children[i]!
      if (open.type !== 'link_open' || open.markup === 'linkify' || open.markup === 'autolink') continue
      const close = children.findIndex((token, j) => j > i && token.type === 'link_close')
      const href = String(open.attrGet('href') ?? '')
      const text = children.slice(i + 1, close).map(token => token.content).join('')
      if (close < 0 || text === href || !md.linkify.test(text)) continue
      const shown = new state.Token('text', '', 0)
      shown.content = href
      children.splice(i + 1, close - i - 1, shown)
    }
  }
}
md.core.ruler.push('honest_link_text', honestLinkText)

// `![alt](url)` is a link to the picture, named by its alt text (pictures are shared as files);
// the same rules as any link.
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!
  const href = String(token.attrGet('src') ?? '')
  const alt = self.renderInlineAsText(token.children ?? [], options, env)
  const text = !alt || (alt !== href && md.linkify.test(alt)) ? href : alt
  return `<a href="${md.utils.escapeHtml(href)}" target="_blank" rel="${LINK_REL}">${md.utils.escapeHtml(text)}</a>`
}

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('target', '_blank')
  tokens[idx]!.attrSet('rel', LINK_REL)
  return self.renderToken(tokens, idx, options)
}

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!
  const language = codeLanguage(token.info)
  const body = language ? highlightCode(token.content, language) : md.utils.escapeHtml(token.content)
  return `<pre><code${language ? ` class="hljs language-${language}"` : ''}>${body}</code></pre>\n`
}

const SHORTCODE = /^:([a-z0-9_+-]{1,50}):/i

/** `:tada:` → 🎉 for shortcodes the shared emoji data knows; anything else stays as typed. */
function emoji(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x3A /* : */) return false
  const match = SHORTCODE.exec(state.src.slice(state.pos, state.pos + 53))
  const unicode = match && emojiForShortcode(match[1]!)
  if (!match || !unicode) return false
  if (!silent) state.push('text', '', 0).content = unicode
  state.pos += match[0].length
  return true
}

const MENTION = /^@([a-z0-9_-]{3,32})(?![a-z0-9_-])/i

/** `@name` and `@room`, unless glued to a word before it (an e-mail address). */
function mention(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x40 /* @ */) return false
  if (state.pos > 0 && /[\p{L}\p{N}_.+-]/u.test(state.src[state.pos - 1]!)) return false
  const match = MENTION.exec(state.src.slice(state.pos, state.pos + 34))
  if (!match) return false
  if (!silent) {
    const token = state.push('mention', 'span', 0)
    token.content = match[0]
    token.meta = { username: match[1]!.toLowerCase() }
  }
  state.pos += match[0].length
  return true
}

md.inline.ruler.after('linkify', 'emoji', emoji)
md.inline.ruler.after('emoji', 'mention', mention)

// The same for every reader: the browser marks the reader's own (shared/utils/message-html.ts).
md.renderer.rules.mention = (tokens, idx) => {
  const token = tokens[idx]!
  const username = (token.meta as { username: string }).username
  return `<span class="mention" data-username="${username}">${md.utils.escapeHtml(token.content)}</span>`
}

/**
 * One line of words and plain punctuation, which Markdown renders as itself in a paragraph: it
 * starts with a letter (no list, quote or fence), holds none of Markdown's, HTML's or links' marks
 * (`*_~\`[]<>&#@/\\"`…), no newline, no dot followed by anything but a space (`example.com`), and
 * no `:shortcode:` of an emoji. test/unit/markdown.test.ts checks this against the parser.
 */
const PLAIN_LINE = /^\p{L}[\p{L}\p{N} ,.;:!?'()-]*$/u
const DOT_IN_WORD = /\.[^ ]/

export function isPlainLine(text: string): boolean {
  if (!PLAIN_LINE.test(text) || text.endsWith(' ') || DOT_IN_WORD.test(text)) return false
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    const shortcode = SHORTCODE.exec(text.slice(at, at + 53))
    if (shortcode && emojiForShortcode(shortcode[1]!)) return false
  }
  return true
}

/** Sanitised HTML for a message's text: what the message list puts in `v-html`. */
export function renderMarkdown(text: string): string {
  // Most messages are plain lines: they skip the parser and the sanitiser (the send path renders
  // every message once, and a page of history renders what the cache no longer holds).
  if (isPlainLine(text)) return `<p>${text}</p>`
  // No trailing newline: the element's text is then exactly what it shows.
  return sanitizeHtml(md.render(text)).trimEnd()
}

/**
 * The web links of a message's text, as the renderer shows them (bare, `www.`, `<…>` and
 * `[text](url)`; not those in code), distinct, in the order written: what link previews read.
 */
export function webLinksIn(text: string): string[] {
  const links = new Set<string>()
  for (const block of md.parse(text, {})) {
    for (const token of block.children ?? []) {
      const href = token.type === 'link_open' ? String(token.attrGet('href') ?? '') : ''
      if (href && /^https?:\/\//i.test(href)) links.add(href)
    }
  }
  return [...links]
}
