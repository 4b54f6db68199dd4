import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ROOT, evaluate, loadTemplate, readText, type JsonObject, type Template } from './cloudformation.ts'
import { asObject } from './resolve.ts'
import { deployActions } from './stacks.ts'

// scripts/aws/*.sh act on what the templates create, by name: every name they use is held here
// against infra/*.yml, so a table, secret or stack added there cannot be forgotten here.

const SCRIPTS = ['scripts/aws/teardown.sh', 'scripts/aws/recover-stack.sh', 'scripts/aws/rotate-origin-secret.sh']
const pipeline = loadTemplate('infra/pipeline.yml')
const deploys = deployActions(pipeline)
const stackSuffix = (stackName: string) => stackName.replace(/^fargate-chat-/, '')
const app = deploys.map(d => ({ suffix: stackSuffix(d.stackName), stage: d.stage, template: loadTemplate(d.file) }))
const teardown = readText('scripts/aws/teardown.sh')
const recover = readText('scripts/aws/recover-stack.sh')
const rotate = readText('scripts/aws/rotate-origin-secret.sh')

/** A shell variable's quoted value in a script: NAME="a b c". */
const listIn = (script: string, name: string) => script.match(new RegExp(`^${name}="([^"]*)"$`, 'm'))?.[1]?.split(' ') ?? []
/** A resource's name property, with its stack's name replaced by <stack>. */
const nameOf = (template: Template, id: string, property: string) => evaluate(template.Resources[id]!.Properties![property]!, { stackName: '<stack>', region: 'us-east-1', accountId: '123456789012', parameters: {} })

describe('the operator scripts', () => {
  test.each(SCRIPTS)('%s is valid bash', (script) => {
    const result = spawnSync('bash', ['-n', join(ROOT, script)], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})

describe('the teardown', () => {
  test('deletes the app stacks in the reverse order the pipeline creates them', () => {
    const order = [...app].sort((a, b) => b.stage - a.stage).map(s => s.suffix)
    expect(listIn(teardown, 'STACKS')).toEqual(order)
  })

  test('deletes every table of infra/resources.yml', () => {
    const resources = app.find(s => s.suffix === 'resources')!.template
    const tables = Object.entries(resources.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table').map(([id]) => nameOf(resources, id, 'TableName').replace('<stack>-', ''))
    expect(tables).toHaveLength(10)
    expect(listIn(teardown, 'TABLES').sort()).toEqual(tables.sort())
  })

  test('deletes every retained bucket of the app stacks, found by its generated name', () => {
    for (const { suffix, template } of app) {
      for (const [id, bucket] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket')) {
        expect(bucket.Properties!.BucketName, id).toBeUndefined()
        expect(teardown, id).toContain(`'$PREFIX-${suffix}-${id.toLowerCase()}-'`)
      }
    }
  })

  test('force-deletes every secret the app stacks name, and the pipeline\'s smoke account secret with --all', () => {
    const named = app.flatMap(({ suffix, template }) => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret')
      .map(([id]) => nameOf(template, id, 'Name').replace('<stack>', suffix)))
    expect(listIn(teardown, 'SECRETS').sort()).toEqual(named.sort())
    expect(nameOf(pipeline, 'SmokeAccountSecret', 'Name')).toBe('<stack>/smoke-account')
    expect(teardown).toContain('"$PIPELINE_STACK/smoke-account"')
    expect(pipeline.Outputs!.ArtifactBucketName).toBeDefined()
  })
})

describe('the recovery of a failed stack', () => {
  test('handles every kind of resource the app stacks protect from deletion', () => {
    const protectedTypes = new Set(app.flatMap(({ template }) => Object.values(template.Resources)
      .filter(r => r.Properties?.DeletionProtectionEnabled === true || /^Retain/.test(String(r.DeletionPolicy ?? '')))
      .map(r => r.Type)))
    expect([...protectedTypes].sort()).toEqual(['AWS::DynamoDB::Table', 'AWS::S3::Bucket'])
    expect(recover).toContain('resources AWS::DynamoDB::Table')
    expect(recover).toContain('--no-deletion-protection-enabled')
    expect(recover).toContain('resources AWS::S3::Bucket')
    expect(recover).toContain('resources AWS::SecretsManager::Secret')
    for (const status of ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED']) expect(recover).toContain(status)
  })
})

describe('the origin secret rotation', () => {
  const cluster = app.find(s => s.suffix === 'cluster')!.template
  const service = app.find(s => s.suffix === 'service')!.template

  test('changes the listener rule, the secret and the distribution the templates define', () => {
    expect(rotate).toContain('--logical-resource-id ListenerRule')
    const rule = service.Resources.ListenerRule!
    expect(rule.Type).toBe('AWS::ElasticLoadBalancingV2::ListenerRule')
    const conditions = rule.Properties!.Conditions as JsonObject[]
    // modify-rule replaces all conditions: the script must give back the path pattern too.
    expect(conditions.map(c => c.Field)).toEqual(['path-pattern', 'http-header'])
    expect(asObject(conditions[0]!.PathPatternConfig).Values).toEqual(['/*'])
    expect(rotate).toContain('PathPatternConfig: {Values: ["/*"]}')
    const header = asObject(conditions[1]!.HttpHeaderConfig).HttpHeaderName
    expect(rotate).toContain(`HEADER=${String(header)}`)
    const origin = (asObject(cluster.Resources.Distribution!.Properties!.DistributionConfig).Origins as JsonObject[])[0]!
    expect((origin.OriginCustomHeaders as JsonObject[]).map(h => h.HeaderName)).toEqual([header])
    expect(nameOf(cluster, 'OriginVerifySecret', 'Name')).toBe('<stack>/origin-verify')
    expect(rotate).toContain('SECRET_ID="$CLUSTER_STACK/origin-verify"')
    expect(rotate).toContain('OutputKey==\'DistributionId\'')
    expect(cluster.Outputs!.DistributionId).toBeDefined()
  })

  test('holds back releases of the stage that deploys the rule while it runs', () => {
    const stages = (pipeline.Resources.Pipeline!.Properties!.Stages as JsonObject[]).map(s => s.Name)
    const release = deploys.find(d => d.file === 'infra/chat-service.yml')!.stageName
    expect(stages).toContain(release)
    expect(rotate).toContain(`--stage-name ${release} --transition-type Inbound`)
    expect(rotate.indexOf('aws codepipeline disable-stage-transition')).toBeLessThan(rotate.indexOf('aws elbv2 modify-rule'))
  })
})
