import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, test } from 'vitest'
import { ROOT, loadTemplate, readText, type Json, type JsonObject, type Template } from './cloudformation.ts'
import { deployActions, getParam, pipelineActions, type DeployAction } from './stacks.ts'
import { asObject } from './resolve.ts'

const pipeline = loadTemplate('infra/pipeline.yml')
const actions = pipelineActions(pipeline)
const deploys = deployActions(pipeline)
const deployOf = (file: string) => deploys.find(d => d.file === file)!
const buildAction = actions.find(a => a.provider === 'CodeBuild')!
const buildProject = Object.values(pipeline.Resources).find(r => r.Type === 'AWS::CodeBuild::Project')!
const resourcesOfType = (template: Template, type: string) => Object.values(template.Resources).filter(r => r.Type === type)

// ---------------------------------------------------------------- checkers

/** A deploy action passes only parameters the template has, and every one without a default. */
function checkOverrides(action: Pick<DeployAction, 'name' | 'overrides'>, template: Template): string[] {
  const problems: string[] = []
  const parameters = template.Parameters ?? {}
  for (const name of Object.keys(action.overrides)) if (!(name in parameters)) problems.push(`${action.name}: passes ${name}, which the template does not have`)
  for (const [name, parameter] of Object.entries(parameters)) {
    if (parameter.Default === undefined && !(name in action.overrides)) problems.push(`${action.name}: does not pass ${name}, which has no default`)
  }
  return problems
}

interface Buildspec { version: Json, phases: Record<string, { commands: string[] }>, artifacts: { files: string[] }, env?: { variables?: Record<string, string> } }

/** The files a buildspec writes, with the JSON keys of the printf format that writes them. */
function writtenFiles(buildspec: Buildspec): Map<string, string[]> {
  const written = new Map<string, string[]>()
  for (const command of Object.values(buildspec.phases).flatMap(p => p.commands)) {
    const m = command.match(/^printf '(\{.*\})\\n' .*> *([\w.-]+)$/)
    if (m) written.set(m[2]!, Object.keys(JSON.parse(m[1]!.replaceAll('%s', 'x')) as object))
  }
  return written
}

/** The build writes, as an artefact, the file and key the deploy stage reads with Fn::GetParam. */
function checkBuildOutput(buildspec: Buildspec, read: [string, string, string], outputs: string[]): string[] {
  const [artifact, file, key] = read
  const problems: string[] = []
  if (!outputs.includes(artifact)) problems.push(`the build action does not output artefact ${artifact}`)
  if (!buildspec.artifacts.files.includes(file)) problems.push(`buildspec.yml does not list ${file} as an artefact file`)
  const keys = writtenFiles(buildspec).get(file)
  if (!keys) problems.push(`buildspec.yml never writes ${file}`)
  else if (!keys.includes(key)) problems.push(`buildspec.yml writes ${file} without the key ${key}`)
  return problems
}

interface Stage { name: string | undefined, image: string, instructions: { op: string, args: string }[] }

/** Splits a Dockerfile into stages (continuation lines joined, ARG defaults substituted into FROM). */
function dockerStages(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'))
  const args: Record<string, string> = {}
  const stages: Stage[] = []
  for (const line of lines) {
    const [, op = '', args_ = ''] = line.match(/^(\w+)\s+([\s\S]*)$/) ?? []
    const instruction = { op: op.toUpperCase(), args: args_.trim() }
    if (instruction.op === 'ARG' && !stages.length) {
      const [name, value = ''] = instruction.args.split('=')
      args[name!] = value
    }
    else if (instruction.op === 'FROM') {
      const [image, , name] = instruction.args.replace(/\$\{?(\w+)\}?/g, (_, n: string) => args[n] ?? '').split(/\s+/)
      stages.push({ name, image: image!, instructions: [] })
    }
    else stages.at(-1)?.instructions.push(instruction)
  }
  return stages
}

/** Node 24 everywhere, and a runtime stage with only the build output, run by an unprivileged user in production mode. */
function checkDockerfile(text: string): string[] {
  const problems: string[] = []
  const stages = dockerStages(text)
  if (stages.length < 2) problems.push('not a multi-stage build')
  for (const stage of stages) if (!/(^|\/)node:24([.-]|$)/.test(stage.image)) problems.push(`stage ${stage.name ?? stage.image} is not based on Node 24 (${stage.image})`)
  const runtime = stages.at(-1)
  if (!runtime) return [...problems, 'no stages']
  const build = stages.slice(0, -1)
  const ops = (stage: Stage, op: string) => stage.instructions.filter(i => i.op === op).map(i => i.args)
  const buildRuns = build.flatMap(s => ops(s, 'RUN')).join('\n')
  if (!/npm ci\b/.test(buildRuns) || !/nuxt build\b/.test(buildRuns)) problems.push('the build stage does not run npm ci and nuxt build')
  const user = ops(runtime, 'USER').at(-1)
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push('the runtime stage runs as root')
  const env = ops(runtime, 'ENV').join(' ')
  if (!/\bNODE_ENV=production\b/.test(env)) problems.push('the runtime stage does not set NODE_ENV=production')
  if (ops(runtime, 'ADD').length) problems.push('the runtime stage uses ADD')
  for (const copy of ops(runtime, 'COPY')) {
    const from = copy.match(/--from=(\S+)/)?.[1]
    const paths = copy.split(/\s+/).filter(p => !p.startsWith('--'))
    if (!from || !build.some(s => s.name === from)) problems.push(`the runtime stage copies from outside the build stage: COPY ${copy}`)
    else if (!paths.slice(0, -1).every(p => /(^|\/)\.output\/?$/.test(p))) problems.push(`the runtime stage copies more than .output: COPY ${copy}`)
  }
  if (!ops(runtime, 'COPY').length) problems.push('the runtime stage copies nothing')
  const cmd = ops(runtime, 'CMD').at(-1)
  if (cmd !== '["node", ".output/server/index.mjs"]') problems.push(`the runtime stage does not start the server with CMD ["node", ".output/server/index.mjs"] (${cmd})`)
  return problems
}

// ---------------------------------------------------------------- the checks

describe('the pipeline', () => {
  test('is a V2 pipeline whose source is a CodeConnections connection the pipeline role may use', () => {
    const resource = resourcesOfType(pipeline, 'AWS::CodePipeline::Pipeline')[0]!
    expect(resource.Properties!.PipelineType).toBe('V2')
    const source = actions.find(a => a.stage === 0)!
    expect(source.provider).toBe('CodeStarSourceConnection')
    expect(source.configuration.ConnectionArn).toEqual({ Ref: 'ConnectionArn' })
    const statements = resourcesOfType(pipeline, 'AWS::IAM::Role').flatMap(r => (r.Properties!.Policies ?? []) as JsonObject[])
      .flatMap(p => asObject(p.PolicyDocument).Statement as JsonObject[])
    const use = statements.find(s => JSON.stringify(s.Resource) === JSON.stringify({ Ref: 'ConnectionArn' }))
    expect([use?.Action].flat()).toEqual(expect.arrayContaining(['codeconnections:UseConnection', 'codestar-connections:UseConnection']))
  })

  test('deploys the cluster, then the resources and the image build in parallel, then the service', () => {
    const cluster = deployOf('infra/cluster.yml')
    const resources = deployOf('infra/resources.yml')
    const service = deployOf('infra/chat-service.yml')
    expect(resources.stage).toBeGreaterThan(cluster.stage)
    expect(buildAction.stage).toBe(resources.stage)
    const runOrder = (name: string) => {
      const stage = (resourcesOfType(pipeline, 'AWS::CodePipeline::Pipeline')[0]!.Properties!.Stages as JsonObject[])[resources.stage]!
      return (stage.Actions as JsonObject[]).find(a => a.Name === name)!.RunOrder
    }
    expect(runOrder(buildAction.name)).toBe(runOrder(resources.name))
    expect(service.stage).toBeGreaterThan(resources.stage)
    // The alarms and dashboard come last: they watch what the stages before deployed.
    expect(deployOf('infra/monitoring.yml').stage).toBeGreaterThan(service.stage)
    expect(deploys.map(d => d.file).sort()).toEqual(['infra/chat-service.yml', 'infra/cluster.yml', 'infra/monitoring.yml', 'infra/resources.yml'])
  })

  test.each(['infra/cluster.yml', 'infra/resources.yml', 'infra/chat-service.yml', 'infra/monitoring.yml'])('passes %s exactly the parameters it declares, and all it needs', (file) => {
    const action = deployOf(file)
    expect(checkOverrides(action, loadTemplate(file))).toEqual([])
    expect(existsSync(join(ROOT, action.file))).toBe(true)
    expect(action.inputs).toContain(action.artifact)
    expect(action.configuration.Capabilities).toBe('CAPABILITY_NAMED_IAM')
    expect(action.configuration.ActionMode).toBe('CREATE_UPDATE')
  })

  test('an unknown parameter and a missing required one are caught', () => {
    const template = loadTemplate('infra/chat-service.yml')
    expect(checkOverrides({ name: 'X', overrides: { ClusterStackName: 'a', ImageURI: 'b', PermissionsBoundaryArn: 'c', TaskSubnets: 'd', AssignPublicIp: 'e', ServiceUrl: 'f' } }, template)).toEqual([
      'X: passes ImageURI, which the template does not have',
      'X: does not pass ImageUri, which has no default',
    ])
  })

  test('gives the service stack the image the build wrote', () => {
    const service = deployOf('infra/chat-service.yml')
    const read = getParam(service.overrides.ImageUri!)
    expect(read).toBeDefined()
    expect(service.inputs).toContain(read![0])
    expect(buildAction.stage).toBeLessThan(service.stage)
    expect(checkBuildOutput(parse(readText('buildspec.yml')) as Buildspec, read!, buildAction.outputs)).toEqual([])
  })
})

describe('the build', () => {
  const buildspec = parse(readText('buildspec.yml')) as Buildspec
  const commands = Object.values(buildspec.phases).flatMap(p => p.commands).join('\n')

  test('is the project\'s buildspec.yml, privileged for Docker, with the repository it pushes to', () => {
    expect(buildProject.Properties!.Source).toEqual({ Type: 'CODEPIPELINE', BuildSpec: 'buildspec.yml' })
    const environment = asObject(buildProject.Properties!.Environment)
    expect(environment.PrivilegedMode).toBe(true)
    expect((environment.EnvironmentVariables as JsonObject[]).map(v => v.Name)).toContain('REPOSITORY_URI')
    expect(buildspec.version).toBe(0.2)
  })

  test('tests the commit with the project\'s CI script, then logs in, builds, pushes and records one image', () => {
    expect(commands).toContain('.ci/run')
    expect(existsSync(join(ROOT, '.ci/run'))).toBe(true)
    expect(commands).toMatch(/aws ecr get-login-password .*\| docker login/)
    expect(commands).toMatch(/IMAGE_TAG=.*CODEBUILD_RESOLVED_SOURCE_VERSION|COMMIT="\$\{CODEBUILD_RESOLVED_SOURCE_VERSION/)
    const image = '"${REPOSITORY_URI}:${IMAGE_TAG}"'
    expect(commands).toContain(`docker build --pull -t ${image} .`)
    expect(commands).toContain(`docker push ${image}`)
    expect(commands).toContain(`printf '{"ImageUri":"%s"}\\n' ${image} > image.json`)
  })

  test('an artefact file or key the deploy stage reads but the build does not write is caught', () => {
    const changed = { ...buildspec, artifacts: { files: ['imagedefinitions.json'] } }
    expect(checkBuildOutput(changed, ['Image', 'image.json', 'ImageUri'], ['Image'])).toEqual(['buildspec.yml does not list image.json as an artefact file'])
    expect(checkBuildOutput(buildspec, ['Image', 'image.json', 'Image'], ['Image'])).toEqual(['buildspec.yml writes image.json without the key Image'])
    expect(checkBuildOutput(buildspec, ['Build', 'other.json', 'ImageUri'], ['Image'])).toEqual([
      'the build action does not output artefact Build',
      'buildspec.yml does not list other.json as an artefact file',
      'buildspec.yml never writes other.json',
    ])
  })

  test('keeps images scanned and bounded, artefacts private and encrypted', () => {
    const repository = resourcesOfType(pipeline, 'AWS::ECR::Repository')[0]!.Properties!
    expect(repository.ImageScanningConfiguration).toEqual({ ScanOnPush: true })
    const lifecycle = JSON.parse(asObject(repository.LifecyclePolicy).LifecyclePolicyText as string) as { rules: { selection: { countNumber: number } }[] }
    expect(lifecycle.rules[0]!.selection.countNumber).toBe(20)
    const bucket = resourcesOfType(pipeline, 'AWS::S3::Bucket')[0]!.Properties!
    expect(Object.values(asObject(bucket.PublicAccessBlockConfiguration))).toEqual([true, true, true, true])
    expect(bucket.BucketEncryption).toBeDefined()
  })
})

describe('the image', () => {
  const dockerfile = readText('Dockerfile')

  test('builds on Node 24 and runs only .output as an unprivileged user in production mode', () => {
    expect(checkDockerfile(dockerfile)).toEqual([])
  })

  test('leaves dependencies, build output, local data and secrets out of the build context', () => {
    const ignored = readText('.dockerignore').split('\n').map(l => l.trim())
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.nuxt', '.output', '.data', '.git', '.env', 'test-results']))
  })

  test('a wrong base, root user, development mode or extra files in the runtime stage are caught', () => {
    const broken = dockerfile
      .replace('node:24-bookworm-slim', 'node:22-bookworm-slim')
      .replace('USER node', 'USER root')
      .replace('NODE_ENV=production', 'NODE_ENV=development')
      .replace('COPY --from=build /app/.output ./.output', 'COPY --from=build /app/.output ./.output\nCOPY --from=build /app/node_modules ./node_modules\nCOPY . .')
    expect(checkDockerfile(broken)).toEqual([
      'stage build is not based on Node 24 (public.ecr.aws/docker/library/node:22-bookworm-slim)',
      'stage runtime is not based on Node 24 (public.ecr.aws/docker/library/node:22-bookworm-slim)',
      'the runtime stage runs as root',
      'the runtime stage does not set NODE_ENV=production',
      'the runtime stage copies more than .output: COPY --from=build /app/node_modules ./node_modules',
      'the runtime stage copies from outside the build stage: COPY . .',
    ])
  })
})
