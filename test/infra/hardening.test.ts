import { describe, expect, test } from 'vitest'
import { isObject, loadTemplate, readText, type Json, type JsonObject, type Template } from './cloudformation.ts'
import { deployActions, deployedStacks } from './stacks.ts'
import { asObject } from './resolve.ts'
import { actionsOf, allows, roleStatements, statementsOf, type Statement } from './iam.ts'

const stacks = deployedStacks()
const appTemplates = stacks.map(s => [s.file, s.template] as const)
const templateOf = (file: string) => stacks.find(s => s.file === file)!.template
const pipeline = loadTemplate('infra/pipeline.yml')

// ---------------------------------------------------------------- checkers

const STATEFUL_TYPES = ['AWS::DynamoDB::Table']

/** Stateful resources survive deletion and replacement, except the rollback of a failed first create. */
function checkRetention(template: Template): string[] {
  const problems: string[] = []
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.DeletionPolicy === 'Retain') problems.push(`${id}: DeletionPolicy Retain survives a failed first create (use RetainExceptOnCreate)`)
    if (!STATEFUL_TYPES.includes(resource.Type)) continue
    if (resource.DeletionPolicy !== 'RetainExceptOnCreate') problems.push(`${id}: DeletionPolicy is not RetainExceptOnCreate`)
    if (resource.UpdateReplacePolicy !== 'Retain') problems.push(`${id}: UpdateReplacePolicy is not Retain`)
  }
  return problems
}

/** Every role an app stack creates carries the boundary the pipeline passes as PermissionsBoundaryArn. */
function checkBoundaries(template: Template): string[] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .filter(([, r]) => JSON.stringify(r.Properties!.PermissionsBoundary) !== JSON.stringify({ Ref: 'PermissionsBoundaryArn' }))
    .map(([id]) => `${id} has no PermissionsBoundary from PermissionsBoundaryArn`)
}

const BOUNDED_IAM_ACTIONS = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary']

/**
 * The deploy role: no service-wide wildcard on '*', and every action that creates a role or gives
 * one permissions only under the condition that the role carries the app boundary.
 */
function checkDeployPolicy(statements: Statement[], boundary: Json): string[] {
  const problems: string[] = []
  for (const statement of statements.filter(s => s.Effect === 'Allow')) {
    const resources = [statement.Resource].flat()
    for (const action of actionsOf(statement)) {
      if (action.includes('*') && resources.includes('*')) problems.push(`${statement.Sid}: ${action} on every resource`)
      if (BOUNDED_IAM_ACTIONS.includes(action)) {
        const condition = isObject(statement.Condition) ? asObject(statement.Condition.StringEquals ?? {}) : {}
        if (JSON.stringify(condition['iam:PermissionsBoundary']) !== JSON.stringify(boundary)) problems.push(`${statement.Sid}: ${action} without the iam:PermissionsBoundary condition`)
      }
    }
  }
  return problems
}

// ---------------------------------------------------------------- the checks

describe('a failed first deployment', () => {
  test.each(appTemplates)('%s: every stateful resource is RetainExceptOnCreate and kept on replacement', (_file, template) => {
    expect(checkRetention(template)).toEqual([])
  })

  test('a table that would survive the rollback of its first create, or be lost on replacement, is caught', () => {
    const table = templateOf('infra/resources.yml').Resources.UsersTable!
    expect(checkRetention({ Resources: { T: { ...table, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Delete' } } })).toEqual([
      'T: DeletionPolicy Retain survives a failed first create (use RetainExceptOnCreate)',
      'T: DeletionPolicy is not RetainExceptOnCreate',
      'T: UpdateReplacePolicy is not Retain',
    ])
  })

  test('the tables are deletion protected and created after every other resource of their stack', () => {
    const resources = templateOf('infra/resources.yml')
    const tables = Object.entries(resources.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')
    const others = Object.keys(resources.Resources).filter(id => !tables.some(([t]) => t === id))
    // Everything else either is a dependency or is reached through one (subnet group, security group).
    const reached = new Set<string>()
    const visit = (id: string) => {
      if (reached.has(id)) return
      reached.add(id)
      for (const [node] of walkRefs(resources.Resources[id]!.Properties)) if (resources.Resources[node]) visit(node)
      for (const dependency of [resources.Resources[id]!.DependsOn ?? []].flat()) visit(dependency)
    }
    for (const [, table] of tables) {
      expect(table.Properties!.DeletionProtectionEnabled).toBe(true)
      for (const dependency of [table.DependsOn ?? []].flat()) visit(dependency)
    }
    expect(others.filter(id => !reached.has(id))).toEqual([])
  })
})

describe('least privilege', () => {
  const boundary = pipeline.Resources.AppRoleBoundary!
  const deployStatements = roleStatements(pipeline, 'DeployRole')

  test.each(appTemplates)('%s: every role it creates carries the app permissions boundary', (_file, template) => {
    expect(checkBoundaries(template)).toEqual([])
  })

  test('the pipeline passes its AppRoleBoundary to every stack that creates roles', () => {
    for (const action of deployActions(pipeline)) {
      const creates = Object.values(loadTemplate(action.file).Resources).some(r => r.Type === 'AWS::IAM::Role')
      if (creates) expect(action.overrides.PermissionsBoundaryArn, action.file).toBe('arn:aws:iam::123456789012:policy/fargate-chat-app-role-boundary')
    }
  })

  test('the deploy role has no service wildcard on every resource and may create or empower roles only with the boundary', () => {
    expect(checkDeployPolicy(deployStatements, { Ref: 'AppRoleBoundary' })).toEqual([])
    for (const action of BOUNDED_IAM_ACTIONS) expect(allows(deployStatements, action), action).toBe(true)
    const keep = deployStatements.find(s => s.Effect === 'Deny')!
    expect(actionsOf(keep)).toEqual(['iam:DeleteRolePermissionsBoundary'])
  })

  test('a wildcard service, a role created without the boundary condition, and a role without a boundary are caught', () => {
    const broken: Statement[] = [
      { Sid: 'Wide', Effect: 'Allow', Action: ['ec2:*', 'ecs:CreateService'], Resource: '*' },
      { Sid: 'Roles', Effect: 'Allow', Action: ['iam:CreateRole', 'iam:AttachRolePolicy'], Resource: 'arn:aws:iam::1:role/x-*' },
    ]
    expect(checkDeployPolicy(broken, { Ref: 'AppRoleBoundary' })).toEqual([
      'Wide: ec2:* on every resource',
      'Roles: iam:CreateRole without the iam:PermissionsBoundary condition',
      'Roles: iam:AttachRolePolicy without the iam:PermissionsBoundary condition',
    ])
    expect(checkBoundaries({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: {} } } })).toEqual(['R has no PermissionsBoundary from PermissionsBoundaryArn'])
  })

  test('the boundary allows every action the app stacks\' roles are given inline', () => {
    const boundaryStatements = statementsOf(boundary.Properties!.PolicyDocument)
    const inline = stacks.flatMap(s => Object.values(s.template.Resources).filter(r => r.Type === 'AWS::IAM::Role'))
      .flatMap(r => (r.Properties!.Policies as JsonObject[] ?? []).flatMap(p => statementsOf(p.PolicyDocument)))
      .flatMap(actionsOf)
    expect(inline.length).toBeGreaterThan(5)
    expect(inline.filter(action => !allows(boundaryStatements, action))).toEqual([])
  })
})

describe('the task', () => {
  const service = templateOf('infra/chat-service.yml')
  const taskDefinition = Object.values(service.Resources).find(r => r.Type === 'AWS::ECS::TaskDefinition')!.Properties!
  const container = (taskDefinition.ContainerDefinitions as JsonObject[])[0]!

  test('runs as the image\'s unprivileged user on a read-only root file system, writable only at /tmp', () => {
    expect(container.User).toBe('1000:1000')
    expect(container.ReadonlyRootFilesystem).toBe(true)
    const volumes = (taskDefinition.Volumes as JsonObject[]).map(v => v.Name)
    expect(container.MountPoints).toEqual([{ SourceVolume: 'tmp', ContainerPath: '/tmp', ReadOnly: false }])
    expect(volumes).toEqual(['tmp'])
  })

  test('can write its temporary directory as the unprivileged user: the image declares it a world-writable VOLUME', () => {
    // Fargate's bind mount is root-owned 0755 unless the image declares the path as a VOLUME, whose
    // permissions it copies; uid 1000 could not write /tmp otherwise.
    const runtime = readText('Dockerfile').split(/^FROM /m).at(-1)!
    const writable = (container.MountPoints as JsonObject[]).filter(m => m.ReadOnly === false).map(m => m.ContainerPath as string)
    expect(writable).toEqual(['/tmp'])
    for (const path of writable) {
      expect(runtime).toMatch(new RegExp(`^VOLUME \\["${path}"\\]$`, 'm'))
      expect(runtime).toMatch(new RegExp(`chmod 1777 ${path}\\b`))
      // Declared and opened up before the switch to the unprivileged user.
      expect(runtime.indexOf('VOLUME')).toBeLessThan(runtime.indexOf('USER node'))
    }
  })

  test('reads every secret through an execution role allowed exactly those secrets', () => {
    const role = service.Resources.ExecutionRole!
    const allowed = (role.Properties!.Policies as JsonObject[]).flatMap(p => statementsOf(p.PolicyDocument))
      .filter(s => actionsOf(s).includes('secretsmanager:GetSecretValue')).flatMap(s => [s.Resource].flat())
    const read = (container.Secrets as JsonObject[]).map(s => s.ValueFrom)
    expect(allowed.map(a => JSON.stringify(a)).sort()).toEqual(read.map(r => JSON.stringify(r)).sort())
  })

  test('Redis needs TLS and the AUTH token from Secrets Manager', () => {
    const redis = Object.values(templateOf('infra/resources.yml').Resources).find(r => r.Type === 'AWS::ElastiCache::ReplicationGroup')!.Properties!
    expect(redis.TransitEncryptionEnabled).toBe(true)
    expect(redis.AuthToken).toEqual({ 'Fn::Sub': '{{resolve:secretsmanager:${RedisAuthToken}:SecretString}}' })
  })
})

/** Every Ref and GetAtt target (and Sub variable) under a value. */
function* walkRefs(value: Json | undefined): Generator<[string]> {
  if (value === undefined || value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (const item of value) yield* walkRefs(item)
    return
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === 'Ref' && typeof item === 'string') yield [item]
    else if (key === 'Fn::GetAtt') yield [(Array.isArray(item) ? item[0] : String(item).split('.')[0]) as string]
    else if (key === 'Fn::Sub') {
      const text = Array.isArray(item) ? item[0] as string : item as string
      for (const m of text.matchAll(/\$\{([^!}.]+)[.}]/g)) yield [m[1]!]
      if (Array.isArray(item)) yield* walkRefs(item[1])
    }
    else yield* walkRefs(item)
  }
}
