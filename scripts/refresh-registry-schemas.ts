// `npm run registry-schemas -- [--git-dir <dir>] [--ref <commit or branch>]`: copies the CloudFormation
// registry schema of every resource type used in infra/*.yml into test/infra/registry-schemas/, and
// removes the ones no template uses any more. test/infra/registry-permissions.test.ts reads their
// handler permissions (create, update, delete) and checks the deploy role grants each of them.
//
// Source: the public copy of the registry schemas kept in pulumi/pulumi-aws-native
// (aws-cloudformation-schema/<type>.json, refreshed from the CloudFormation registry). Without
// --git-dir the files are downloaded from GitHub at --ref (default main); with --git-dir they are
// read from a local clone (`git clone --bare https://github.com/pulumi/pulumi-aws-native`), at --ref
// (default HEAD). The commit they came from is written to SOURCE.json beside them.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TARGET = join(ROOT, 'test/infra/registry-schemas')
const REPOSITORY = 'pulumi/pulumi-aws-native'
const FOLDER = 'aws-cloudformation-schema'

/** Resource types of every template under infra/ (`Type: AWS::…` lines; the templates are YAML we write). */
export function resourceTypes(): string[] {
  const infra = join(ROOT, 'infra')
  const types = readdirSync(infra).filter(name => name.endsWith('.yml'))
    .flatMap(name => [...readFileSync(join(infra, name), 'utf8').matchAll(/^ {4}Type: (AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\s*$/gm)].map(m => m[1]!))
  return [...new Set(types)].sort()
}

/** AWS::EC2::VPC → aws-ec2-vpc.json, the file name the registry (and the copy) use. */
export function schemaFile(type: string): string {
  return `${type.toLowerCase().replaceAll('::', '-')}.json`
}

function fromGit(gitDir: string, ref: string): { read: (file: string) => string, commit: string } {
  const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const commit = git('rev-parse', ref).trim()
  return { commit, read: file => git('show', `${commit}:${FOLDER}/${file}`) }
}

async function fromGitHub(ref: string): Promise<{ read: (file: string) => Promise<string>, commit: string }> {
  const response = await fetch(`https://api.github.com/repos/${REPOSITORY}/commits/${encodeURIComponent(ref)}`, { headers: { accept: 'application/vnd.github.sha' } })
  if (!response.ok) throw new Error(`GitHub answered ${response.status} for ${REPOSITORY}@${ref}`)
  const commit = (await response.text()).trim()
  return {
    commit,
    read: async (file) => {
      const raw = await fetch(`https://raw.githubusercontent.com/${REPOSITORY}/${commit}/${FOLDER}/${file}`)
      if (!raw.ok) throw new Error(`${file}: GitHub answered ${raw.status}`)
      return raw.text()
    },
  }
}

async function main(): Promise<void> {
  // Read here, not at import: the test imports this module under the test runner's own arguments.
  const { values } = parseArgs({ options: { 'git-dir': { type: 'string' }, 'ref': { type: 'string' } } })
  const types = resourceTypes()
  const source = values['git-dir'] ? fromGit(values['git-dir'], values.ref ?? 'HEAD') : await fromGitHub(values.ref ?? 'main')
  mkdirSync(TARGET, { recursive: true })
  const wanted = new Set(types.map(schemaFile))
  for (const type of types) {
    const text = await source.read(schemaFile(type))
    const schema = JSON.parse(text) as { typeName?: string }
    if (schema.typeName !== type) throw new Error(`${schemaFile(type)} describes ${schema.typeName}, not ${type}`)
    writeFileSync(join(TARGET, schemaFile(type)), text.endsWith('\n') ? text : `${text}\n`)
  }
  for (const name of readdirSync(TARGET)) {
    if (name.endsWith('.json') && name !== 'SOURCE.json' && !wanted.has(name)) rmSync(join(TARGET, name))
  }
  writeFileSync(join(TARGET, 'SOURCE.json'), `${JSON.stringify({ repository: `https://github.com/${REPOSITORY}`, folder: FOLDER, commit: source.commit, types }, null, 2)}\n`)
  console.log(`${types.length} registry schemas from ${REPOSITORY}@${source.commit.slice(0, 12)} in test/infra/registry-schemas/`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
