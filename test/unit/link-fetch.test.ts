import type { LookupFunction } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePage, parsePageCard } from '../../server/domain/links/open-graph.ts'
import { safeFetch, type SafeFetchOptions } from '../../server/domain/links/safe-fetch.ts'
import { startLinkPages, type LinkPages } from '../support/link-pages.ts'

let pages: LinkPages
beforeAll(async () => {
  pages = await startLinkPages()
})
afterAll(() => pages.close())

const PAGE: SafeFetchOptions = { accept: ['text/html'], maxBytes: 256 * 1024, timeoutMs: 2000, overflow: 'truncate' }
/** The tests' policy: the page server on 127.0.0.1 let through, every other non-public address still refused. */
const TESTING: SafeFetchOptions = { ...PAGE, allowAddresses: ['127.0.0.1'] }

/** A DNS that answers `address` for every name, as a public name pointing inside would. */
function resolvingTo(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [{ address, family }])
    else callback(null, address, family)
  }) as LookupFunction
}

/** The request count of the page server, to prove that a refused fetch reached nothing. */
const seen = () => pages.requests.length

describe('the safe fetcher', () => {
  it('reads an Open Graph page that the test policy lets through', async () => {
    const fetched = await safeFetch(`${pages.origin}/page?title=Hello`, TESTING)
    expect(fetched.contentType).toBe('text/html; charset=utf-8')
    expect(parsePageCard(decodePage(fetched.body, fetched.contentType), fetched.url)).toEqual({
      title: 'Hello', description: 'What the page is about.', siteName: 'Example Site', imageUrl: `${pages.origin}/card.png`,
    })
  })

  it('never connects to loopback, private or metadata addresses given directly', async () => {
    const before = seen()
    for (const address of [`${pages.origin}/page`, `http://[::1]:${pages.port}/page`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://0.0.0.0/', `http://[::ffff:127.0.0.1]:${pages.port}/page`, `http://2130706433:${pages.port}/page`, `http://0x7f.1:${pages.port}/page`]) {
      await expect(safeFetch(address, PAGE), address).rejects.toThrow(/not allowed/)
    }
    expect(seen()).toBe(before)
  })

  it('never connects to a name whose DNS answer is loopback, private or metadata', async () => {
    const before = seen()
    await expect(safeFetch(`http://localhost:${pages.port}/page`, PAGE)).rejects.toThrow(/not allowed/)
    for (const address of ['127.0.0.1', '169.254.169.254', '10.1.2.3', 'fd00::1']) {
      await expect(safeFetch(`http://public.example:${pages.port}/page`, { ...PAGE, lookup: resolvingTo(address) }), address).rejects.toThrow(/not allowed/)
    }
    expect(seen()).toBe(before)
  })

  it('never follows a redirect to a private, loopback or metadata address, by number or by name', async () => {
    const targets = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://10.0.0.1/admin',
      `http://[::1]:${pages.port}/page?title=secret`,
      `http://127.0.0.2:${pages.port}/page?title=secret`,
    ]
    for (const target of targets) {
      await expect(safeFetch(`${pages.origin}/redirect?to=${encodeURIComponent(target)}`, TESTING), target).rejects.toThrow(/not allowed/)
    }
    // A name resolving to the metadata service behind a redirect: refused after the DNS answer.
    const metadataByName = { ...TESTING, lookup: resolvingTo('169.254.169.254') }
    await expect(safeFetch(`http://127.0.0.1:${pages.port}/redirect?to=${encodeURIComponent('http://metadata.example/latest/')}`, metadataByName)).rejects.toThrow(/not allowed/)
    expect(pages.requests.filter(path => path.startsWith('/page?title=secret'))).toEqual([])
  })

  it('follows a redirect to an allowed page without sending the cookie it set', async () => {
    // The page server answers 400 to any request with a cookie or credentials.
    const fetched = await safeFetch(`${pages.origin}/redirect?to=${encodeURIComponent('/page?title=After%20a%20redirect')}`, TESTING)
    expect(fetched.url.href).toBe(`${pages.origin}/page?title=After%20a%20redirect`)
    expect(parsePageCard(decodePage(fetched.body, fetched.contentType), fetched.url)?.title).toBe('After a redirect')
  })

  it('refuses what is not http(s), and compressed answers', async () => {
    await expect(safeFetch('file:///etc/passwd', TESTING)).rejects.toThrow(/not an http/)
    await expect(safeFetch(`${pages.origin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`, TESTING)).rejects.toThrow(/not an http/)
    await expect(safeFetch(`${pages.origin}/card.png`, TESTING)).rejects.toThrow(/not text\/html: image\/png/)
  })

  it('keeps only the first bytes of a 50 MB page and hangs up on the rest', async () => {
    const fetched = await safeFetch(`${pages.origin}/huge`, TESTING)
    expect(fetched.body.length).toBe(PAGE.maxBytes)
    expect(parsePageCard(decodePage(fetched.body, fetched.contentType), fetched.url)?.title).toBe('A huge page')
    // What the server managed to write before the reader closed: socket buffers, not the 50 MB.
    expect(await pages.hugeClosed).toBeLessThan(8 * 1024 * 1024)
  })

  it('refuses an image larger than its cap without reading it', async () => {
    await expect(safeFetch(`${pages.origin}/card.png`, { ...TESTING, accept: ['image/'], maxBytes: 1000, overflow: 'refuse' })).rejects.toThrow(/at most 1000/)
  })

  it('gives up on an answer that takes 30 s at its deadline and closes the connection', async () => {
    await expect(safeFetch(`${pages.origin}/slow`, { ...TESTING, timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/)
    // The page server sees the connection go long before its 30 s (the test's own timeout is 30 s).
    await pages.slowClosed
  }, 10_000)
})

describe('reading a page card', () => {
  const page = new URL('https://news.example/story/1')

  it('prefers Open Graph, then Twitter cards, then the description and title tags', () => {
    expect(parsePageCard('<head><title>Plain &amp; simple</title><meta name="description" content="About it"><meta name="twitter:image" content="/i.jpg"></head>', page))
      .toEqual({ title: 'Plain & simple', description: 'About it', imageUrl: 'https://news.example/i.jpg' })
    expect(parsePageCard('<head><meta content=\'Card title\' name=\'twitter:title\'><meta property="og:site_name" content="News"></head>', page))
      .toEqual({ title: 'Card title', siteName: 'News' })
  })

  it('reads only the head, decodes entities, clamps lengths and drops unsafe image addresses', () => {
    const long = 'word '.repeat(200)
    const card = parsePageCard(`<head><meta property="og:title" content="Caf&#xE9; &lt;b&gt;\u0007bold"><meta property="og:description" content="${long}"><meta property="og:image" content="javascript:alert(1)"></head><body><meta property="og:site_name" content="Body"></body>`, page)
    expect(card?.title).toBe('Café <b> bold')
    expect([...card!.description!].length).toBe(300)
    expect(card?.description?.endsWith('…')).toBe(true)
    expect(card).not.toHaveProperty('imageUrl')
    expect(card).not.toHaveProperty('siteName')
  })

  it('has no card for a page that names neither a title nor a description', () => {
    expect(parsePageCard('<html><head><meta charset="utf-8"></head><body>Hi</body></html>', page)).toBeNull()
  })

  it('decodes the charset the page declares', () => {
    expect(decodePage(Buffer.from('<title>caf\xE9</title>', 'latin1'), 'text/html; charset=iso-8859-1')).toBe('<title>café</title>')
  })
})
