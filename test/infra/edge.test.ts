import { describe, expect, test } from 'vitest'
import { evaluateCondition, failedRules, readText, type Json, type JsonObject } from './cloudformation.ts'
import { deployedStacks } from './stacks.ts'
import { asObject, resolveResource, resolveValue } from './resolve.ts'

// HTTPS by default: browser ─HTTPS─▶ CloudFront ─HTTP + secret header─▶ load balancer ─▶ tasks.
const stacks = deployedStacks()
const cluster = stacks.find(s => s.file === 'infra/cluster.yml')!
const service = stacks.find(s => s.file === 'infra/chat-service.yml')!
const distribution = asObject(cluster.template.Resources.Distribution!.Properties!.DistributionConfig)
const behavior = asObject(distribution.DefaultCacheBehavior)
const origin = (distribution.Origins as JsonObject[])[0]!

/** AWS managed policies (docs: "Use managed cache policies", "Use managed origin request policies"). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad'
/** Every viewer header (Host, Cookie, Upgrade, Sec-WebSocket-*), cookie and query string, plus CloudFront-Forwarded-Proto. */
const ALL_VIEWER_AND_CLOUDFRONT_HEADERS = '33f36d7e-f396-46d9-90e0-52428a34d9dc'

/** The branch of an Fn::If that applies for a condition's value. */
function branch(value: Json, conditionHolds: boolean): Json {
  const fn = asObject(value)['Fn::If'] as Json[] | undefined
  return fn ? fn[conditionHolds ? 1 : 2]! : value
}

describe('the CloudFront distribution', () => {
  test('serves HTTPS to browsers, redirecting plain HTTP, and reaches the load balancer by its DNS name', () => {
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https')
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] })
    expect(asObject(origin.CustomOriginConfig).OriginProtocolPolicy).toBe('http-only')
    expect(behavior.TargetOriginId).toBe(origin.Id)
  })

  test('caches nothing and forwards every method, the cookie, the websocket upgrade and the viewer\'s scheme', () => {
    expect(behavior.CachePolicyId).toBe(CACHING_DISABLED)
    expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_AND_CLOUDFRONT_HEADERS)
    expect([...behavior.AllowedMethods as string[]].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])
    // No legacy ForwardedValues beside the policies (CloudFront refuses both).
    expect(behavior.ForwardedValues).toBeUndefined()
  })

  test('waits longer for the origin than Socket.io\'s 25 s long-polling interval', () => {
    expect(Number(asObject(origin.CustomOriginConfig).OriginReadTimeout)).toBeGreaterThan(25)
  })

  test.each([
    ['', 'https://<Distribution.DomainName>'],
    ['chat.example.com', 'https://chat.example.com'],
  ])('with DomainName %j the app is at %s over HTTPS', (domain, url) => {
    const holds = evaluateCondition(cluster.template, 'HasDomain', { ...cluster.context.parameters, DomainName: domain })
    const certificate = asObject(branch(distribution.ViewerCertificate!, holds))
    if (holds) {
      expect(certificate).toEqual({ AcmCertificateArn: { Ref: 'CertificateArn' }, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' })
      expect(branch(distribution.Aliases!, holds)).toEqual([{ Ref: 'DomainName' }])
    }
    else expect(certificate).toEqual({ CloudFrontDefaultCertificate: true })
    const output = branch(cluster.template.Outputs!.ServiceUrl!.Value, holds)
    expect(resolveValue(output, { ...cluster, context: { ...cluster.context, parameters: { ...cluster.context.parameters, DomainName: domain } } }, stacks)).toBe(url)
  })

  test('a domain without a certificate is refused before anything is created', () => {
    const parameters = (domain: string, certificate: string) => ({ ...cluster.context.parameters, DomainName: domain, CertificateArn: certificate })
    expect(failedRules(cluster.template, parameters('chat.example.com', ''))).toEqual(['DomainName needs CertificateArn (an ACM certificate in us-east-1 covering it)'])
    expect(failedRules(cluster.template, parameters('chat.example.com', 'arn:aws:acm:us-east-1:123456789012:certificate/x'))).toEqual([])
    expect(failedRules(cluster.template, parameters('', ''))).toEqual([])
  })
})

describe('the load balancer behind it', () => {
  const group = cluster.template.Resources.LoadBalancerSecurityGroup!.Properties!
  const listener = cluster.template.Resources.HttpListener!.Properties!
  const rules = Object.values(service.template.Resources).filter(r => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')

  test('admits only CloudFront\'s origin-facing prefix list, on port 80 alone', () => {
    expect(group.SecurityGroupIngress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, SourcePrefixListId: { Ref: 'CloudFrontPrefixListId' } })])
    expect(JSON.stringify(group)).not.toContain('0.0.0.0/0')
    expect(cluster.template.Resources.HttpsListener).toBeUndefined()
  })

  test('forwards only requests carrying the secret header this distribution adds, and refuses the rest with 403', () => {
    expect(listener.DefaultActions).toEqual([expect.objectContaining({ Type: 'fixed-response', FixedResponseConfig: expect.objectContaining({ StatusCode: '403' }) })])
    expect(rules).toHaveLength(1)
    const conditions = rules[0]!.Properties!.Conditions as JsonObject[]
    const header = asObject(conditions.find(c => c.Field === 'http-header')!.HttpHeaderConfig)
    const sent = (origin.OriginCustomHeaders as JsonObject[]).find(h => h.HeaderName === header.HttpHeaderName)!
    // Both sides read the same Secrets Manager secret through a dynamic reference.
    const [ruleValue] = header.Values as Json[]
    const [, ruleVars] = asObject(ruleValue)['Fn::Sub'] as [string, JsonObject]
    expect(asObject(ruleValue)['Fn::Sub']).toEqual(['{{resolve:secretsmanager:${Secret}:SecretString}}', expect.anything()])
    expect(resolveResource(ruleVars.Secret!, service, stacks).logicalId).toBe('OriginVerifySecret')
    expect(sent.HeaderValue).toEqual({ 'Fn::Sub': '{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}' })
    expect(resolveValue(rules[0]!.Properties!.ListenerArn!, service, stacks)).toBe('<HttpListener>')
  })

  test('the app trusts exactly this chain: TRUST_PROXY=cloudfront', () => {
    const container = (Object.values(service.template.Resources).find(r => r.Type === 'AWS::ECS::TaskDefinition')!.Properties!.ContainerDefinitions as JsonObject[])[0]!
    expect((container.Environment as JsonObject[]).find(e => e.Name === 'TRUST_PROXY')!.Value).toBe('cloudfront')
  })
})

describe('the CloudFront prefix list id', () => {
  test('is asked of the operator with the command that finds it', () => {
    expect(readText('docs/deploy.md')).toContain('com.amazonaws.global.cloudfront.origin-facing')
  })
})
