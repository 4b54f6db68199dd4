// Message texts and the exact HTML the renderer must give for them, checked in Node (the server
// render) and in the Nuxt client environment (the browser build): the same answers on both sides
// are what lets the server's HTML hydrate without a mismatch.

const LINK = 'target="_blank" rel="noopener noreferrer nofollow"'

export const RENDER_CASES: { name: string, text: string, me?: string, html: string }[] = [
  { name: 'bold, italic, strikethrough and inline code', text: '**bold** _it_ *it too* ~~gone~~ `a < b`', html: '<p><strong>bold</strong> <em>it</em> <em>it too</em> <s>gone</s> <code>a &lt; b</code></p>' },
  { name: 'line breaks as typed', text: 'one\ntwo', html: '<p>one<br>\ntwo</p>' },
  { name: 'block quotes', text: '> quoted\nreply', html: '<blockquote>\n<p>quoted<br>\nreply</p>\n</blockquote>' },
  { name: 'lists, numbered from where the author started', text: '- a\n- b\n\n3. c\n4. d', html: '<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>' },
  { name: 'a highlighted fenced code block', text: '```js\nconst a = 1 // one\n```', html: '<pre><code class="hljs language-js"><span class="hljs-keyword">const</span> a = <span class="hljs-number">1</span> <span class="hljs-comment">// one</span>\n</code></pre>' },
  { name: 'a code block in a language it does not know, escaped', text: '```brainfuck\n<b>&\n```', html: '<pre><code>&lt;b&gt;&amp;\n</code></pre>' },
  { name: 'links with and without a scheme, e-mail addresses', text: 'https://example.com/a?b=1&c=2 www.example.org ann@example.com', html: `<p><a href="https://example.com/a?b=1&amp;c=2" ${LINK}>https://example.com/a?b=1&amp;c=2</a> <a href="https://www.example.org" ${LINK}>www.example.org</a> <a href="mailto:ann@example.com" ${LINK}>ann@example.com</a></p>` },
  { name: 'file names are not links', text: 'see readme.md and main.rs', html: '<p>see readme.md and main.rs</p>' },
  { name: 'emoji shortcodes from the shared data, unknown ones as typed', text: ':tada: :+1: :no_such_thing: 10:30:45', html: '<p>🎉 👍 :no_such_thing: 10:30:45</p>' },
  { name: 'mentions, the reader\'s own marked', text: '@Bob and @ann, also @room', me: 'ann', html: '<p><span class="mention" data-username="bob">@Bob</span> and <span class="mention mention-me" data-username="ann">@ann</span>, also <span class="mention mention-me" data-username="room">@room</span></p>' },
  { name: 'no mentions or emoji inside code', text: '`@ann :tada:`', me: 'ann', html: '<p><code>@ann :tada:</code></p>' },
  { name: 'raw HTML as text', text: '<script>alert(1)</script><img src=x onerror=alert(1)>', html: '<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</p>' },
  { name: 'links with text of their own, formatted, without a title', text: 'see [the runbook](https://example.com/run?a=1&b=2) or [**write**](mailto:ann@example.com "Ann")', html: `<p>see <a href="https://example.com/run?a=1&amp;b=2" ${LINK}>the runbook</a> or <a href="mailto:ann@example.com" ${LINK}><strong>write</strong></a></p>` },
  { name: 'links to anything but the web and e-mail as typed', text: '[a](javascript:alert(1)) [b](data:text/html,x) [c](/relative) [d](//evil.test) [e](ftp://host/f) [f](https:no-slashes)', html: '<p>[a](javascript:alert(1)) [b](data:text/html,x) [c](/relative) [d](//evil.test) [e](ftp://host/f) [f](https:no-slashes)</p>' },
  { name: 'a link whose text is another address shows where it goes', text: '[https://bank.example](https://evil.test/login) [www.bank.example](https://evil.test) [https://same.test](https://same.test)', html: `<p><a href="https://evil.test/login" ${LINK}>https://evil.test/login</a> <a href="https://evil.test" ${LINK}>https://evil.test</a> <a href="https://same.test" ${LINK}>https://same.test</a></p>` },
  { name: 'headings, tables and rules as typed; an image as a link to it', text: '# Title\n\n---\n\n![i](https://x.test/i.png) ![](https://x.test/j.png) ![x](javascript:alert(1))', html: `<p># Title</p>\n<p>---</p>\n<p><a href="https://x.test/i.png" ${LINK}>i</a> <a href="https://x.test/j.png" ${LINK}>https://x.test/j.png</a> ![x](javascript:alert(1))</p>` },
]
