import { z } from './zod.ts'
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN } from './limits.ts'
import { displayNameSchema } from './people.ts'

/** Usernames are case-insensitive: accepted in any case, stored lower case. */
const usernameSchema = z.string().check(
  z.trim(),
  z.toLowerCase(),
  z.minLength(USERNAME_MIN, `Username must be at least ${USERNAME_MIN} characters`),
  z.maxLength(USERNAME_MAX, `Username must be at most ${USERNAME_MAX} characters`),
  z.regex(/^[a-z0-9_-]+$/, 'Username may contain only letters, digits, _ and -'),
)

/** Passwords are kept exactly as typed (never trimmed or lower-cased). */
const passwordSchema = z.string().check(
  z.minLength(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`),
  z.maxLength(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`),
)

export const registerSchema = z.strictObject({
  username: usernameSchema.check(z.refine(name => !name.startsWith('anonymous_'), 'Names starting with anonymous_ are kept for guests')),
  password: passwordSchema,
  email: z.optional(z.union([z.literal(''), z.email('Email address is not valid').check(z.maxLength(254))])),
  /** Show the Gravatar of `email` instead of the built-in initials avatar. */
  gravatar: z.optional(z.boolean()),
  /** What others see (any Unicode); the username stays the unique handle. Empty: the username. */
  displayName: z.optional(z.union([z.literal(''), displayNameSchema])),
})

export const loginSchema = z.strictObject({
  username: z.string().check(z.trim(), z.toLowerCase(), z.minLength(1, 'Username is required'), z.maxLength(USERNAME_MAX, 'No matching account found')),
  password: z.string().check(z.minLength(1, 'Password is required'), z.maxLength(PASSWORD_MAX)),
})

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().check(z.minLength(1, 'Current password is required'), z.maxLength(PASSWORD_MAX)),
  newPassword: passwordSchema,
})

export type RegisterInput = z.infer<typeof registerSchema>
export type LoginInput = z.infer<typeof loginSchema>
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>
