import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import diff from 'highlight.js/lib/languages/diff'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'

/**
 * Syntax highlighting for fenced code blocks: highlight.js's core with the few languages a team
 * pastes most (each grammar costs first-load bytes: CSS alone would add 4.4 KB gzipped, so it is
 * left out; no auto-detection, no full bundle).
 * Its output is HTML of `<span class="hljs-…">` with the code escaped; the sanitiser allows
 * exactly those classes.
 */
const LANGUAGES = { bash, diff, javascript, json, python, sql, typescript, xml, yaml }

for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar)

/** The language named after the fence (`ts`, `js`, `sh`, `html`… aliases count), when it is one of ours. */
export function codeLanguage(info: string): string | undefined {
  const name = info.trim().split(/\s+/)[0]?.toLowerCase() ?? ''
  return /^[a-z0-9+#-]{1,20}$/.test(name) && hljs.getLanguage(name) ? name : undefined
}

/** Highlighted HTML of `code` in `language` (a name codeLanguage accepted), the code escaped. */
export function highlightCode(code: string, language: string): string {
  return hljs.highlight(code, { language, ignoreIllegals: true }).value
}
