import { parse } from 'yaml'
import { describe, expect, test } from 'vitest'
import { evaluateCondition, failedRules, loadTemplate, parameterDefaults, readText, type JsonObject, type Template } from './cloudformation.ts'
import { deployActions, pipelineActions } from './stacks.ts'
import { asObject } from './resolve.ts'

const pipeline = loadTemplate('infra/pipeline.yml')
const cluster = loadTemplate('infra/cluster.yml')
const service = loadTemplate('infra/chat-service.yml')
const buildspec = parse(readText('buildspec.yml')) as { env: { variables: Record<string, string> }, phases: Record<string, { commands: string[] }>, reports: Record<string, JsonObject>, cache: { paths: string[] } }
/** Shell commands with backslash-continued lines joined. */
const joined = (list: string[]) => list.map(c => c.replace(/\\\n\s*/g, ''))
const commands = joined(Object.values(buildspec.phases).flatMap(p => p.commands))
const projects = Object.entries(pipeline.Resources).filter(([, r]) => r.Type === 'AWS::CodeBuild::Project')
const ofType = (template: Template, type: string) => Object.values(template.Resources).filter(r => r.Type === type)

// ---------------------------------------------------------------- checkers

const ALLOWED_REGISTRIES = [/^public\.ecr\.aws\//, /^\$\{?REPOSITORY_URI\}?/, /^aws\/codebuild\//]

/** Every image the release pulls: Dockerfile FROMs (ARG defaults applied), buildspec images, CodeBuild images. */
function pulledImages(dockerfile: string, spec: typeof buildspec, codebuildImages: string[]): string[] {
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)/gm)].map(m => [m[1]!, m[2]!]))
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map(m => m[1]!.replace(/\$\{?(\w+)\}?/g, (_, n: string) => args[n] ?? ''))
  const variables = spec.env.variables
  const run = joined(Object.values(spec.phases).flatMap(p => p.commands)).flatMap(c => [...c.matchAll(/docker (?:run|pull)\b.*?\s("?\$?\{?[\w./:-]+\}?"?)(?:\s+(?:bash|sh|node)\b|\s*$)/gm)].map(m => m[1]!.replaceAll('"', '')))
    .map(image => image.replace(/^\$\{?(\w+)\}?$/, (_, n: string) => variables[n] ?? image))
  return [...froms, ...run, ...codebuildImages]
}

function checkImageSources(dockerfile: string, images: string[]): string[] {
  const problems: string[] = []
  if (/^#\s*syntax\s*=/m.test(dockerfile)) problems.push('the Dockerfile names a BuildKit frontend (# syntax=), pulled anonymously from Docker Hub')
  for (const image of images) if (!ALLOWED_REGISTRIES.some(r => r.test(image))) problems.push(`${image} does not come from ECR Public, the app's repository or CodeBuild`)
  return problems
}

/** Fargate's task sizes (AWS docs, "Task CPU and memory"), for the CPU values the template offers. */
const FARGATE: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + 1024 * i),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + 1024 * i),
}

// ---------------------------------------------------------------- the checks

describe('images', () => {
  const dockerfile = readText('Dockerfile')
  const codebuildImages = projects.map(([, p]) => asObject(p.Properties!.Environment).Image as string)

  test('come from ECR Public, the app\'s own repository or CodeBuild, never from Docker Hub', () => {
    const images = pulledImages(dockerfile, buildspec, codebuildImages)
    expect(images).toEqual(expect.arrayContaining(['public.ecr.aws/docker/library/node:24-bookworm-slim', 'public.ecr.aws/docker/library/node:24-bookworm', 'aws/codebuild/standard:7.0']))
    expect(checkImageSources(dockerfile, images)).toEqual([])
  })

  test('a Docker Hub base or a BuildKit syntax line is caught', () => {
    const broken = `# syntax=docker/dockerfile:1\n${dockerfile.replace('public.ecr.aws/docker/library/node', 'node')}`
    expect(checkImageSources(broken, pulledImages(broken, buildspec, []))).toEqual([
      'the Dockerfile names a BuildKit frontend (# syntax=), pulled anonymously from Docker Hub',
      'node:24-bookworm-slim does not come from ECR Public, the app\'s repository or CodeBuild',
      'node:24-bookworm-slim does not come from ECR Public, the app\'s repository or CodeBuild',
    ])
  })

  test('are pulled signed in to ECR Public, before any pull', () => {
    const login = commands.findIndex(c => /aws ecr-public get-login-password --region us-east-1 \| docker login .* public\.ecr\.aws/.test(c))
    const firstPull = commands.findIndex(c => /docker (run|build|pull)/.test(c))
    expect(login).toBeGreaterThanOrEqual(0)
    expect(login).toBeLessThan(firstPull)
  })

  test('are immutable once pushed, and a HIGH or CRITICAL scan finding the allow-list does not accept holds the release', () => {
    const repository = ofType(pipeline, 'AWS::ECR::Repository')[0]!.Properties!
    expect(repository.ImageTagMutability).toBe('IMMUTABLE')
    expect(buildspec.env.variables.BLOCKING_SEVERITIES!.split(' ').sort()).toEqual(['CRITICAL', 'HIGH'])
    const index = (pattern: RegExp) => commands.findIndex(c => pattern.test(c))
    const push = index(/docker push/)
    const wait = index(/aws ecr wait image-scan-complete/)
    const findings = index(/aws ecr describe-image-scan-findings .*--output json > scan-findings\.json$/)
    const gate = index(/"\$TEST_IMAGE" node scripts\/scan-gate\.ts --findings scan-findings\.json --allowlist infra\/scan-allowlist\.json --severities "\$BLOCKING_SEVERITIES"$/)
    const record = index(/> image\.json$/)
    expect([push, wait, findings, gate, record].every(i => i >= 0)).toBe(true)
    expect([push, wait, findings, gate, record]).toEqual([...[push, wait, findings, gate, record]].sort((a, b) => a - b))
    // A re-run of a commit does not try to overwrite its immutable tag.
    expect(commands.join('\n')).toMatch(/aws ecr describe-images .*imageTag="\$IMAGE_TAG"/)
  })
})

describe('the build', () => {
  const [, build] = projects.find(([id]) => id === 'BuildProject')!

  test('caches npm and apt downloads in S3 across build hosts', () => {
    expect(asObject(build.Properties!.Cache)).toMatchObject({ Type: 'S3' })
    expect(buildspec.cache.paths).toEqual(['/root/cache/npm/**/*', '/root/cache/apt/**/*'])
    const run = commands.find(c => c.includes('.ci/run'))!
    expect(run).toContain('-v /root/cache/npm:/root/.npm')
    expect(run).toContain('-v /root/cache/apt:/var/cache/apt/archives')
    expect(run).toContain('rm -f /etc/apt/apt.conf.d/docker-clean')
  })

  test('publishes JUnit reports of Vitest and Playwright, as scripts/test.sh writes them', () => {
    const files = Object.values(buildspec.reports).map(r => `${r['base-directory']}/${(r.files as string[])[0]}`)
    expect(files.sort()).toEqual(['test-reports/playwright.xml', 'test-reports/vitest.xml'])
    expect(Object.values(buildspec.reports).every(r => r['file-format'] === 'JUNITXML')).toBe(true)
    expect(commands.find(c => c.includes('.ci/run'))).toContain('-e TEST_REPORTS_DIR=/reports -v "$PWD:/src:ro" -v "$PWD/test-reports:/reports"')
    const testScript = readText('scripts/test.sh')
    expect(testScript).toContain('--outputFile.junit=$TEST_REPORTS_DIR/vitest.xml')
    expect(testScript).toContain('PLAYWRIGHT_JUNIT_OUTPUT_FILE="$TEST_REPORTS_DIR/playwright.xml"')
  })

  test.each(projects.map(([id]) => id))('%s logs to a log group of this stack, with a retention', (id) => {
    const logs = asObject(asObject(pipeline.Resources[id]!.Properties!.LogsConfig).CloudWatchLogs)
    const group = pipeline.Resources[(logs.GroupName as { Ref: string }).Ref]!
    expect(group.Type).toBe('AWS::Logs::LogGroup')
    expect(group.Properties!.RetentionInDays).toEqual({ Ref: 'BuildLogRetentionDays' })
  })
})

describe('the release stage', () => {
  const actions = pipelineActions(pipeline)
  const stages = asObject(ofType(pipeline, 'AWS::CodePipeline::Pipeline')[0]!.Properties).Stages as JsonObject[]
  const release = stages.find(s => s.Name === 'Release')!
  const smoke = actions.find(a => a.name === 'SmokeTest')!
  const deploy = actions.find(a => a.name === 'DeployService')!

  test('runs the smoke test against the public URL after the service deploy, and rolls the stage back if it fails', () => {
    expect(smoke.stage).toBe(deploy.stage)
    const runOrder = (name: string) => (release.Actions as JsonObject[]).find(a => a.Name === name)!.RunOrder as number
    expect(runOrder('SmokeTest')).toBeGreaterThan(runOrder('DeployService'))
    expect(release.OnFailure).toEqual({ Result: 'ROLLBACK' })
    const variables = JSON.parse(smoke.configuration.EnvironmentVariables as string) as { name: string, value: string }[]
    const [, namespace, output] = variables.find(v => v.name === 'SERVICE_URL')!.value.match(/^#\{(\w+)\.(\w+)\}$/)!
    const stages_ = (stages.flatMap(s => s.Actions as JsonObject[]))
    expect(stages_.find(a => a.Namespace === namespace)!.Name).toBe('DeployCluster')
    expect(cluster.Outputs![output!]).toBeDefined()
  })

  test('the smoke project runs the repository\'s npm run smoke with that URL as the smoke account, bounded in time', () => {
    const project = pipeline.Resources[String(smoke.configuration.ProjectName && (smoke.configuration.ProjectName as { Ref: string }).Ref)]!
    const spec = parse(asObject(project.Properties!.Source).BuildSpec as string) as { phases: Record<string, { commands: string[] }> }
    expect(Object.values(spec.phases).flatMap(p => p.commands)).toContain('npm run smoke -- --url "$SERVICE_URL" --timeout 300 --account')
    expect(project.Properties!.TimeoutInMinutes).toBeLessThanOrEqual(15)
    expect((JSON.parse(readText('package.json')) as { scripts: Record<string, string> }).scripts.smoke).toBe('node scripts/smoke.ts')
    expect(readText('scripts/smoke.ts')).toContain('process.env.SMOKE_PASSWORD')
  })

  test('the smoke account\'s password is a generated secret only the smoke project reads', () => {
    const project = pipeline.Resources.SmokeProject!.Properties!
    const variables = asObject(project.Environment).EnvironmentVariables as JsonObject[]
    expect(variables).toEqual([{ Name: 'SMOKE_PASSWORD', Type: 'SECRETS_MANAGER', Value: { Ref: 'SmokeAccountSecret' } }])
    expect(asObject(pipeline.Resources.SmokeAccountSecret!.Properties!.GenerateSecretString).PasswordLength).toBeGreaterThanOrEqual(32)
    const readers = Object.entries(pipeline.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .filter(([, r]) => JSON.stringify(r.Properties!.Policies ?? []).includes('"Ref":"SmokeAccountSecret"')).map(([id]) => id)
    expect(readers).toEqual(['SmokeRole'])
  })
})

describe('the service\'s size', () => {
  test('Cpu and Memory accept exactly Fargate\'s combinations', () => {
    const cpus = service.Parameters!.Cpu!.AllowedValues as number[]
    const memories = service.Parameters!.Memory!.AllowedValues as number[]
    for (const cpu of cpus) {
      const accepted = memories.filter(memory => failedRules(service, { Cpu: String(cpu), Memory: String(memory) }).length === 0)
      expect(accepted, `Cpu ${cpu}`).toEqual(FARGATE[cpu])
    }
    expect(failedRules(service, { Cpu: '256', Memory: '4096' })).toEqual(['With Cpu 256, Memory must be 512, 1024 or 2048.'])
  })
})

describe('the network', () => {
  test('reaches ECR, S3, CloudWatch Logs, Secrets Manager and DynamoDB through VPC endpoints', () => {
    const endpoints = ofType(cluster, 'AWS::EC2::VPCEndpoint').map(e => [JSON.stringify(e.Properties!.ServiceName).match(/\.(\w+(?:\.\w+)?)'?"?\}?$/)?.[1] ?? JSON.stringify(e.Properties!.ServiceName).replace(/.*\}\.([\w.]+)".*/, '$1'), e.Properties!.VpcEndpointType])
    expect(endpoints.sort()).toEqual([['dynamodb', 'Gateway'], ['ecr.api', 'Interface'], ['ecr.dkr', 'Interface'], ['logs', 'Interface'], ['s3', 'Gateway'], ['secretsmanager', 'Interface']])
  })

  /** The resources of a type the cluster stack creates for given parameters. */
  const created = (type: string, parameters: Record<string, string>) => Object.values(cluster.Resources)
    .filter(r => r.Type === type && (!r.Condition || evaluateCondition(cluster, r.Condition, { ...parameterDefaults(cluster), ...parameters })))

  test('offers none, one or two NAT gateways and the interface endpoints as options, and by default pays for neither', () => {
    expect(cluster.Parameters!.NatGateways!.AllowedValues).toEqual(['0', '1', '2'])
    expect([cluster.Parameters!.NatGateways!.Default, cluster.Parameters!.InterfaceEndpoints!.Default]).toEqual(['0', 'false'])
    for (const nat of ['0', '1', '2']) {
      expect(created('AWS::EC2::NatGateway', { NatGateways: nat }), `NatGateways ${nat}`).toHaveLength(Number(nat))
      expect(created('AWS::EC2::EIP', { NatGateways: nat })).toHaveLength(Number(nat))
    }
    const interfaces = (value: string) => created('AWS::EC2::VPCEndpoint', { InterfaceEndpoints: value }).filter(e => e.Properties!.VpcEndpointType === 'Interface')
    expect([interfaces('false').length, interfaces('true').length]).toEqual([0, 4])
  })

  test('the pipeline passes the NAT, endpoint, firewall and domain options to the cluster stack', () => {
    const deploy = deployActions(pipeline).find(a => a.file === 'infra/cluster.yml')!
    for (const name of ['NatGateways', 'InterfaceEndpoints', 'WebApplicationFirewall', 'HostedZoneId', 'DomainName', 'CertificateArn']) {
      expect(pipeline.Parameters![name], name).toBeDefined()
      expect(deploy.overrides[name], name).toBe(String(pipeline.Parameters![name]!.Default ?? ''))
      expect(pipeline.Parameters![name]!.Default, name).toEqual(cluster.Parameters![name]!.Default)
    }
  })
})
