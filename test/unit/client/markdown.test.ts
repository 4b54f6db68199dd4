import { describe, expect, it } from 'vitest'
import { htmlToText, markOwnMentions } from '#shared/utils/message-html'
import { RENDER_CASES } from '../../support/markdown-cases'

// The server renders message HTML (test/unit/markdown.test.ts); the browser only marks the
// reader's own mentions on it and reads its words back, checked here in the browser build's
// environment against the same cases: equal strings on both sides let the server's HTML hydrate.
describe('message HTML in the browser', () => {
  it.each(RENDER_CASES)('marks the reader\'s mentions in $name as the server render does', ({ me, html }) => {
    const asSent = html.replaceAll(' mention-me', '')
    expect(markOwnMentions(asSent, me)).toBe(html)
  })

  it('marks nothing for a signed-out reader', () => {
    const html = '<p><span class="mention" data-username="room">@room</span></p>'
    expect(markOwnMentions(html, undefined)).toBe(html)
  })

  it('reads the words back from the HTML, entities decoded', () => {
    expect(htmlToText('<p>a &lt; b &amp;&amp; c<br>\nd</p>\n<pre><code>x &#x27;y&#39;\n</code></pre>')).toBe('a < b && c d x \'y\'')
  })
})
