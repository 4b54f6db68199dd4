import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { compile } from 'sass'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/processes.ts'

// Only the parts of Bootstrap the pages use are compiled: these tests catch a class that a template
// starts using but the stylesheet no longer defines, and the stylesheet growing back to all of Bootstrap.
const bootstrap = compile(join(ROOT, 'assets/css/bootstrap.scss'), { loadPaths: [join(ROOT, 'node_modules')], quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'if-function'], style: 'compressed' }).css
const stylesheet = bootstrap + readFileSync(join(ROOT, 'assets/css/chat.css'), 'utf8')

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter(file => /\.(vue|ts)$/.test(file))
    .map(file => readFileSync(join(ROOT, dir, file), 'utf8'))
}

/** Class names written literally in templates and render functions: class="…", class: '…' and the quoted or bare keys of :class="{ … }". */
function usedClasses(): Set<string> {
  const used = new Set<string>()
  const files = [...['components', 'pages', 'layouts'].flatMap(sources), readFileSync(join(ROOT, 'app.vue'), 'utf8'), readFileSync(join(ROOT, 'error.vue'), 'utf8')]
  for (const text of files) {
    for (const [, list] of text.matchAll(/(?<![:\w-])class(?:="|: ')([^"']+)["']/g)) for (const name of list!.split(/\s+/)) if (name) used.add(name)
    for (const [, object] of text.matchAll(/:class="\{([^}]*)\}"/g)) {
      for (const [, quoted, bare] of object!.matchAll(/(?:^|,)\s*(?:'([^']+)'|([\w-]+))\s*(?=[:,]|$)/g)) {
        for (const name of (quoted ?? bare)!.split(/\s+/)) used.add(name)
      }
    }
  }
  return used
}

/** Classes that name an element for readers and tests, with no style of their own. */
const LABELS = ['composer-send', 'message-top', 'room-name', 'sidebar-brand', 'sidebar-user', 'ui-dialog-close']

describe('the stylesheet', () => {
  it('has the dark colour mode for a dark choice, and for "System" only when the system prefers dark', () => {
    expect(bootstrap).toContain('[data-bs-theme=dark]{')
    expect(bootstrap).toMatch(/@media ?\(prefers-color-scheme: ?dark\)\{\[data-bs-theme=auto\]\{color-scheme:dark/)
  })

  it('defines every class the templates use', () => {
    const used = usedClasses()
    expect(used.size).toBeGreaterThan(100)
    const missing = [...used].filter(name => !LABELS.includes(name) && !new RegExp(`\\.${name.replace(/[-]/g, '\\-')}(?![\\w-])`).test(stylesheet))
    expect(missing).toEqual([])
  })

  it('leaves out the parts of Bootstrap the pages do not use', () => {
    const unused = ['.row', '.col-md-6', '.table', '.dropdown', '.navbar', '.carousel', '.accordion', '.tooltip', '.toast', '.pagination', '.placeholder']
    expect(unused.filter(selector => bootstrap.includes(`${selector}{`) || bootstrap.includes(`${selector},`))).toEqual([])
    // With its dark colour mode twice (chosen, and "System" in a dark system): 107 KB, 13 KB brotli.
    expect(bootstrap.length).toBeLessThan(110_000) // all of Bootstrap: 227 KB
  })
})
