import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ROOT, evaluateCondition, failedRules, intrinsic, isObject, loadTemplate, readText, type Json, type JsonObject } from './cloudformation.ts'
import { deployActions, deployedStacks } from './stacks.ts'
import { asObject, resolveResource, resolveValue } from './resolve.ts'

// browser ─HTTPS─▶ CloudFront (+ WAF) ─VPC origin, AWS's network, secret header─▶ internal load balancer ─▶ tasks.
const stacks = deployedStacks()
const cluster = stacks.find(s => s.file === 'infra/cluster.yml')!
const service = stacks.find(s => s.file === 'infra/chat-service.yml')!
const distribution = asObject(cluster.template.Resources.Distribution!.Properties!.DistributionConfig)
const behavior = asObject(distribution.DefaultCacheBehavior)
const origin = (distribution.Origins as JsonObject[])[0]!
const resourceOf = (id: string) => cluster.template.Resources[id]!

/** AWS managed policies (docs: "Use managed cache policies", "Use managed origin request policies"). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad'
/** Cache key without cookies or query strings, TTL from the origin's Cache-Control (1 s to 1 year), gzip and Brotli. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
/** Route 53's hosted zone id for every CloudFront alias target. */
const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2'
/** Every viewer header (Host, Cookie, Upgrade, Sec-WebSocket-*), cookie and query string, plus CloudFront-Forwarded-Proto. */
const ALL_VIEWER_AND_CLOUDFRONT_HEADERS = '33f36d7e-f396-46d9-90e0-52428a34d9dc'

/** The branch of an Fn::If that applies for a condition's value. */
function branch(value: Json, conditionHolds: boolean): Json {
  const fn = asObject(value)['Fn::If'] as Json[] | undefined
  return fn ? fn[conditionHolds ? 1 : 2]! : value
}

describe('the CloudFront distribution', () => {
  test('serves HTTPS to browsers, redirecting plain HTTP, and reaches an internal load balancer only through its VPC origin', () => {
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https')
    expect(behavior.TargetOriginId).toBe(origin.Id)
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] })
    // No custom (internet) origin: the VPC origin's interfaces in the VPC carry the traffic.
    expect(origin.CustomOriginConfig).toBeUndefined()
    expect(asObject(origin.VpcOriginConfig).VpcOriginId).toEqual({ 'Fn::GetAtt': ['VpcOrigin', 'Id'] })
    const endpoint = asObject(resourceOf('VpcOrigin').Properties!.VpcOriginEndpointConfig)
    expect(endpoint.Arn).toEqual({ Ref: 'LoadBalancer' })
    expect(endpoint.HTTPPort).toBe(80)
    const balancer = resourceOf('LoadBalancer').Properties!
    expect(balancer.Scheme).toBe('internal')
    expect(balancer.Subnets).toEqual([{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }])
    // A VPC origin needs an internet gateway attached to the VPC, even though it does not use it.
    expect([resourceOf('LoadBalancer').DependsOn].flat()).toContain('InternetGatewayAttachment')
    // An internal load balancer has no public address to pay for.
    expect(Object.values(cluster.template.Resources).filter(r => r.Type === 'AWS::EC2::EIP').every(r => r.Condition === 'WithNat' || r.Condition === 'TwoNatGateways')).toBe(true)
  })

  test('caches Nuxt\'s content-hashed build assets at the edge, for as long as the origin says (a year, immutable)', () => {
    const behaviors = distribution.CacheBehaviors as JsonObject[]
    expect(behaviors.map(b => b.PathPattern)).toEqual(['/_nuxt/*'])
    const assets = behaviors[0]!
    expect(assets.CachePolicyId).toBe(CACHING_OPTIMIZED)
    expect(assets.AllowedMethods).toEqual(['GET', 'HEAD'])
    expect(assets.TargetOriginId).toBe(origin.Id)
    expect(assets.ViewerProtocolPolicy).toBe('redirect-to-https')
    // The app marks them immutable for a year: Nuxt gives its build assets directory (the default
    // /_nuxt/, which nuxt.config.ts keeps) a public-asset max age of 31,536,000 s.
    expect(readText('nuxt.config.ts')).not.toContain('buildAssetsDir')
    expect(readText('node_modules/@nuxt/nitro-server/dist/index.mjs')).toMatch(/maxAge: 31536e3,\s*baseURL: nuxt\.options\.app\.buildAssetsDir/)
  })

  test('caches nothing and forwards every method, the cookie, the websocket upgrade and the viewer\'s scheme', () => {
    expect(behavior.CachePolicyId).toBe(CACHING_DISABLED)
    expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_AND_CLOUDFRONT_HEADERS)
    expect([...behavior.AllowedMethods as string[]].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])
    // No legacy ForwardedValues beside the policies (CloudFront refuses both).
    expect(behavior.ForwardedValues).toBeUndefined()
  })

  test('waits longer for the origin than Socket.io\'s 25 s long-polling interval', () => {
    expect(Number(asObject(origin.VpcOriginConfig).OriginReadTimeout)).toBeGreaterThan(25)
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

  test('a domain without a certificate, or a hosted zone without a domain, is refused before anything is created', () => {
    const parameters = (domain: string, certificate: string, zone = '') => ({ ...cluster.context.parameters, DomainName: domain, CertificateArn: certificate, HostedZoneId: zone })
    expect(failedRules(cluster.template, parameters('chat.example.com', ''))).toEqual(['DomainName needs CertificateArn (an ACM certificate in us-east-1 covering it)'])
    expect(failedRules(cluster.template, parameters('chat.example.com', 'arn:aws:acm:us-east-1:123456789012:certificate/x'))).toEqual([])
    expect(failedRules(cluster.template, parameters('', ''))).toEqual([])
    expect(failedRules(cluster.template, parameters('', '', 'Z0123456789ABC'))).toEqual(['HostedZoneId needs DomainName (the name to create in that zone)'])
  })

  test('with a hosted zone, the stack points the domain at the distribution (A and AAAA aliases)', () => {
    const records = Object.values(cluster.template.Resources).filter(r => r.Type === 'AWS::Route53::RecordSet')
    expect(records.map(r => r.Properties!.Type).sort()).toEqual(['A', 'AAAA'])
    for (const record of records) {
      expect(record.Condition).toBe('HasHostedZone')
      expect(record.Properties!.Name).toEqual({ Ref: 'DomainName' })
      expect(record.Properties!.HostedZoneId).toEqual({ Ref: 'HostedZoneId' })
      expect(record.Properties!.AliasTarget).toEqual({ DNSName: { 'Fn::GetAtt': ['Distribution', 'DomainName'] }, HostedZoneId: CLOUDFRONT_ZONE, EvaluateTargetHealth: false })
    }
    const holds = (domain: string, zone: string) => evaluateCondition(cluster.template, 'HasHostedZone', { ...cluster.context.parameters, DomainName: domain, HostedZoneId: zone })
    expect([holds('chat.example.com', 'Z0123456789ABC'), holds('chat.example.com', ''), holds('', '')]).toEqual([true, false, false])
  })
})

describe('adding a domain or changing the network later', () => {
  /** Parameters an operator may change after the first deployment. */
  const OPTIONS = ['DomainName', 'CertificateArn', 'HostedZoneId', 'NatGateways', 'InterfaceEndpoints', 'WebApplicationFirewall']

  /** Outputs with an export whose value depends on one of the option parameters, directly or through a condition. */
  function exportsThatMove(template: typeof cluster.template, options: string[]): string[] {
    const conditionUses = (name: string): string[] => JSON.stringify(template.Conditions?.[name] ?? null).match(/"(Ref|Condition)":"[^"]+"/g)?.map(m => m.split('":"')[1]!.replace('"', '')) ?? []
    const dependsOnOption = (name: string, seen = new Set<string>()): boolean => {
      if (seen.has(name)) return false
      seen.add(name)
      return conditionUses(name).some(used => options.includes(used) || (used in (template.Conditions ?? {}) && dependsOnOption(used, seen)))
    }
    const moves = (value: Json): boolean => {
      const fn = intrinsic(value)
      if (fn?.[0] === 'Ref' && options.includes(fn[1] as string)) return true
      if (fn?.[0] === 'Fn::If' && Array.isArray(fn[1]) && dependsOnOption(fn[1][0] as string)) return true
      if (fn?.[0] === 'Fn::Sub') return options.some(o => JSON.stringify(fn[1]).includes(`\${${o}}`)) || (Array.isArray(fn[1]) && moves(fn[1][1]!))
      if (Array.isArray(value)) return value.some(moves)
      if (isObject(value)) return Object.values(value).some(moves)
      return false
    }
    return Object.entries(template.Outputs ?? {}).filter(([, o]) => o.Export && moves(o.Value)).map(([name]) => name)
  }

  test('changes no export another stack imports: the service URL and the tasks\' network reach the later stacks as parameters', () => {
    expect(exportsThatMove(cluster.template, OPTIONS)).toEqual([])
    expect(cluster.template.Outputs!.ServiceUrl!.Export).toBeUndefined()
    const overrides = (file: string) => deployActions(loadTemplate('infra/pipeline.yml')).find(a => a.file === file)!.overrides
    expect(overrides('infra/resources.yml').ServiceUrl).toBe('#{ClusterStack.ServiceUrl}')
    const resources = stacks.find(s => s.file === 'infra/resources.yml')!
    const cors = asObject(resources.template.Resources.UploadBucket!.Properties!.CorsConfiguration).CorsRules as JsonObject[]
    expect(cors[0]!.AllowedOrigins).toEqual([{ Ref: 'ServiceUrl' }])
  })

  test('an export that moves with a parameter is caught', () => {
    const moving = { ...cluster.template, Outputs: { ...cluster.template.Outputs, Url: { Value: cluster.template.Outputs!.ServiceUrl!.Value, Export: { Name: 'x' } } } }
    expect(exportsThatMove(moving, OPTIONS)).toEqual(['Url'])
  })
})

describe('the web application firewall', () => {
  const acl = resourceOf('WebAcl')
  const rules = acl.Properties!.Rules as JsonObject[]
  const rule = (name: string) => rules.find(r => r.Name === name)!

  test('is on by default where CloudFront\'s web ACLs can exist (us-east-1), and guards the distribution', () => {
    expect(acl.Properties!.Scope).toBe('CLOUDFRONT')
    expect(cluster.template.Parameters!.WebApplicationFirewall!.Default).toBe('true')
    const holds = (value: string, region: string) => evaluateCondition(cluster.template, 'WithWebAcl', { ...cluster.context.parameters, 'WebApplicationFirewall': value, 'AWS::Region': region })
    expect([holds('true', 'us-east-1'), holds('true', 'eu-west-1'), holds('false', 'us-east-1')]).toEqual([true, false, false])
    expect(acl.Condition).toBe('WithWebAcl')
    expect(distribution.WebACLId).toEqual({ 'Fn::If': ['WithWebAcl', { 'Fn::GetAtt': ['WebAcl', 'Arn'] }, { Ref: 'AWS::NoValue' }] })
  })

  test('applies AWS\'s IP reputation list and common rule set, blocking', () => {
    const managed = (name: string) => asObject(asObject(rule(name).Statement).ManagedRuleGroupStatement)
    expect(managed('ip-reputation')).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' })
    expect(managed('common')).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' })
    for (const name of ['ip-reputation', 'common']) expect(rule(name).OverrideAction).toEqual({ None: {} })
    // Only the two body rules that chat messages trip (code, long text) merely count.
    expect((managed('common').RuleActionOverrides as JsonObject[]).map(o => [o.Name, o.ActionToUse])).toEqual([
      ['CrossSiteScripting_BODY', { Count: {} }],
      ['SizeRestrictions_BODY', { Count: {} }],
    ])
  })

  test('rate-limits each address on exactly the routes that sign in, sign up and make guests, which exist', () => {
    const rate = asObject(asObject(rule('sign-in-rate').Statement).RateBasedStatement)
    expect(rule('sign-in-rate').Action).toEqual({ Block: {} })
    expect(rate.AggregateKeyType).toBe('IP')
    expect(rate.Limit).toEqual({ Ref: 'SignInRequestsPer5Minutes' })
    const paths = (asObject(asObject(rate.ScopeDownStatement).OrStatement).Statements as JsonObject[])
      .map(s => asObject(s.ByteMatchStatement)).map(m => m.SearchString as string)
    expect(paths.sort()).toEqual(['/api/auth/guest', '/api/auth/login', '/api/auth/register'])
    for (const path of paths) expect(existsSync(join(ROOT, `server${path}.post.ts`)), path).toBe(true)
  })
})

describe('the load balancer behind it', () => {
  const group = cluster.template.Resources.LoadBalancerSecurityGroup!.Properties!
  const listener = cluster.template.Resources.HttpListener!.Properties!
  const rules = Object.values(service.template.Resources).filter(r => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')

  test('admits only CloudFront\'s origin-facing prefix list (its VPC origin), on port 80 alone', () => {
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
