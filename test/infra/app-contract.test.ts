import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { CONFIG_VARIABLES, DEFAULT_PORT, loadConfig, REQUIRED_IN_PRODUCTION } from '../../server/core/config.ts'
import { METRICS_ENV } from '../../server/core/metrics.ts'
import { TABLE_DEFINITIONS, TABLE_ENV_VARS, type TableDefinition, type TableKind } from '../../server/storage/tables.ts'
import { ROOT, evaluateCondition, loadTemplate, readText, type DeployedStack, type Json, type JsonObject } from './cloudformation.ts'
import { deployActions, deployedStacks } from './stacks.ts'
import { asObject, resolveResource, resolveValue } from './resolve.ts'

// ---------------------------------------------------------------- what the app declares

/** What server/core/config.ts requires in production and reads at all (with the metrics recorder's own variables). */
function configSource() {
  return { required: [...REQUIRED_IN_PRODUCTION], read: [...CONFIG_VARIABLES, ...Object.values(METRICS_ENV)], defaultPort: DEFAULT_PORT }
}

// ---------------------------------------------------------------- what the infrastructure does

const stacks = deployedStacks()
const stackOf = (file: string): DeployedStack => stacks.find(s => s.file === file)!
const service = stackOf('infra/chat-service.yml')
const resources = stackOf('infra/resources.yml')
const cluster = stackOf('infra/cluster.yml')
const taskDefinition = Object.values(service.template.Resources).find(r => r.Type === 'AWS::ECS::TaskDefinition')!
const container = (taskDefinition.Properties!.ContainerDefinitions as JsonObject[])[0]!
const environment = container.Environment as { Name: string, Value: Json }[]
const secrets = container.Secrets as { Name: string, ValueFrom: Json }[]
const targetGroup = Object.values(service.template.Resources).find(r => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')!
const ecsService = Object.values(service.template.Resources).find(r => r.Type === 'AWS::ECS::Service')!

/** A plausible value of a secret: generated ones to their length, composed ones with the secrets they read filled in. */
function secretValue(ref: ReturnType<typeof resolveResource>): string {
  if (ref.resource.Type !== 'AWS::SecretsManager::Secret') throw new Error(`${ref.logicalId} is not a Secrets Manager secret`)
  const properties = ref.resource.Properties!
  if (properties.GenerateSecretString) return 'x'.repeat(Number(asObject(properties.GenerateSecretString).PasswordLength ?? 32))
  const text = resolveValue(properties.SecretString!, ref.stack, stacks)
  return text.replace(/\{\{resolve:secretsmanager:([^:}]+):SecretString\}\}/g, (_, name: string) => {
    const [id] = Object.entries(ref.stack.template.Resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret' && resolveValue(r.Properties!.Name!, ref.stack, stacks) === name) ?? []
    if (!id) throw new Error(`${ref.logicalId} reads secret ${name}, which its stack does not define`)
    return secretValue({ ...ref, logicalId: id, resource: ref.stack.template.Resources[id]! })
  })
}

/** The environment a task gets, with plausible deployed values (secrets as their resources define them). */
/** Variables the pipeline fills in at run time (another action's outputs), with plausible values. */
const PIPELINE_VARIABLES: Record<string, string> = { '#{ClusterStack.ServiceUrl}': 'https://d111111abcdef8.cloudfront.net' }

function taskEnvironment(): Record<string, string> {
  const env = Object.fromEntries(environment.map((e) => {
    const value = resolveValue(e.Value, service, stacks)
    return [e.Name, PIPELINE_VARIABLES[value] ?? value]
  }))
  for (const secret of secrets) env[secret.Name] = secretValue(resolveResource(secret.ValueFrom, service, stacks))
  return env
}

// ---------------------------------------------------------------- checkers (each also fed a broken case)

/** The names the task sets cover every variable required in production, and are all read by the app. */
function checkEnvironmentNames(names: string[], app: { required: string[], read: string[] }): string[] {
  const problems: string[] = []
  for (const name of app.required) if (!names.includes(name)) problems.push(`${name} is required in production but the task does not set it`)
  for (const name of names) if (!app.read.includes(name) && name !== 'NODE_ENV') problems.push(`${name} is set by the task but the app never reads it`)
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i)
  for (const name of duplicates) problems.push(`${name} is set twice`)
  return problems
}

/** Key schemas and indexes of a CloudFormation table equal the app's definition. */
function checkTable(kind: TableKind, properties: JsonObject, definition: TableDefinition): string[] {
  const problems: string[] = []
  const sortByName = (list: unknown) => [...(list as { AttributeName: string }[] ?? [])].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName))
  const indexes = (list: unknown) => [...(list as JsonObject[] ?? [])]
    .map(i => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }))
    .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName)))
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  if (!same(sortByName(properties.AttributeDefinitions), sortByName(definition.AttributeDefinitions))) problems.push(`${kind}: AttributeDefinitions differ from TABLE_DEFINITIONS`)
  if (!same(properties.KeySchema, definition.KeySchema)) problems.push(`${kind}: KeySchema differs from TABLE_DEFINITIONS`)
  if (!same(indexes(properties.GlobalSecondaryIndexes), indexes(definition.GlobalSecondaryIndexes))) problems.push(`${kind}: GlobalSecondaryIndexes differ from TABLE_DEFINITIONS`)
  if (properties.BillingMode !== 'PAY_PER_REQUEST') problems.push(`${kind}: not on-demand (BillingMode PAY_PER_REQUEST)`)
  if (asObject(properties.PointInTimeRecoverySpecification ?? {}).PointInTimeRecoveryEnabled !== true) problems.push(`${kind}: point-in-time recovery is off`)
  return problems
}

/** The table resource the task's variable for a kind of table names (env var → import → export → resource). */
function tableFor(kind: TableKind) {
  const variable = environment.find(e => e.Name === TABLE_ENV_VARS[kind])
  if (!variable) throw new Error(`the task does not set ${TABLE_ENV_VARS[kind]}`)
  return resolveResource(variable.Value, service, stacks)
}

const COMMAND_ACTIONS: Record<string, string> = {
  Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem', TransactGet: 'TransactGetItems', TransactWrite: 'TransactWriteItems',
}

/** Every source file of the server, in every folder. */
function serverFiles(dir = join(ROOT, 'server')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? serverFiles(path) : /\.(ts|mts|js|mjs)$/.test(name) ? [path] : []
  })
}

/** DynamoDB actions the production server code sends (the embedded development database excluded). */
function dynamoDbActionsUsed(): Map<string, string[]> {
  const used = new Map<string, string[]>()
  for (const path of serverFiles()) {
    const file = relative(ROOT, path)
    if (file === 'server/storage/embedded-dynamodb.ts') continue
    const text = readFileSync(path, 'utf8')
    // S3 commands (object-storage.ts) are checked by s3ActionsUsed.
    if (!/from '@aws-sdk\/(lib|client)-dynamodb'/.test(text)) continue
    const found = [
      ...[...text.matchAll(/\bnew ([A-Z][A-Za-z]*)Command\s*\(/g)].map(m => COMMAND_ACTIONS[m[1]!] ?? m[1]!),
      ...[...text.matchAll(/\bpaginate(Query|Scan)\s*\(/g)].map(m => m[1]!),
    ]
    for (const action of found) used.set(`dynamodb:${action}`, [...(used.get(`dynamodb:${action}`) ?? []), file])
  }
  return used
}

/** S3 commands and presigned requests → the IAM actions they need (HeadObject is a read; CopyObject reads and writes). */
const S3_ACTIONS: Record<string, string[]> = {
  HeadObject: ['s3:GetObject'], GetObject: ['s3:GetObject'], PutObject: ['s3:PutObject'], CopyObject: ['s3:GetObject', 's3:PutObject'],
  DeleteObject: ['s3:DeleteObject'], DeleteObjects: ['s3:DeleteObject'], ListObjectsV2: ['s3:ListBucket'], createPresignedPost: ['s3:PutObject'],
}

/** S3 actions the production server code needs (the embedded development server excluded). */
function s3ActionsUsed(): Map<string, string[]> {
  const used = new Map<string, string[]>()
  for (const path of serverFiles()) {
    const text = readFileSync(path, 'utf8')
    if (!/from '@aws-sdk\/(client-s3|s3-presigned-post)'/.test(text)) continue
    const found = [...text.matchAll(/\bnew ([A-Z][A-Za-z0-9]*)Command\s*\(/g), ...text.matchAll(/\b(createPresignedPost)\s*\(/g)].map(m => m[1]!)
    for (const command of found) {
      const actions = S3_ACTIONS[command]
      if (!actions) throw new Error(`S3 command ${command} in ${relative(ROOT, path)} has no IAM action listed in S3_ACTIONS`)
      for (const action of actions) used.set(action, [...new Set([...(used.get(action) ?? []), relative(ROOT, path)])])
    }
  }
  return used
}

/** Actions allowed to the task role on the tables. */
function taskRoleActions(): string[] {
  const role = Object.values(resources.template.Resources).find(r => r.Type === 'AWS::IAM::Role')!
  return (role.Properties!.Policies as JsonObject[]).flatMap(p => (asObject(p.PolicyDocument).Statement as JsonObject[]))
    .filter(s => s.Effect === 'Allow').flatMap(s => [s.Action].flat() as string[])
}

function checkActions(used: Map<string, string[]>, allowed: string[]): string[] {
  const problems: string[] = []
  for (const [action, files] of used) if (!allowed.includes(action)) problems.push(`${action} (used in ${files.join(', ')}) is not allowed to the task role`)
  for (const action of allowed) if (/\*/.test(action)) problems.push(`${action} is a wildcard`)
  // Least privilege: nothing of this service granted that the code never sends.
  const services = new Set([...used.keys()].map(action => action.split(':')[0]))
  for (const action of allowed) {
    if (services.has(action.split(':')[0]) && !/\*/.test(action) && !used.has(action)) problems.push(`${action} is allowed to the task role but the code never sends it`)
  }
  return problems
}

// ---------------------------------------------------------------- the checks

describe('DynamoDB tables', () => {
  test.each(Object.keys(TABLE_DEFINITIONS) as TableKind[])('the %s table the task is pointed at has the key schema and indexes of TABLE_DEFINITIONS', (kind) => {
    const { stack, resource } = tableFor(kind)
    expect(stack.file).toBe('infra/resources.yml')
    expect(resource.Type).toBe('AWS::DynamoDB::Table')
    expect(checkTable(kind, resource.Properties!, TABLE_DEFINITIONS[kind])).toEqual([])
  })

  test('resources.yml defines exactly the app\'s tables, each named by its own variable', () => {
    const tables = Object.entries(resources.template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table').map(([id]) => id).sort()
    const pointedAt = (Object.keys(TABLE_DEFINITIONS) as TableKind[]).map(kind => tableFor(kind).logicalId).sort()
    expect(pointedAt).toEqual(tables)
  })

  test('a table that drifts from TABLE_DEFINITIONS is caught', () => {
    const { resource } = tableFor('messages')
    const drifted: TableDefinition = {
      ...TABLE_DEFINITIONS.messages,
      KeySchema: [...TABLE_DEFINITIONS.messages.KeySchema!].reverse(),
      GlobalSecondaryIndexes: [{ IndexName: 'by-author', KeySchema: [{ AttributeName: 'author', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    }
    expect(checkTable('messages', resource.Properties!, drifted)).toEqual([
      'messages: KeySchema differs from TABLE_DEFINITIONS',
      'messages: GlobalSecondaryIndexes differ from TABLE_DEFINITIONS',
    ])
    expect(checkTable('messages', { ...resource.Properties!, BillingMode: 'PROVISIONED', PointInTimeRecoverySpecification: {} }, TABLE_DEFINITIONS.messages))
      .toEqual(['messages: not on-demand (BillingMode PAY_PER_REQUEST)', 'messages: point-in-time recovery is off'])
  })
})

describe('the task\'s environment', () => {
  const app = configSource()
  const names = [...environment.map(e => e.Name), ...secrets.map(s => s.Name)]

  test('sets every variable config.ts requires in production, and only variables config.ts reads', () => {
    expect(app.required.length).toBeGreaterThan(0)
    expect(checkEnvironmentNames(names, app)).toEqual([])
  })

  test('every variable required in production is enforced by loadConfig', () => {
    const env = taskEnvironment()
    for (const name of app.required) {
      const { [name]: _removed, ...without } = env
      expect(() => loadConfig(without), name).toThrow(`${name} is required in production`)
    }
  })

  test('is accepted by the app\'s own configuration check, as deployed', () => {
    const env = taskEnvironment()
    const config = loadConfig(env)
    expect(config.production).toBe(true)
    expect(config.trustProxy).toBe('cloudfront')
    expect(config.publicOrigin).toBe('https://d111111abcdef8.cloudfront.net')
    expect(config.port).toBe(app.defaultPort)
    expect(config.tables.users).toBe('fargate-chat-resources-users')
    // TLS and the AUTH token, from the resources stack's secrets.
    expect(config.redisUrl).toMatch(/^rediss:\/\/:x{64}@<Redis\.PrimaryEndPoint\.Address>:<Redis\.PrimaryEndPoint\.Port>$/)
    expect(config.sessionPassword.length).toBeGreaterThanOrEqual(32)
  })

  test('keeps the session password and the Redis URL with its token out of plain environment variables', () => {
    for (const name of ['NUXT_SESSION_PASSWORD', 'REDIS_URL']) {
      expect(environment.map(e => e.Name)).not.toContain(name)
      expect(secrets.map(s => s.Name)).toContain(name)
    }
  })

  test('is documented variable by variable in docs/operations.md', () => {
    const docs = readText('docs/operations.md')
    for (const name of names) expect(docs, name).toContain(`\`${name}\``)
  })

  test('a missing required variable, an unknown one and a duplicate are caught', () => {
    const broken = [...names.filter(n => n !== 'ROOM_TABLE'), 'ROOMS_TABLE', 'PORT']
    expect(checkEnvironmentNames(broken, app)).toEqual([
      'ROOM_TABLE is required in production but the task does not set it',
      'ROOMS_TABLE is set by the task but the app never reads it',
      'PORT is set twice',
    ])
  })
})

describe('task role permissions', () => {
  test('allow every DynamoDB action the server code sends, no other, and no wildcard', () => {
    const used = dynamoDbActionsUsed()
    expect([...used.keys()]).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']))
    expect(checkActions(used, taskRoleActions())).toEqual([])
  })

  test('cover exactly the tables (and their indexes)', () => {
    const role = Object.values(resources.template.Resources).find(r => r.Type === 'AWS::IAM::Role')!
    const statement = (asObject((role.Properties!.Policies as JsonObject[])[0]).PolicyDocument as JsonObject).Statement as JsonObject[]
    const targets = statement.flatMap(s => [s.Resource].flat() as Json[]).map(r => resolveValue(r, resources, stacks))
    const tables = Object.values(resources.template.Resources).filter(r => r.Type === 'AWS::DynamoDB::Table').map(r => resolveValue(r.Properties!.TableName!, resources, stacks))
    const arn = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`
    expect(targets.sort()).toEqual(tables.flatMap(name => [arn(name), `${arn(name)}/index/*`]).sort())
  })

  test('allow every S3 action the server code sends, on the upload bucket\'s objects only (listing on the bucket)', () => {
    const used = s3ActionsUsed()
    expect([...used.keys()].sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'])
    expect(checkActions(used, taskRoleActions())).toEqual([])
    const role = Object.values(resources.template.Resources).find(r => r.Type === 'AWS::IAM::Role')!
    const files = (role.Properties!.Policies as JsonObject[]).find(p => p.PolicyName === 'chat-files')!
    const statements = (asObject(files.PolicyDocument).Statement as JsonObject[]).map(st => ({ actions: [st.Action].flat(), resource: resolveValue(st.Resource!, resources, stacks) }))
    const bucket = resolveValue(resources.template.Outputs!.UploadBucketName!.Value, resources, stacks)
    expect(statements).toEqual([
      { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resource: `<UploadBucket.Arn>/*` },
      { actions: ['s3:ListBucket'], resource: '<UploadBucket.Arn>' },
    ])
    // The task reads that bucket's name.
    expect(taskEnvironment().UPLOAD_BUCKET).toBe(bucket)
  })

  test('an action the code uses but the role lacks, a wildcard and an action never used are caught', () => {
    const used = new Map([['dynamodb:DeleteItem', ['server/utils/x.ts']], ['dynamodb:GetItem', ['server/utils/y.ts']]])
    expect(checkActions(used, ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:*', 's3:GetObject'])).toEqual([
      'dynamodb:DeleteItem (used in server/utils/x.ts) is not allowed to the task role',
      'dynamodb:* is a wildcard',
      'dynamodb:Scan is allowed to the task role but the code never sends it',
    ])
  })
})

describe('health checks and ports', () => {
  const app = configSource()
  const dockerfile = readText('Dockerfile')

  test('the load balancer checks /api/health, a route the server has', () => {
    expect(targetGroup.Properties!.HealthCheckPath).toBe('/api/health')
    expect(routeFile('/api/health')).toBe('server/api/health.get.ts')
    expect(routeFile('/api/healthz')).toBeUndefined()
  })

  test('the container and Docker health checks call the same route', () => {
    expect(JSON.stringify(asObject(container.HealthCheck).Command)).toContain(`127.0.0.1:${app.defaultPort}/api/health`)
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/api\/health/)
  })

  test('the app\'s default port is the one the image exposes and every stack uses', () => {
    expect(app.defaultPort).toBe(3000)
    const port = app.defaultPort
    expect(dockerfile.match(/^EXPOSE\s+(\d+)/m)?.[1]).toBe(String(port))
    expect(dockerfile).toMatch(new RegExp(`PORT=${port}\\b`))
    expect(environment.find(e => e.Name === 'PORT')?.Value).toBe(String(port))
    expect((container.PortMappings as JsonObject[]).map(p => p.ContainerPort)).toEqual([port])
    expect(targetGroup.Properties!.Port).toBe(port)
    const balanced = (ecsService.Properties!.LoadBalancers as JsonObject[])[0]!
    expect(balanced.ContainerPort).toBe(port)
    expect(balanced.ContainerName).toBe(container.Name)
    const ingress = cluster.template.Resources.TaskSecurityGroup!.Properties!.SecurityGroupIngress as JsonObject[]
    expect(ingress.map(r => [r.FromPort, r.ToPort])).toEqual([[port, port]])
  })
})

describe('deployments and shutdown', () => {
  test('roll back a failing deployment and keep full capacity while replacing tasks', () => {
    const deployment = asObject(ecsService.Properties!.DeploymentConfiguration)
    expect(deployment.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true })
    expect([deployment.MinimumHealthyPercent, deployment.MaximumPercent]).toEqual([100, 200])
  })

  test('run tasks where the cluster stack says, with a public address only in the network without NAT or interface endpoints', () => {
    const network = asObject(asObject(ecsService.Properties!.NetworkConfiguration).AwsvpcConfiguration)
    expect(network.AssignPublicIp).toEqual({ Ref: 'AssignPublicIp' })
    expect(network.Subnets).toEqual({ Ref: 'TaskSubnets' })
    const deploy = deployActions(loadTemplate('infra/pipeline.yml')).find(a => a.file === 'infra/chat-service.yml')!
    expect(deploy.overrides).toMatchObject({ TaskSubnets: '#{ClusterStack.TaskSubnets}', AssignPublicIp: '#{ClusterStack.TaskPublicIp}' })
    const outputs = cluster.template.Outputs!
    const branches = (value: Json) => asObject(value)['Fn::If'] as [string, Json, Json]
    const [subnetsCondition, publicSubnets, privateSubnets] = branches(outputs.TaskSubnets!.Value)
    const [ipCondition, enabled, disabled] = branches(outputs.TaskPublicIp!.Value)
    expect([subnetsCondition, ipCondition]).toEqual(['PublicTasks', 'PublicTasks'])
    expect([enabled, disabled]).toEqual(['ENABLED', 'DISABLED'])
    expect(JSON.stringify(publicSubnets)).toContain('PublicSubnet1')
    expect(JSON.stringify(privateSubnets)).toContain('PrivateSubnet1')
    const publicTasks = (nat: string, endpoints: string) => evaluateCondition(cluster.template, 'PublicTasks', { ...cluster.context.parameters, NatGateways: nat, InterfaceEndpoints: endpoints })
    expect([publicTasks('0', 'false'), publicTasks('1', 'false'), publicTasks('2', 'false'), publicTasks('0', 'true'), publicTasks('1', 'true')]).toEqual([true, false, false, false, false])
    // Whatever the subnet, only the load balancer reaches a task, and only on the app port.
    const ingress = cluster.template.Resources.TaskSecurityGroup!.Properties!.SecurityGroupIngress as JsonObject[]
    expect(ingress).toEqual([expect.objectContaining({ SourceSecurityGroupId: { Ref: 'LoadBalancerSecurityGroup' } })])
    expect(JSON.stringify(cluster.template.Resources.TaskSecurityGroup)).not.toContain('0.0.0.0/0')
  })

  test('give the server time to shut down: stop timeout above Nitro\'s 30 s, within Fargate\'s 120 s; short deregistration', () => {
    expect(container.StopTimeout).toBeGreaterThan(30)
    expect(container.StopTimeout).toBeLessThanOrEqual(120)
    const attributes = Object.fromEntries((targetGroup.Properties!.TargetGroupAttributes as { Key: string, Value: string }[]).map(a => [a.Key, a.Value]))
    expect(Number(attributes['deregistration_delay.timeout_seconds'])).toBeLessThanOrEqual(60)
  })

  test('scale on CPU and on requests per target, the latter labelled with the load balancer and target group', () => {
    const policies = Object.values(service.template.Resources).filter(r => r.Type === 'AWS::ApplicationAutoScaling::ScalingPolicy')
    const metrics = policies.map(p => asObject(asObject(p.Properties!.TargetTrackingScalingPolicyConfiguration).PredefinedMetricSpecification))
    expect(metrics.map(m => m.PredefinedMetricType).sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization'])
    const label = metrics.find(m => m.PredefinedMetricType === 'ALBRequestCountPerTarget')!.ResourceLabel
    expect(resolveValue(label!, service, stacks)).toBe('<LoadBalancer.LoadBalancerFullName>/<TargetGroup.TargetGroupFullName>')
  })
})

/** The Nitro route file serving a path, if any. */
function routeFile(path: string): string | undefined {
  const base = `server${path}`
  return [`${base}.get.ts`, `${base}.ts`, `${base}/index.get.ts`, `${base}/index.ts`].find(f => existsSync(join(ROOT, f)))
}
