import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../server/domain/people/passwords.ts'

describe('password hashing', () => {
  it('hashes with a salt and verifies only the exact password', async () => {
    const a = await hashPassword('Tr0ub4dor&3')
    const b = await hashPassword('Tr0ub4dor&3')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword(a, 'Tr0ub4dor&3')).toBe(true)
    expect(await verifyPassword(a, 'tr0ub4dor&3')).toBe(false)
    expect(await verifyPassword('garbage', 'Tr0ub4dor&3')).toBe(false)
  })
})
