import { z } from './zod.ts'
import { MESSAGE_ID_PATTERN, SEARCH_QUERY_MAX } from './limits.ts'
import { parseSearchQuery } from '../utils/search-query.ts'

const SEARCH_PAGE_DEFAULT = 20
const SEARCH_PAGE_MAX = 50

/** `GET /api/search?q=&limit=&before=`: q is parsed into words and filters (shared/utils/search-query.ts). */
export const searchRequestSchema = z.strictObject({
  q: z.pipe(
    z.string().check(z.maxLength(SEARCH_QUERY_MAX, `Search text must be at most ${SEARCH_QUERY_MAX} characters`)),
    z.transform((text: string, ctx) => {
      try {
        const query = parseSearchQuery(text)
        if (!query.terms.length && !query.prefix && !query.from && !query.has.length) {
          ctx.issues.push({ code: 'custom', input: text, message: 'Type a word to search for (or from:@someone, has:file, has:link)' })
          return z.NEVER
        }
        return query
      }
      catch (error) {
        ctx.issues.push({ code: 'custom', input: text, message: (error as Error).message })
        return z.NEVER
      }
    }),
  ),
  limit: z._default(
    z.coerce.number().check(z.int('Limit must be a whole number'), z.gte(1, 'Limit must be at least 1'), z.lte(SEARCH_PAGE_MAX, `Limit must be at most ${SEARCH_PAGE_MAX}`)),
    SEARCH_PAGE_DEFAULT,
  ),
  before: z.optional(z.string().check(z.regex(MESSAGE_ID_PATTERN, 'Cursor must be a message id'))),
})
