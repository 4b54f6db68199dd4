import { z } from './zod.ts'
import { DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN } from './limits.ts'
import { displayText } from './rooms.ts'

/** Usernames are case-insensitive: accepted in any case, stored lower case. */
const usernameSchema = z.string()
  .trim()
  .toLowerCase()
  .min(USERNAME_MIN, `Username must be at least ${USERNAME_MIN} characters`)
  .max(USERNAME_MAX, `Username must be at most ${USERNAME_MAX} characters`)
  .regex(/^[a-z0-9_-]+$/, 'Username may contain only letters, digits, _ and -')

/** Passwords are kept exactly as typed (never trimmed or lower-cased). */
const passwordSchema = z.string()
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`)

export const registerSchema = z.strictObject({
  username: usernameSchema.refine(name => !name.startsWith('anonymous_'), 'Names starting with anonymous_ are kept for guests'),
  password: passwordSchema,
  email: z.union([z.literal(''), z.email('Email address is not valid').max(254)]).optional(),
  /** Show the Gravatar of `email` instead of the built-in initials avatar. */
  gravatar: z.boolean().optional(),
  /** What others see (any Unicode); the username stays the unique handle. Empty: the username. */
  displayName: displayText('Display name', DISPLAY_NAME_MAX * 2)
    .refine(value => [...value].length <= DISPLAY_NAME_MAX, `Display name must be at most ${DISPLAY_NAME_MAX} characters`)
    .optional(),
})

export const loginSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1, 'Username is required').max(USERNAME_MAX, 'No matching account found'),
  password: z.string().min(1, 'Password is required').max(PASSWORD_MAX),
})

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, 'Current password is required').max(PASSWORD_MAX),
  newPassword: passwordSchema,
})

export type RegisterInput = z.infer<typeof registerSchema>
export type LoginInput = z.infer<typeof loginSchema>
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>
