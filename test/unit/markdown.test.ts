import { describe, expect, it } from 'vitest'
import { MESSAGE_MAX } from '../../shared/schemas/limits.ts'
import { htmlToText, markOwnMentions, messageText } from '../../shared/utils/message-html.ts'
import { sanitizeHtml } from '../../server/domain/text/html-sanitizer.ts'
import { isPlainLine, renderMarkdown } from '../../server/domain/text/markdown.ts'
import { RENDER_CASES } from '../support/markdown-cases.ts'

const ALLOWED: Record<string, string[]> = {
  p: [], br: [], strong: [], em: [], s: [], code: ['class'], pre: [], blockquote: [], ul: [], ol: ['start'], li: [],
  a: ['href', 'target', 'rel'], span: ['class', 'data-username'],
}

/** Every tag and attribute in `html` is one the renderer may produce, and every link is http(s) or mailto. */
function markupProblems(html: string): string[] {
  const problems: string[] = []
  for (const [tag, name, attributes] of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const allowed = ALLOWED[name!.toLowerCase()]
    if (!allowed) {
      problems.push(`tag ${tag}`)
      continue
    }
    for (const [, attribute, value] of attributes!.matchAll(/\s([^\s=]+)(?:="([^"]*)")?/g)) {
      if (!allowed.includes(attribute!)) problems.push(`attribute ${attribute} in ${tag}`)
      if (attribute === 'href' && !/^(?:https?:\/\/|mailto:)/.test(value ?? '')) problems.push(`link ${value}`)
    }
  }
  return problems
}

describe('the Markdown renderer', () => {
  it.each(RENDER_CASES)('renders $name', ({ text, me, html }) => {
    expect(markOwnMentions(renderMarkdown(text), me)).toBe(html)
  })

  it('renders mentions the same for every reader (the browser marks the reader\'s own)', () => {
    expect(renderMarkdown('@ann @room')).toBe('<p><span class="mention" data-username="ann">@ann</span> <span class="mention" data-username="room">@room</span></p>')
  })

  it('gives every link a new tab, no referrer, no opener and no endorsement', () => {
    const html = renderMarkdown('<https://example.com> and http://example.org/x')
    expect(html.match(/<a /g)).toHaveLength(2)
    expect(html.match(/target="_blank" rel="noopener noreferrer nofollow"/g)).toHaveLength(2)
  })

  it.each([
    ['a javascript: link', '[click](javascript:alert(1))'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a javascript: autolink in mixed case with entities', '<JaVaScRiPt&#58;alert(1)>'],
    ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a data: autolink', '<data:text/html,<script>alert(1)</script>>'],
    ['a vbscript: link', '<vbscript:msgbox(1)>'],
    ['raw HTML', '<script>alert(1)</script><iframe src="https://evil.test"></iframe>'],
    ['an element with an event attribute', '<img src=x onerror="alert(1)">'],
    ['an autolink with quotes breaking out of href', 'https://a.test/"onmouseover="alert(1)"x'],
    ['an angle-bracket autolink with quotes', '<https://a.test/" onclick="alert(1)>'],
    ['a www. link with quotes and tags', 'www.example.com/\'"><script>alert(1)</script>'],
    ['a code fence whose language tries to add an attribute', '```js" onclick="alert(1)\nx\n```'],
    ['a mention that tries to close its span', '@ann"><script>alert(1)</script>'],
    ['entities spelling a tag', '&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;'],
  ])('keeps %s harmless', (_name, text) => {
    const html = renderMarkdown(text)
    expect(markupProblems(html)).toEqual([]) // tags, attributes and link schemes
    // Whatever is left of the attempt is visible text: no element of its own.
    expect(html).not.toMatch(/<(?:script|img|iframe|svg)/i)
  })

  it('never lets more than 20 levels of quotes or lists nest', () => {
    const html = renderMarkdown('>'.repeat(500) + ' deep')
    expect(html.match(/<blockquote>/g)!.length).toBeLessThanOrEqual(20)
    expect(markupProblems(html)).toEqual([])
  })

  it('renders a hundred pathological 2,000-character messages to sanitised markup of bounded size', () => {
    const patterns = [
      '*a **b ***c ', '_*', '**_~~', '[', '[a](', '](', '`', '``a`', '> ', '- ', '1. ', '  - ', '~~', ':', ':a', '@', '@a',
      'www.', 'http://', 'https://a.', '<', '<a ', '\\', '*a _b ', '&#', '```\n', '\n> - 1. ', '![', '<https://', '*`*`',
    ]
    const inputs = Array.from({ length: 100 }, (_, i) => {
      const unit = patterns[i % patterns.length]! + (i >= patterns.length ? patterns[(i * 7) % patterns.length]! : '')
      return unit.repeat(Math.ceil(MESSAGE_MAX / unit.length)).slice(0, MESSAGE_MAX)
    })
    for (const text of inputs) {
      const html = renderMarkdown(text)
      expect(markupProblems(html)).toEqual([])
      expect(html.length).toBeLessThan(text.length * 40)
    }
  })

  it('renders a plain line without the parser exactly as the parser does', () => {
    // Words and separators that come close to links, e-mail, emoji shortcodes and lists.
    const words = ['bench', 'Hello', 'www', 'com', 'http', 'https', 'mailto', 'localhost', 'tada', 'x', '100', '12', 'e', 'g', 'ann', 'café', 'Ünïcode', 'ok', 'io', 'fr']
    const separators = [' ', '.', ':', ',', '!', '?', '\'', '(', ')', '-', ';', '. ', ': ', '  ', '::', ' - ', '1. ', '//', '@', '*']
    let seed = 42
    const pick = <T>(list: T[]) => list[Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 16) % list.length]!
    let plain = 0
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + (i % 9) }, (_, j) => (j ? pick(separators) : '') + pick(words)).join('') + (i % 4 ? '' : pick(separators))
      if (isPlainLine(text)) plain++
      // A trailing newline renders the same and never takes the short way.
      expect(renderMarkdown(text), text).toBe(renderMarkdown(`${text}\n`))
    }
    expect(plain).toBeGreaterThan(500)
    expect(isPlainLine('bench:12:345:1765000000000:xxxx')).toBe(true)
    expect(isPlainLine('Lunch at noon, then the review: is that fine?')).toBe(true)
    for (const text of ['See example.com', 'ping :tada:', 'a\nb', '- item', 'it\'s *bold*', 'a <b>', 'Tom & Jerry', 'say "hi"']) expect(isPlainLine(text), text).toBe(false)
  })
})

describe('the sanitiser', () => {
  it.each([
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="https://ok.test" target="_self" rel="opener">x</a>', '<a href="https://ok.test">x</a>'],
    ['<span class="mention" onclick="alert(1)" style="color:red">@x</span>', '<span class="mention">@x</span>'],
    ['<span class="evil">x</span>', '<span>x</span>'],
    ['<code class="hljs language-js" data-x="1">x</code>', '<code class="hljs language-js">x</code>'],
    ['<ol start="1 onclick=alert(1)"><li>x</li></ol>', '<ol><li>x</li></ol>'],
    ['<div><img src=x onerror=alert(1)></div>', '&lt;div&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/div&gt;'],
    ['<svg><script>alert(1)</script></svg>', '&lt;svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;'],
    ['<!-- <script> -->x', 'x'],
  ])('turns %s into %s', (input, output) => {
    expect(sanitizeHtml(input)).toBe(output)
  })
})

describe('message text without Markdown, read back from the rendered HTML', () => {
  it('keeps the words, code and emoji, and drops the markers', () => {
    expect(htmlToText(renderMarkdown('**Deploy** is _done_ :tada:\n> see `make ship`\n\n```sh\nmake ship\n```'))).toBe('Deploy is done 🎉 see make ship make ship')
  })

  it('leaves text that has no Markdown as it is, on one line, with escaped characters decoded', () => {
    expect(htmlToText(renderMarkdown('hello\nworld <b> & "quotes" \'s'))).toBe('hello world <b> & "quotes" \'s')
  })

  it('keeps highlighted code and links as their text', () => {
    expect(htmlToText(renderMarkdown('```js\nif (a < b && c) x = "y"\n```\nsee https://example.com/?a=1&b=2 @ann'))).toBe('if (a < b && c) x = "y" see https://example.com/?a=1&b=2 @ann')
  })

  it('uses the text as typed for a message the server has not rendered yet', () => {
    expect(messageText({ content: { text: '**sending**\nnow' } })).toBe('**sending** now')
    expect(messageText({ content: { text: '**sent**' }, html: renderMarkdown('**sent**') })).toBe('sent')
  })
})
