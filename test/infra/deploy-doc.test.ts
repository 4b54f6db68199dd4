import { describe, expect, test } from 'vitest'
import { loadTemplate, readText } from './cloudformation.ts'

// docs/deploy.md as a new user follows it: shell blocks top to bottom, in one terminal.
const doc = readText('docs/deploy.md')
const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map(m => m[1]!)

/** Shell variables used before any shown command assigns them (VAR=…, read VAR, for VAR in). */
function unassignedVariables(shellBlocks: string[]): string[] {
  const assigned = new Set<string>()
  const missing = new Set<string>()
  for (const line of shellBlocks.join('\n').split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '')
    // `VAR=$(…)`: the use on the right comes before the name exists.
    for (const m of code.matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)) if (!assigned.has(m[1]!)) missing.add(m[1]!)
    for (const m of code.matchAll(/(?:^|[\s;(])(?:export\s+)?([A-Z][A-Z0-9_]*)=/g)) assigned.add(m[1]!)
    for (const m of code.matchAll(/\b(?:read -r|read|for)\s+([A-Z][A-Z0-9_ ]*?)(?:\s+in\b|;|$|\s*<)/g)) for (const name of m[1]!.trim().split(/\s+/)) assigned.add(name)
  }
  return [...missing]
}

describe('docs/deploy.md', () => {
  test('starts from git clone', () => {
    expect(blocks[0]).toMatch(/^git clone /m)
  })

  test('assigns every shell variable in a shown command before using it', () => {
    expect(blocks.length).toBeGreaterThan(10)
    expect(unassignedVariables(blocks)).toEqual([])
  })

  test('an undefined variable is caught', () => {
    expect(unassignedVariables(['aws acm describe-certificate --certificate-arn "$CERT_ARN"\nREGION=x\necho "$REGION"'])).toEqual(['CERT_ARN'])
  })

  test('passes every pipeline parameter without a default, and only parameters the pipeline has', () => {
    const parameters = loadTemplate('infra/pipeline.yml').Parameters!
    const deploys = blocks.join('\n').split(/aws cloudformation deploy/).slice(1).filter(d => d.includes('infra/pipeline.yml'))
    expect(deploys.length).toBeGreaterThan(0)
    for (const deploy of deploys) {
      const passed = [...deploy.split(/\n(?!\s)/)[0]!.matchAll(/\b([A-Z][A-Za-z]+)=/g)].map(m => m[1]!)
      for (const name of passed) expect(Object.keys(parameters), name).toContain(name)
      for (const [name, parameter] of Object.entries(parameters)) if (parameter.Default === undefined) expect(passed, name).toContain(name)
      expect(deploy).toContain('CAPABILITY_NAMED_IAM')
    }
  })

  test('covers new-account quotas, certificate validation, a failed first deploy and the smoke test', () => {
    for (const text of ['L-3032A538', 'codebuild', 'aws acm wait certificate-validated', 'ROLLBACK_COMPLETE', 'npm run smoke -- --url']) expect(doc).toContain(text)
  })
})
