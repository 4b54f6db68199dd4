import { z } from 'zod'

// Zod compiles object schemas with `new Function`, and merely probing whether that is allowed is a
// Content-Security-Policy violation in the browser (the pages' policy has no 'unsafe-eval'). The
// probe runs when a schema is built, so this must happen before any schema module's body: every
// schema file imports `z` from here. The server keeps the compiled (faster) parsers.
if ('window' in globalThis) z.config({ jitless: true })

export { z }
