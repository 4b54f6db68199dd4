import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { allowlistProblems, gate, MAX_DAYS, readFindings, type AllowEntry } from '../../scripts/scan-gate.ts'
import { ROOT, readText } from './cloudformation.ts'

// The image scan gate of buildspec.yml: ECR's findings of a blocking severity hold the release
// unless infra/scan-allowlist.json accepts them (finding id, reason, expiry).

/** Output of `aws ecr describe-image-scan-findings --output json` for basic scanning, trimmed to what the gate reads. */
const BASIC = {
  imageScanFindings: {
    findingSeverityCounts: { HIGH: 2, MEDIUM: 1 },
    findings: [
      { name: 'CVE-2024-0001', severity: 'HIGH', attributes: [{ key: 'package_name', value: 'zlib' }, { key: 'package_version', value: '1.2' }] },
      { name: 'CVE-2024-0002', severity: 'HIGH', attributes: [{ key: 'package_name', value: 'openssl' }] },
      { name: 'CVE-2024-0003', severity: 'MEDIUM', attributes: [{ key: 'package_name', value: 'perl' }] },
    ],
  },
}
const ENHANCED = { imageScanFindings: { enhancedFindings: [{ severity: 'CRITICAL', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-0009', vulnerablePackages: [{ name: 'glibc' }] } }] } }
const entry = (id: string, expires: string, pkg?: string): AllowEntry => ({ id, expires, reason: 'no fixed Debian package yet; the code path is not reachable from the app', ...(pkg ? { package: pkg } : {}) })
const TODAY = '2026-06-01'

const dir = mkdtempSync(join(tmpdir(), 'scan-gate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the script as buildspec.yml does: its exit code and output. */
function run(findings: unknown, entries: AllowEntry[]): { code: number | null, output: string } {
  writeFileSync(join(dir, 'findings.json'), JSON.stringify(findings))
  writeFileSync(join(dir, 'allow.json'), JSON.stringify({ findings: entries }))
  const result = spawnSync(process.execPath, ['scripts/scan-gate.ts', '--findings', join(dir, 'findings.json'), '--allowlist', join(dir, 'allow.json'), '--severities', 'CRITICAL HIGH', '--today', TODAY], { cwd: ROOT, encoding: 'utf8' })
  return { code: result.status, output: result.stdout + result.stderr }
}

describe('the image scan gate', () => {
  test('reads basic and enhanced scanning findings alike', () => {
    expect(readFindings(BASIC).map(f => [f.id, f.severity, f.packages])).toEqual([
      ['CVE-2024-0001', 'HIGH', ['zlib']], ['CVE-2024-0002', 'HIGH', ['openssl']], ['CVE-2024-0003', 'MEDIUM', ['perl']],
    ])
    expect(readFindings(ENHANCED)).toEqual([{ id: 'CVE-2024-0009', severity: 'CRITICAL', packages: ['glibc'] }])
    expect(readFindings({ imageScanFindings: {} })).toEqual([])
  })

  test('holds a HIGH or CRITICAL finding that no live entry accepts, and only those', () => {
    const result = gate(readFindings(BASIC), [entry('CVE-2024-0001', '2026-07-01')], ['CRITICAL', 'HIGH'], TODAY)
    expect(result.blocking.map(f => f.id)).toEqual(['CVE-2024-0002'])
    expect(result.allowed.map(a => a.finding.id)).toEqual(['CVE-2024-0001'])
  })

  test('lets an entry lapse on its expiry date, and a package-bound entry allow that package only', () => {
    const expired = gate(readFindings(BASIC), [entry('CVE-2024-0001', '2026-05-31')], ['HIGH'], TODAY)
    expect(expired.blocking.map(f => f.id)).toEqual(['CVE-2024-0001', 'CVE-2024-0002'])
    expect(expired.expired.map(e => e.id)).toEqual(['CVE-2024-0001'])
    expect(gate(readFindings(BASIC), [entry('CVE-2024-0001', TODAY)], ['HIGH'], TODAY).allowed).toHaveLength(1)
    const otherPackage = gate(readFindings(BASIC), [entry('CVE-2024-0001', '2026-07-01', 'curl')], ['HIGH'], TODAY)
    expect(otherPackage.blocking.map(f => f.id)).toContain('CVE-2024-0001')
  })

  test('refuses entries without an id, a reason, a date, or with an expiry more than 180 days ahead', () => {
    expect(MAX_DAYS).toBe(180)
    expect(allowlistProblems([entry('CVE-2024-0001', '2026-11-28')], TODAY)).toEqual([])
    expect(allowlistProblems([
      { id: 'zlib', reason: 'x', expires: '2026-13-01' },
      entry('CVE-2024-0001', '2026-11-29'),
    ], TODAY)).toEqual([
      'entry 1 (zlib): id must be a finding id such as CVE-2024-12345',
      'entry 1 (zlib): give the reason it is accepted (at least 20 characters)',
      'entry 1 (zlib): expires must be a date, YYYY-MM-DD',
      'entry 2 (CVE-2024-0001): expires more than 180 days ahead',
    ])
  })

  test('as a command: exits 1 naming what holds the release, 0 when all is accepted, 2 on a bad allow-list', () => {
    const held = run(BASIC, [entry('CVE-2024-0001', '2026-07-01')])
    expect(held.code).toBe(1)
    expect(held.output).toContain('blocking: HIGH CVE-2024-0002 (openssl)')
    expect(held.output).toContain('allowed until 2026-07-01: HIGH CVE-2024-0001 (zlib)')
    expect(held.output).toContain('release held - 1 finding(s) of severity CRITICAL HIGH')
    const passed = run(BASIC, [entry('CVE-2024-0001', '2026-07-01'), entry('CVE-2024-0002', '2026-07-01', 'openssl')])
    expect(passed.code).toBe(0)
    expect(passed.output).toContain('scan gate passed')
    const invalid = run(BASIC, [{ id: 'CVE-2024-0002', reason: '', expires: '2026-07-01' }])
    expect(invalid.code).toBe(2)
    expect(invalid.output).toContain('is not valid')
  })

  test('the repository\'s allow-list is valid today', () => {
    const { findings } = JSON.parse(readText('infra/scan-allowlist.json')) as { findings: AllowEntry[] }
    // An expired entry may stay (it allows nothing); a malformed one, or one too far ahead, fails the build.
    expect(allowlistProblems(findings, new Date().toISOString().slice(0, 10))).toEqual([])
  })
})
