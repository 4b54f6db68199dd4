import { z } from 'zod/mini'

// zod/mini: zod's schemas and parser as functions, which a bundler leaves out when unused (zod's
// methods it cannot), so the pages' first load stays small. Checks are arguments of `.check()`:
// `z.string().check(z.trim(), z.minLength(1, '…'))`; `z.int('…')` there is the same whole-number
// check as zod's `.int('…')`. Two settings, before any schema module's body runs (every schema
// file imports `z` from here):
// - zod/mini loads no locale, so every message a schema does not spell out would read "Invalid
//   input"; English gives zod's sentences ("Unrecognized key: …", "expected string, received …").
// - No parser compiled with `new Function` in the browser: even probing whether that is allowed is
//   a Content-Security-Policy violation there (the pages' policy has no 'unsafe-eval').
z.config(z.locales.en())
if ('window' in globalThis) z.config({ jitless: true })

export { z }
