// `node scripts/scan-gate.ts --findings <file> [--allowlist infra/scan-allowlist.json] [--severities "CRITICAL HIGH"]`:
// the release gate after ECR's image scan (buildspec.yml). Reads the output of
// `aws ecr describe-image-scan-findings --output json` and exits 1 when a finding of a blocking
// severity is not on the allow-list, naming each; 2 when the allow-list itself is wrong (missing
// reason, bad date, or an expiry more than MAX_DAYS ahead). An entry allows one finding id
// (a CVE), optionally for one package, until its expiry date; expired entries allow nothing.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** An allowance lasts at most this long: a finding with no fix is looked at again at least twice a year. */
export const MAX_DAYS = 180

export interface AllowEntry { id: string, package?: string, reason: string, expires: string }
export interface Finding { id: string, severity: string, packages: string[] }

/** Basic scanning's `imageScanFindings.findings` and enhanced scanning's `enhancedFindings`, as one list. */
export function readFindings(output: unknown): Finding[] {
  const scan = (output as { imageScanFindings?: { findings?: unknown[], enhancedFindings?: unknown[] } }).imageScanFindings ?? {}
  const basic = (scan.findings ?? []) as { name: string, severity: string, attributes?: { key: string, value: string }[] }[]
  const enhanced = (scan.enhancedFindings ?? []) as { severity: string, packageVulnerabilityDetails?: { vulnerabilityId: string, vulnerablePackages?: { name: string }[] } }[]
  return [
    ...basic.map(f => ({ id: f.name, severity: f.severity, packages: (f.attributes ?? []).filter(a => a.key === 'package_name').map(a => a.value) })),
    ...enhanced.filter(f => f.packageVulnerabilityDetails).map(f => ({
      id: f.packageVulnerabilityDetails!.vulnerabilityId,
      severity: f.severity,
      packages: (f.packageVulnerabilityDetails!.vulnerablePackages ?? []).map(p => p.name),
    })),
  ]
}

const DAY_MS = 86_400_000
const isoDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))

/** What is wrong with the allow-list on a given day (YYYY-MM-DD). */
export function allowlistProblems(entries: AllowEntry[], today: string): string[] {
  const problems: string[] = []
  for (const [i, entry] of entries.entries()) {
    const at = `entry ${i + 1} (${entry.id || 'no id'})`
    if (!/^[A-Z][A-Z0-9]*-[\w.-]+$/.test(entry.id ?? '')) problems.push(`${at}: id must be a finding id such as CVE-2024-12345`)
    if ((entry.reason ?? '').trim().length < 20) problems.push(`${at}: give the reason it is accepted (at least 20 characters)`)
    if (!isoDay(entry.expires ?? '')) problems.push(`${at}: expires must be a date, YYYY-MM-DD`)
    else if ((Date.parse(entry.expires) - Date.parse(today)) / DAY_MS > MAX_DAYS) problems.push(`${at}: expires more than ${MAX_DAYS} days ahead`)
  }
  return problems
}

export interface GateResult { blocking: Finding[], allowed: { finding: Finding, entry: AllowEntry }[], expired: AllowEntry[] }

/** Sorts the findings of blocking severities into those an unexpired entry allows and those that hold the release. */
export function gate(findings: Finding[], entries: AllowEntry[], severities: string[], today: string): GateResult {
  const live = entries.filter(e => e.expires >= today)
  const result: GateResult = { blocking: [], allowed: [], expired: entries.filter(e => e.expires < today) }
  for (const finding of findings.filter(f => severities.includes(f.severity))) {
    const entry = live.find(e => e.id === finding.id && (!e.package || finding.packages.includes(e.package)))
    if (entry) result.allowed.push({ finding, entry })
    else result.blocking.push(finding)
  }
  return result
}

function main(): void {
  const { values } = parseArgs({ options: {
    findings: { type: 'string' },
    allowlist: { type: 'string', default: 'infra/scan-allowlist.json' },
    severities: { type: 'string', default: 'CRITICAL HIGH' },
    today: { type: 'string', default: new Date().toISOString().slice(0, 10) },
  } })
  if (!values.findings) {
    console.error('usage: node scripts/scan-gate.ts --findings <describe-image-scan-findings output> [--allowlist <file>] [--severities "CRITICAL HIGH"]')
    process.exit(2)
  }
  const entries = (JSON.parse(readFileSync(values.allowlist, 'utf8')) as { findings: AllowEntry[] }).findings
  const problems = allowlistProblems(entries, values.today)
  if (problems.length) {
    console.error(`release held - ${values.allowlist} is not valid:\n  ${problems.join('\n  ')}`)
    process.exit(2)
  }
  const result = gate(readFindings(JSON.parse(readFileSync(values.findings, 'utf8'))), entries, values.severities.split(/\s+/), values.today)
  for (const entry of result.expired) console.log(`allow-list entry ${entry.id} expired on ${entry.expires}: it allows nothing now`)
  for (const { finding, entry } of result.allowed) console.log(`allowed until ${entry.expires}: ${finding.severity} ${finding.id} (${finding.packages.join(', ')}) - ${entry.reason}`)
  if (result.blocking.length) {
    for (const finding of result.blocking) console.log(`blocking: ${finding.severity} ${finding.id} (${finding.packages.join(', ') || 'no package named'})`)
    console.log(`release held - ${result.blocking.length} finding(s) of severity ${values.severities} not on ${values.allowlist} (docs/deploy.md, the image scan gate)`)
    process.exit(1)
  }
  console.log(`scan gate passed: no ${values.severities} finding outside ${values.allowlist}`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
