import { describe, expect, test } from 'vitest'
import { evaluate, loadTemplate, readText, type Template } from './cloudformation.ts'

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

describe('the lists of tables, secrets and counts in the docs', () => {
  const resources = loadTemplate('infra/resources.yml')
  const context = { stackName: 'fargate-chat-resources', region: 'us-east-1', accountId: '123456789012', parameters: {} }
  const tables = Object.values(resources.Resources).filter(r => r.Type === 'AWS::DynamoDB::Table').map(r => evaluate(r.Properties!.TableName!, context)).sort()
  const operations = readText('docs/operations.md')

  /**
   * The table names a doc lists: on each line naming `fargate-chat-resources-users`, that name and the
   * `-suffix` names after it, up to the end of the table cell or line.
   */
  function listedTables(text: string): string[][] {
    return text.split('\n').filter(line => line.includes('`fargate-chat-resources-users`')).map((line) => {
      const list = line.slice(line.indexOf('`fargate-chat-resources-users`')).split(' | ')[0]!
      return ['fargate-chat-resources-users', ...[...list.matchAll(/`-([a-z-]+)`/g)].map(m => `fargate-chat-resources-${m[1]}`)].sort()
    })
  }

  test.each(['docs/deploy.md', 'docs/operations.md'])('%s lists exactly the tables of infra/resources.yml wherever it lists them', (file) => {
    const lists = listedTables(readText(file))
    expect(lists.length).toBeGreaterThan(0)
    for (const list of lists) expect(list).toEqual(tables)
  })

  test('operations.md lists exactly the table exports the task reads', () => {
    const line = operations.split('\n').find(l => l.includes('`fargate-chat-resources-UserTableName`'))!
    const list = line.slice(line.indexOf('`fargate-chat-resources-UserTableName`')).split(' | ')[0]!
    const named = ['UserTableName', ...[...list.matchAll(/`-([A-Za-z]+TableName)`/g)].map(m => m[1]!)].sort()
    const exported = Object.keys(resources.Outputs!).filter(name => name.endsWith('TableName')).sort()
    expect(named).toEqual(exported)
    expect(exported).toHaveLength(tables.length)
  })

  test('a list that misses a table, or has one too many, is caught', () => {
    expect(listedTables('| `fargate-chat-resources-users`, `-messages` | x `-rooms` |')).toEqual([['fargate-chat-resources-messages', 'fargate-chat-resources-users']])
  })

  test('every count of tables in the docs and template descriptions is the number the templates have', () => {
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve']
    const texts = ['docs/deploy.md', 'docs/operations.md', 'docs/architecture.md', 'infra/resources.yml', 'infra/monitoring.yml']
    const counts = texts.flatMap(file => [...readText(file).matchAll(/\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+) (?:DynamoDB )?tables\b/gi)]
      .map(m => [file, /\d/.test(m[1]!) ? Number(m[1]) : words.indexOf(m[1]!.toLowerCase())] as const))
    expect(counts.length).toBeGreaterThan(3)
    for (const [file, count] of counts) expect(count, file).toBe(tables.length)
  })

  test('the teardown and recovery sections name every secret the app stacks create', () => {
    const secrets = (['infra/cluster.yml', 'infra/resources.yml'] as const).flatMap((file) => {
      const template: Template = loadTemplate(file)
      return Object.values(template.Resources).filter(r => r.Type === 'AWS::SecretsManager::Secret').map(r => evaluate(r.Properties!.Name!, { ...context, stackName: 'x' }).replace('x/', '/'))
    })
    expect(secrets.sort()).toEqual(['/origin-verify', '/redis-auth-token', '/redis-url', '/session-password'])
    const section = (heading: string) => doc.slice(doc.indexOf(heading), doc.indexOf('\n## ', doc.indexOf(heading) + 1))
    for (const heading of ['## 7. If a deployment failed', '## 10. Tearing down and deploying again']) {
      for (const secret of secrets) expect(section(heading), `${heading}: ${secret}`).toContain(secret)
    }
    expect(doc).toContain('scripts/aws/teardown.sh')
    expect(doc).toContain('scripts/aws/recover-stack.sh')
    expect(operations).toContain('scripts/aws/rotate-origin-secret.sh')
  })
})
