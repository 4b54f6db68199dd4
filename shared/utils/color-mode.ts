// Apart from the schemas: the pages read these, and the schemas' validation library stays out of their first load.

/** How the pages are coloured: light, dark, or as the system says. */
export const COLOR_MODES = ['light', 'dark', 'system'] as const
export type ColorMode = typeof COLOR_MODES[number]
/** The cookie the server renders the pages' colour mode from (so the first paint is already right). */
export const COLOR_MODE_COOKIE = 'color-mode'
