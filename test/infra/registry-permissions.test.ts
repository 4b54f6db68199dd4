import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { resourceTypes, schemaFile } from '../../scripts/refresh-registry-schemas.ts'
import { ROOT, intrinsic, isObject, loadTemplate, type Json, type Template } from './cloudformation.ts'
import { actionsOf, allows, roleStatements, without, type Statement } from './iam.ts'
import { deployActions, TEMPLATE_FILES } from './stacks.ts'

// CloudFormation calls a resource type's handlers with the role a stack runs under; a permission
// the role lacks fails the stack (the first create-stack, for a create handler). The registry
// schema of every type lists what its handlers need: the vendored copies in registry-schemas/
// (refreshed by `npm run registry-schemas`) are held here against the deploy role.

const SCHEMAS = join(ROOT, 'test/infra/registry-schemas')
/** Create, update and delete, as the issue asks; read too: CloudFormation calls it for drift detection and resource import. */
const HANDLERS = ['create', 'read', 'update', 'delete'] as const

interface RegistrySchema { typeName: string, handlers?: Partial<Record<string, { permissions?: string[] }>> }

function schemaOf(type: string): RegistrySchema {
  return JSON.parse(readFileSync(join(SCHEMAS, schemaFile(type)), 'utf8')) as RegistrySchema
}

/**
 * Types whose registry schema has no handlers (providers that predate the registry): their
 * permissions, and where they come from.
 */
const WITHOUT_HANDLERS: Record<string, { permissions: string[], source: string }> = {
  'AWS::Route53::RecordSet': {
    permissions: ['route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:ListResourceRecordSets', 'route53:GetHostedZone'],
    source: 'the Route 53 API calls behind a record set: ChangeResourceRecordSets to create, change and delete it, GetChange until INSYNC, ListResourceRecordSets and GetHostedZone to read it',
  },
}

/** Registry permissions the deploy role is not given, each for a reason a test below keeps true. */
const WITHHELD: { type: string, action: string, reason: string }[] = [
  { type: 'AWS::IAM::Role', action: 'iam:DeleteRolePermissionsBoundary', reason: 'called only to drop a role\'s permissions boundary; every app role keeps the boundary, and the deploy role denies it' },
  { type: 'AWS::Logs::LogGroup', action: 's3:REST.PUT.OBJECT', reason: 'not an IAM action (an S3 REST operation named in the schema); no policy can grant it' },
]

/** Granted without any registry schema asking, and why. */
const GRANTED_BEYOND_THE_REGISTRY: Record<string, string> = {
  'ec2:DescribeAvailabilityZones': 'Fn::GetAZs in the cluster template',
  'ec2:DescribeAccountAttributes': 'EC2 default-VPC and address checks during stack operations',
  'ec2:DescribeTags': 'tag reads during stack operations',
  'ec2:DescribePrefixLists': 'the load balancer security group rule names CloudFront\'s prefix list',
  'ec2:DescribeManagedPrefixLists': 'the same',
  'ec2:GetManagedPrefixListEntries': 'the same',
  'ec2:DescribeSecurityGroupRules': 'security group rule updates',
  'ec2:ModifySecurityGroupRules': 'security group rule updates',
  'route53:AssociateVPCWithHostedZone': 'interface endpoints with private DNS associate the VPC with a zone AWS manages',
  'application-autoscaling:DescribeScalingActivities': 'waits on scaling activities',
  'application-autoscaling:TagResource': 'tags on scalable targets',
  'application-autoscaling:UntagResource': 'the same',
  'application-autoscaling:ListTagsForResource': 'the same',
  'acm:DescribeCertificate': 'CloudFront checks the certificate of an alias',
  'acm:ListCertificates': 'the same',
  's3:GetBucketLocation': 'bucket reads',
}

/** Every permission the handlers of a template's resource types list, with the types that need it. */
function requiredPermissions(template: Template): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>()
  for (const { Type: type } of Object.values(template.Resources)) {
    const schema = schemaOf(type)
    const permissions = schema.handlers
      ? HANDLERS.flatMap(handler => schema.handlers?.[handler]?.permissions ?? [])
      : WITHOUT_HANDLERS[type]?.permissions ?? [`<${type} has neither registry handlers nor a WITHOUT_HANDLERS entry>`]
    for (const permission of permissions) {
      if (WITHHELD.some(w => w.type === type && w.action === permission)) continue
      required.set(permission, new Set([...required.get(permission) ?? [], type]))
    }
  }
  return required
}

/** What the role lacks of what the template's handlers need. */
function missingPermissions(statements: Statement[], required: Map<string, Set<string>>): string[] {
  return [...required].filter(([action]) => !allows(statements, action))
    .map(([action, types]) => `${action} (needed by ${[...types].join(', ')})`)
}

const pipeline = loadTemplate('infra/pipeline.yml')
const deploys = deployActions(pipeline)
const roleOf = (roleArn: unknown) => {
  const fn = intrinsic(roleArn)
  if (fn?.[0] !== 'Fn::GetAtt') throw new Error(`RoleArn ${JSON.stringify(roleArn)} is not a role of the pipeline stack`)
  return (fn[1] as string[])[0]!
}
const deployRoleStatements = roleStatements(pipeline, 'DeployRole')
const allRequired = new Map<string, Set<string>>()
for (const deploy of deploys) for (const [action, types] of requiredPermissions(loadTemplate(deploy.file))) allRequired.set(action, new Set([...allRequired.get(action) ?? [], ...types]))

describe('the vendored registry schemas', () => {
  test('cover exactly the resource types of infra/, each under its own type name, from one recorded source', () => {
    const used = [...new Set(TEMPLATE_FILES.flatMap(file => Object.values(loadTemplate(file).Resources).map(r => r.Type)))].sort()
    // The refresh script finds the same types the templates declare.
    expect(resourceTypes()).toEqual(used)
    const source = JSON.parse(readFileSync(join(SCHEMAS, 'SOURCE.json'), 'utf8')) as { repository: string, commit: string, types: string[] }
    expect(source.types).toEqual(used)
    expect(source.commit).toMatch(/^[0-9a-f]{40}$/)
    for (const type of used) {
      expect(existsSync(join(SCHEMAS, schemaFile(type))), type).toBe(true)
      expect(schemaOf(type).typeName).toBe(type)
    }
  })

  test('give handler permissions for every type of the app stacks but those listed by hand', () => {
    const appTypes = [...new Set(deploys.flatMap(d => Object.values(loadTemplate(d.file).Resources).map(r => r.Type)))]
    expect(appTypes.filter(type => !schemaOf(type).handlers)).toEqual(Object.keys(WITHOUT_HANDLERS))
  })
})

describe('the role that runs each app stack', () => {
  test.each(deploys.map(d => [d.file, d] as const))('%s: is granted every create, read, update and delete permission the registry lists for its resource types', (_file, deploy) => {
    const statements = roleStatements(pipeline, roleOf(deploy.configuration.RoleArn))
    const required = requiredPermissions(loadTemplate(deploy.file))
    expect(required.size).toBeGreaterThan(10)
    expect(missingPermissions(statements, required)).toEqual([])
  })

  test('is the deploy role for all four stacks', () => {
    expect(deploys.map(d => roleOf(d.configuration.RoleArn))).toEqual(['DeployRole', 'DeployRole', 'DeployRole', 'DeployRole'])
  })

  test('fails the check when the actions the review found missing are taken out', () => {
    for (const action of ['ecs:ListServiceDeployments', 'ecs:DescribeServiceDeployments', 'application-autoscaling:DescribeScheduledActions', 's3:GetBucketAcl', 's3:PutBucketVersioning', 'cloudfront:CreateVpcOrigin', 'wafv2:CreateWebACL', 'sns:Subscribe']) {
      expect(missingPermissions(without(deployRoleStatements, action), allRequired), action).toEqual([expect.stringMatching(new RegExp(`^${action} \\(needed by `, 'i'))])
    }
  })

  test('fails the check when any one action entry the registry needs is taken out of the role', () => {
    const needed = [...new Set(deployRoleStatements.filter(s => s.Effect === 'Allow').flatMap(actionsOf))]
      .filter(entry => !entry.includes('*') && [...allRequired.keys()].some(action => action.toLowerCase() === entry.toLowerCase()))
    expect(needed.length).toBeGreaterThan(200)
    // Each entry is the only grant of its action: without it, that required action is missing. Two
    // are also named by a service wildcard scoped to the stacks' secrets and log groups; their own
    // entries give them the resource '*' these two calls need.
    const stillAllowed = needed.filter(entry => allows(without(deployRoleStatements, entry), entry))
    expect(stillAllowed.sort()).toEqual(['logs:DescribeLogGroups', 'secretsmanager:GetRandomPassword'])
  })

  test('grants nothing the registry does not ask for, but for the actions listed with their reason', () => {
    const extra = [...new Set(deployRoleStatements.filter(s => s.Effect === 'Allow').flatMap(actionsOf))]
      .filter(entry => !entry.includes('*') && ![...allRequired.keys()].some(action => action.toLowerCase() === entry.toLowerCase()))
    expect(extra.sort()).toEqual(Object.keys(GRANTED_BEYOND_THE_REGISTRY).sort())
  })

  test('withholds only what the registry lists, for reasons that hold', () => {
    for (const { type, action } of WITHHELD) {
      expect(HANDLERS.flatMap(h => schemaOf(type).handlers?.[h]?.permissions ?? []), `${type} ${action}`).toContain(action)
    }
    const [boundary, rest] = WITHHELD
    // The boundary is denied outright, and every role of the app stacks has one.
    expect(deployRoleStatements.some(s => s.Effect === 'Deny' && actionsOf(s).includes(boundary!.action))).toBe(true)
    for (const deploy of deploys) {
      for (const [id, resource] of Object.entries(loadTemplate(deploy.file).Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
        expect(resource.Properties!.PermissionsBoundary, `${deploy.file} ${id}`).toEqual({ Ref: 'PermissionsBoundaryArn' })
      }
    }
    expect(rest!.action).not.toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/)
  })

  test('a role missing a permission, and a type with neither handlers nor a hand-kept list, are caught', () => {
    const template: Template = { Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Record: { Type: 'AWS::Route53::RecordSet' } } }
    const statements: Statement[] = [{ Effect: 'Allow', Action: ['sns:*', 'iam:GetRole', 'iam:PassRole', 'route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:ListResourceRecordSets'], Resource: '*' }]
    expect(missingPermissions(statements, requiredPermissions(template))).toEqual(['route53:GetHostedZone (needed by AWS::Route53::RecordSet)'])
    const denied: Statement[] = [...statements, { Effect: 'Deny', Action: 'sns:Subscribe', Resource: '*' }]
    expect(missingPermissions(denied, requiredPermissions({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }))).toEqual(['sns:Subscribe (needed by AWS::SNS::Topic)'])
  })
})

describe('the deploy role\'s policies', () => {
  /** The longest value each name can take when deployed (StackPrefix allows 21 characters). */
  const LONGEST: Record<string, string> = {
    'AWS::Partition': 'aws-us-gov', 'AWS::AccountId': '123456789012', 'AWS::Region': 'ap-southeast-2', 'StackPrefix': 'x'.repeat(21), 'HostedZoneId': `Z${'X'.repeat(31)}`,
    'AppRoleBoundary': `arn:aws-us-gov:iam::123456789012:policy/${'x'.repeat(21)}-app-role-boundary`,
  }
  /** A policy document as IAM counts it (no whitespace), every name at its longest, the longer branch of each Fn::If. */
  function worstCaseSize(value: Json): number {
    const text = (node: Json): Json => {
      const fn = intrinsic(node)
      if (fn?.[0] === 'Fn::Sub') return (fn[1] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => LONGEST[name] ?? `<${name}>`)
      if (fn?.[0] === 'Ref') return LONGEST[fn[1] as string] ?? `<${String(fn[1])}>`
      if (fn?.[0] === 'Fn::If') {
        const [, a, b] = fn[1] as Json[]
        const [ta, tb] = [text(a!), text(b!)]
        return JSON.stringify(ta).length >= JSON.stringify(tb).length ? ta : tb
      }
      if (Array.isArray(node)) return node.map(text)
      if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, text(v)]))
      return node
    }
    const rendered = JSON.stringify(text(value))
    expect(rendered, 'a name without a longest value').not.toMatch(/<[A-Za-z:]+>/)
    return rendered.replace(/\s+/g, '').length
  }

  test('fit IAM\'s size limit of 6,144 characters a managed policy, with every name at its longest', () => {
    const role = pipeline.Resources.DeployRole!
    const managed = (role.Properties!.ManagedPolicyArns as { Ref: string }[]).map(arn => pipeline.Resources[arn.Ref]!)
    expect(managed.length).toBeGreaterThan(1)
    // IAM attaches at most 10 managed policies to a role by default; inline policies would share 10,240 characters.
    expect(managed.length).toBeLessThanOrEqual(10)
    expect(role.Properties!.Policies).toBeUndefined()
    for (const policy of managed) expect(worstCaseSize(policy.Properties!.PolicyDocument!), String(policy.Properties!.ManagedPolicyName)).toBeLessThan(6_144)
  })
})
