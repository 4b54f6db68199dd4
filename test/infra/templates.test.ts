import { describe, expect, test } from 'vitest'
import {
  checkAgainstSpec, checkConditionalReferences, checkImports, checkReferences, loadSpec, parseTemplate, readText,
  type DeployedStack,
} from './cloudformation.ts'
import { deployedStacks, TEMPLATE_FILES } from './stacks.ts'

/** A minimal template around some resources, for the checks' own failure cases. */
function template(resources: string, extra = ''): string {
  return `AWSTemplateFormatVersion: '2010-09-09'\n${extra}\nResources:\n${resources}`
}

describe('every template', () => {
  test.each(TEMPLATE_FILES)('%s parses as CloudFormation YAML with short-form tags', (file) => {
    const parsed = parseTemplate(readText(file))
    expect(parsed.AWSTemplateFormatVersion).toBe('2010-09-09')
    expect(Object.keys(parsed.Resources).length).toBeGreaterThan(0)
  })

  test.each(TEMPLATE_FILES)('%s references only parameters, resources, pseudo parameters and conditions that exist', (file) => {
    expect(checkReferences(parseTemplate(readText(file)))).toEqual([])
  })

  test.each(TEMPLATE_FILES)('%s refers to a conditional resource only where its condition holds', (file) => {
    expect(checkConditionalReferences(parseTemplate(readText(file)))).toEqual([])
  })

  test.each(TEMPLATE_FILES)('%s uses resource types, properties and attributes of the CloudFormation specification', (file) => {
    expect(checkAgainstSpec(parseTemplate(readText(file)), loadSpec())).toEqual([])
  })

  test('every ImportValue matches an export of a stack the pipeline deploys earlier', () => {
    expect(checkImports(deployedStacks())).toEqual([])
  })
})

describe('the template parser', () => {
  test('turns every short-form tag into its long form', () => {
    const parsed = parseTemplate(template(`  A:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub '\${AWS::StackName}-x'
      DisplayName: !Join ['', [!Ref AWS::Region, !Select [0, !GetAZs ''], !ImportValue { 'Fn::Sub': 'x-\${AWS::StackName}' }]]
      KmsMasterKeyId: !If [C, !GetAtt B.Arn, !Ref AWS::NoValue]
      Tags: [{ Key: k, Value: !Base64 { 'Fn::FindInMap': [M, a, b] } }, { Key: c, Value: !Select [0, !Split [',', !Select [0, !Cidr ['10.0.0.0/16', 2, 8]]]] }]
`, `Conditions:
  C: !And [!Equals [a, b], !Not [!Or [!Condition D, !Equals [1, 1]]]]
  D: !Equals [x, y]`))
    expect(parsed.Resources.A!.Properties!.TopicName).toEqual({ 'Fn::Sub': '${AWS::StackName}-x' })
    expect(parsed.Resources.A!.Properties!.KmsMasterKeyId).toEqual({ 'Fn::If': ['C', { 'Fn::GetAtt': ['B', 'Arn'] }, { Ref: 'AWS::NoValue' }] })
    expect(parsed.Conditions!.C).toEqual({ 'Fn::And': [{ 'Fn::Equals': ['a', 'b'] }, { 'Fn::Not': [{ 'Fn::Or': [{ Condition: 'D' }, { 'Fn::Equals': [1, 1] }] }] }] })
    expect(JSON.stringify(parsed)).toContain('{"Fn::Base64":{"Fn::FindInMap":["M","a","b"]}}')
  })

  test('rejects broken YAML and unknown tags', () => {
    expect(() => parseTemplate(template('  A:\n    Type: [unclosed\n'))).toThrow()
    expect(() => parseTemplate(template('  A:\n    Type: AWS::SNS::Topic\n    Properties: { TopicName: !Reff x }\n'))).toThrow()
    expect(() => parseTemplate('Description: no resources\n')).toThrow(/no Resources/)
  })
})

describe('the reference check', () => {
  test('finds a Ref, GetAtt, Sub variable, DependsOn and condition that point at nothing', () => {
    const problems = checkReferences(parseTemplate(template(`  A:
    Type: AWS::SNS::Topic
    Condition: Missing
    DependsOn: Ghost
    Properties:
      TopicName: !Ref Nothing
      DisplayName: !Sub '\${Unknown}-\${Phantom.Arn}-\${AWS::Region}-\${Own}-\${!Literal}'
      KmsMasterKeyId: !GetAtt Nobody.Arn
      Tags: [{ Key: a, Value: !If [AlsoMissing, a, b] }, { Key: b, Value: !Sub ['\${Own}', { Own: x }] }]
`)))
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('condition "Missing" is not defined'),
      expect.stringContaining('Ghost is not a resource'),
      expect.stringContaining('Ref "Nothing"'),
      expect.stringContaining('${Unknown}'),
      expect.stringContaining('${Phantom.Arn} names no resource'),
      expect.stringContaining('${Own}'),
      expect.stringContaining('GetAtt on unknown resource "Nobody"'),
      expect.stringContaining('condition "AlsoMissing"'),
    ]))
    // ${AWS::Region}, ${!Literal} and the Sub's own variable map resolve.
    expect(problems).toHaveLength(8)
  })
})

describe('the conditional reference check', () => {
  test('finds references to a conditional resource from where it may not exist', () => {
    const problems = checkConditionalReferences(parseTemplate(template(`  Maybe:
    Type: AWS::SNS::Topic
    Condition: C
  Other:
    Type: AWS::SNS::Topic
    Condition: NotC
  Always:
    Type: AWS::SNS::Topic
    DependsOn: Maybe
    Properties:
      TopicName: !Ref Maybe
      DisplayName: !If [C, !GetAtt Maybe.TopicName, !Ref Other]
      KmsMasterKeyId: !If [C, !Ref Other, !Sub '\${Maybe.TopicName}']
  Same:
    Type: AWS::SNS::Topic
    Condition: C
    Properties: { TopicName: !Ref Maybe }
`, `Conditions:
  C: !Equals [a, b]
  NotC: !Not [!Condition C]`)))
    expect(problems).toEqual([
      'Resources.Always.Properties.TopicName: refers to Maybe, which exists only if C',
      'Resources.Always.Properties.KmsMasterKeyId[then]: refers to Other, which exists only if NotC',
      'Resources.Always.Properties.KmsMasterKeyId[else]: refers to Maybe, which exists only if C',
      'Resources.Always.DependsOn: Maybe exists only if C',
    ])
  })
})

describe('the specification check', () => {
  const db = loadSpec()

  test('finds an unknown type, unknown and missing properties, nested ones, and unknown attributes', () => {
    const problems = checkAgainstSpec(parseTemplate(template(`  Cluster:
    Type: AWS::ECS::Clutser
  Group:
    Type: AWS::ElastiCache::SubnetGroup
    Properties:
      Description: x
      SubnetIDs: [a]
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: x
          PortMapping: [{ ContainerPort: 3000 }]
          StopTimeout: 60
  Target:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      HealthCheckPath: !If [C, /a, /b]
      TargetGroupAttributes: !If [C, [{ Key: a, Value: b }], [{ Kee: a }]]
      Name: !Sub '\${Task.NoSuchAttribute}'
      VpcId: !GetAtt Target.FullName
`)), db)
    expect(problems).toEqual([
      'Resources.Cluster: unknown resource type AWS::ECS::Clutser',
      'Resources.Group.Properties: unknown property SubnetIDs',
      'Resources.Group.Properties: required property SubnetIds is missing',
      'Resources.Task.Properties.ContainerDefinitions[0]: unknown property PortMapping',
      'Resources.Target.Properties.TargetGroupAttributes[0]: unknown property Kee',
      'Resources.Target.Properties.Name: AWS::ECS::TaskDefinition has no attribute NoSuchAttribute',
      'Resources.Target.Properties.VpcId: AWS::ElasticLoadBalancingV2::TargetGroup has no attribute FullName',
    ])
  })
})

describe('the import check', () => {
  const stack = (file: string, text: string, stage: number, stackName: string, parameters: Record<string, string> = {}): DeployedStack =>
    ({ file, template: parseTemplate(text), stage, context: { stackName, region: 'us-east-1', accountId: '123456789012', parameters } })

  test('finds imports of missing, later, parallel and conditional exports', () => {
    const producer = stack('a.yml', template('  T: { Type: AWS::SNS::Topic }', `Conditions: { C: !Equals [a, b] }`) + `
Outputs:
  One: { Value: x, Export: { Name: !Sub '\${AWS::StackName}-One' } }
  Maybe: { Condition: C, Value: x, Export: { Name: !Sub '\${AWS::StackName}-Maybe' } }
`, 1, 'app-a')
    const consumer = (stage: number, name: string) => stack('b.yml', template(`  T:
    Type: AWS::SNS::Topic
    Properties: { TopicName: !ImportValue { 'Fn::Sub': '\${Source}-${name}' } }`, 'Parameters: { Source: { Type: String } }'), stage, 'app-b', { Source: 'app-a' })
    expect(checkImports([producer, consumer(2, 'One')])).toEqual([])
    expect(checkImports([producer, consumer(2, 'Two')])).toEqual([expect.stringContaining('ImportValue app-a-Two matches no export')])
    expect(checkImports([producer, consumer(1, 'One')])).toEqual([expect.stringContaining('not deployed before it')])
    expect(checkImports([producer, consumer(2, 'Maybe')])).toEqual([expect.stringContaining('only under a condition, but imported unconditionally')])
    const guarded = stack('b.yml', template(`  T:
    Type: AWS::SNS::Topic
    Condition: Https
    Properties: { TopicName: !ImportValue app-a-Maybe }`, 'Conditions: { Https: !Equals [a, a] }'), 2, 'app-b')
    expect(checkImports([producer, guarded])).toEqual([])
  })
})
