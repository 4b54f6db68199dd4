import { describe, expect, test } from 'vitest'
import { METRICS, METRICS_DIMENSION, METRICS_NAMESPACE, type MetricName } from '../../server/core/metrics.ts'
import { evaluate, intrinsic, isObject, loadTemplate, readText, type DeployedStack, type Json, type JsonObject } from './cloudformation.ts'
import { deployActions, deployedStacks } from './stacks.ts'
import { asObject, resolveResource } from './resolve.ts'

// The alarms and dashboard of infra/monitoring.yml against what the other stacks deploy and what
// the app emits: every metric exists under the dimensions it is selected by, and each dimension
// value is the resource it should be.

const pipeline = loadTemplate('infra/pipeline.yml')
const stacks = deployedStacks(pipeline)
const stackOf = (file: string) => stacks.find(s => s.file === file)!
const monitoring = stackOf('infra/monitoring.yml')
const service = stackOf('infra/chat-service.yml')
const resources = stackOf('infra/resources.yml')
const alarms = Object.entries(monitoring.template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')

interface SelectedMetric { alarm: string, namespace: string, name: string, dimensions: { Name: string, Value: Json }[], statistic: string }

/** Every metric an alarm reads: its own (Namespace, MetricName…) or those of its metric math. */
function metricsOf(id: string, properties: JsonObject): SelectedMetric[] {
  if (properties.Metrics) {
    return (properties.Metrics as JsonObject[]).filter(m => m.MetricStat).map((m) => {
      const stat = asObject(m.MetricStat)
      const metric = asObject(stat.Metric)
      return { alarm: id, namespace: metric.Namespace as string, name: metric.MetricName as string, dimensions: metric.Dimensions as SelectedMetric['dimensions'], statistic: stat.Stat as string }
    })
  }
  return [{ alarm: id, namespace: properties.Namespace as string, name: properties.MetricName as string, dimensions: properties.Dimensions as SelectedMetric['dimensions'], statistic: (properties.ExtendedStatistic ?? properties.Statistic) as string }]
}
const selected = alarms.flatMap(([id, r]) => metricsOf(id, r.Properties!))

/** What a dimension value is once deployed: the resource it names, and how (attribute or Ref). */
interface Resolved { stack: DeployedStack, logicalId: string, type: string, via: string, suffix?: string }

/** Follows a pipeline variable #{Namespace.Output} to the output of the stack whose action has that namespace. */
function outputOfVariable(value: string): { stack: DeployedStack, value: Json } {
  const [, namespace, output] = value.match(/^#\{(\w+)\.(\w+)\}$/) ?? []
  if (!namespace) throw new Error(`${value} is not a pipeline variable`)
  const action = (pipeline.Resources.Pipeline!.Properties!.Stages as JsonObject[]).flatMap(s => s.Actions as JsonObject[]).find(a => a.Namespace === namespace)
  const deploy = deployActions(pipeline).find(d => d.name === action?.Name)
  if (!deploy) throw new Error(`no CloudFormation action has the namespace ${namespace}`)
  const stack = stackOf(deploy.file)
  const found = stack.template.Outputs?.[output!]
  if (!found) throw new Error(`${deploy.file} has no output ${output}`)
  return { stack, value: found.Value }
}

function resolveDimension(value: Json, stack: DeployedStack): Resolved {
  const fn = intrinsic(value)
  if (fn?.[0] === 'Fn::ImportValue') {
    const ref = resolveResource(value, stack, stacks)
    return { stack: ref.stack, logicalId: ref.logicalId, type: ref.resource.Type, via: 'Ref' }
  }
  if (fn?.[0] === 'Fn::Sub' && typeof fn[1] === 'string') {
    const [, parameter, suffix] = fn[1].match(/^\$\{(\w+)\}(.*)$/) ?? []
    if (!parameter) throw new Error(`cannot follow ${fn[1]}`)
    return { ...resolveDimension({ Ref: parameter }, stack), suffix }
  }
  if (fn?.[0] === 'Ref') {
    const name = fn[1] as string
    if (name === 'AWS::StackName') return { stack, logicalId: name, type: 'AWS::StackName', via: 'Ref' }
    if (stack.template.Resources[name]) return { stack, logicalId: name, type: stack.template.Resources[name].Type, via: 'Ref' }
    const passed = stack.context.parameters[name]
    if (passed === undefined) throw new Error(`${stack.file}: parameter ${name} has no value`)
    const output = outputOfVariable(passed)
    return resolveDimension(output.value, output.stack)
  }
  if (fn?.[0] === 'Fn::GetAtt') {
    const [logicalId, attribute] = fn[1] as [string, string]
    return { stack, logicalId, type: stack.template.Resources[logicalId]!.Type, via: attribute }
  }
  throw new Error(`cannot follow ${JSON.stringify(value)}`)
}

/** The dimension sets AWS publishes these metrics with (the services' CloudWatch metrics pages), and what each value must be. */
const AWS_DIMENSIONS: Record<string, { sets: string[][], values: Record<string, { type: string, via: string }> }> = {
  'AWS/ApplicationELB': {
    sets: [['LoadBalancer'], ['TargetGroup', 'LoadBalancer']],
    values: { LoadBalancer: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', via: 'LoadBalancerFullName' }, TargetGroup: { type: 'AWS::ElasticLoadBalancingV2::TargetGroup', via: 'TargetGroupFullName' } },
  },
  'AWS/ECS': {
    sets: [['ClusterName', 'ServiceName']],
    values: { ClusterName: { type: 'AWS::ECS::Cluster', via: 'Ref' }, ServiceName: { type: 'AWS::ECS::Service', via: 'Name' } },
  },
  'AWS/DynamoDB': {
    sets: [['TableName'], ['TableName', 'Operation']],
    values: { TableName: { type: 'AWS::DynamoDB::Table', via: 'Ref' } },
  },
  'AWS/ElastiCache': {
    sets: [['CacheClusterId']],
    values: { CacheClusterId: { type: 'AWS::ElastiCache::ReplicationGroup', via: 'Ref' } },
  },
}

describe('the alarms', () => {
  test('are at least ten, uniquely named, and tell the topic when they fire and when they recover', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(10)
    const names = alarms.map(([, r]) => evaluate(r.Properties!.AlarmName!, monitoring.context))
    expect(new Set(names).size).toBe(names.length)
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties!.AlarmActions, id).toEqual([{ Ref: 'AlarmTopic' }])
      expect(alarm.Properties!.OKActions, id).toEqual([{ Ref: 'AlarmTopic' }])
      expect(alarm.Properties!.TreatMissingData, id).toBeDefined()
    }
  })

  test('cover the golden signals the issue names', () => {
    const watched = new Set(selected.map(m => `${m.namespace} ${m.name}`))
    for (const metric of [
      'AWS/ApplicationELB HTTPCode_ELB_5XX_Count', 'AWS/ApplicationELB HTTPCode_Target_5XX_Count', 'AWS/ApplicationELB UnHealthyHostCount',
      'AWS/ApplicationELB TargetResponseTime', 'AWS/ECS CPUUtilization', 'AWS/ECS MemoryUtilization', 'AWS/DynamoDB WriteThrottleEvents',
      'AWS/DynamoDB ReadThrottleEvents', 'AWS/DynamoDB SystemErrors', 'AWS/ElastiCache EngineCPUUtilization',
      'AWS/ElastiCache DatabaseMemoryUsagePercentage', 'AWS/ElastiCache Evictions', 'FargateChat RelayLosses', 'FargateChat AckLatency',
    ]) expect(watched, metric).toContain(metric)
    const p99 = selected.filter(m => m.statistic === 'p99').map(m => `${m.namespace} ${m.name}`).sort()
    expect(p99).toEqual(['AWS/ApplicationELB TargetResponseTime', 'FargateChat AckLatency'])
  })

  test('read only metrics the app emits, with its one dimension set, and p99 only of its latencies', () => {
    const own = selected.filter(m => m.namespace === METRICS_NAMESPACE)
    expect(own.length).toBeGreaterThan(0)
    for (const metric of own) {
      expect(Object.keys(METRICS), metric.alarm).toContain(metric.name)
      expect(metric.dimensions.map(d => d.Name), metric.alarm).toEqual([METRICS_DIMENSION])
      if (metric.statistic.startsWith('p')) expect(METRICS[metric.name as MetricName].unit, metric.alarm).toBe('Milliseconds')
    }
  })

  test('select the Service the task definition gives the app (METRICS_SERVICE)', () => {
    const container = (Object.values(service.template.Resources).find(r => r.Type === 'AWS::ECS::TaskDefinition')!.Properties!.ContainerDefinitions as JsonObject[])[0]!
    const variable = (container.Environment as { Name: string, Value: Json }[]).find(e => e.Name === 'METRICS_SERVICE')!
    const task = resolveDimension(variable.Value, service)
    for (const metric of selected.filter(m => m.namespace === METRICS_NAMESPACE)) {
      const alarm = resolveDimension(metric.dimensions[0]!.Value, monitoring)
      expect([alarm.stack.file, alarm.logicalId], metric.alarm).toEqual([task.stack.file, task.logicalId])
    }
    expect(task).toMatchObject({ stack: { file: 'infra/chat-service.yml' }, logicalId: 'AWS::StackName' })
  })

  test('select AWS metrics by the dimension sets AWS publishes them with, each value the resource it names', () => {
    for (const metric of selected.filter(m => m.namespace !== METRICS_NAMESPACE)) {
      const known = AWS_DIMENSIONS[metric.namespace]
      expect(known, `${metric.alarm}: namespace ${metric.namespace}`).toBeDefined()
      const names = metric.dimensions.map(d => d.Name)
      expect(known!.sets, `${metric.alarm}: ${metric.name} by ${names.join(', ')}`).toContainEqual(names)
      for (const dimension of metric.dimensions) {
        const expected = known!.values[dimension.Name]
        if (!expected) continue
        const resolved = resolveDimension(dimension.Value, monitoring)
        expect([resolved.type, resolved.via], `${metric.alarm}: ${dimension.Name}`).toEqual([expected.type, expected.via])
      }
    }
  })

  test('watch every table for throttles, and DynamoDB\'s own errors only on operations the app sends', () => {
    const tables = Object.entries(resources.template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table').map(([id]) => id).sort()
    for (const metric of ['WriteThrottleEvents', 'ReadThrottleEvents']) {
      const watched = selected.filter(m => m.name === metric).map(m => resolveDimension(m.dimensions[0]!.Value, monitoring).logicalId).sort()
      expect(watched, metric).toEqual(tables)
    }
    const role = Object.values(resources.template.Resources).find(r => r.Type === 'AWS::IAM::Role')!
    const allowed = (role.Properties!.Policies as JsonObject[]).flatMap(p => asObject(p.PolicyDocument).Statement as JsonObject[]).flatMap(s => [s.Action].flat()) as string[]
    for (const metric of selected.filter(m => m.name === 'SystemErrors')) {
      const operation = metric.dimensions.find(d => d.Name === 'Operation')!.Value as string
      expect(allowed, operation).toContain(`dynamodb:${operation}`)
    }
  })

  test('name both Redis nodes the replication group has', () => {
    const redis = Object.values(resources.template.Resources).find(r => r.Type === 'AWS::ElastiCache::ReplicationGroup')!
    const nodes = Array.from({ length: Number(redis.Properties!.NumCacheClusters) }, (_, i) => `-00${i + 1}`)
    for (const name of ['EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'Evictions']) {
      const suffixes = selected.filter(m => m.name === name).map(m => resolveDimension(m.dimensions[0]!.Value, monitoring).suffix).sort()
      expect(suffixes, name).toEqual(nodes)
    }
  })

  test('keep metric math within an alarm\'s limits: at most 10 metrics, one result, only ids that exist', () => {
    for (const [id, alarm] of alarms.filter(([, r]) => r.Properties!.Metrics)) {
      const queries = alarm.Properties!.Metrics as JsonObject[]
      expect(queries.filter(q => q.MetricStat).length, id).toBeLessThanOrEqual(10)
      expect(queries.filter(q => q.ReturnData === true).length, id).toBe(1)
      const ids = new Set(queries.map(q => q.Id as string))
      for (const q of queries.filter(q => q.Expression)) {
        for (const used of String(q.Expression).match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? []) {
          if (!['IF', 'FILL', 'SUM', 'MAX'].includes(used.toUpperCase())) expect(ids, `${id}: ${used}`).toContain(used)
        }
      }
    }
  })

  test('a dimension that names the wrong resource, or a metric the app does not emit, is caught', () => {
    expect(() => resolveDimension({ Ref: 'NoSuchParameter' }, monitoring)).toThrow(/has no value/)
    expect(() => outputOfVariable('#{ServiceStack.NoSuchOutput}')).toThrow('infra/chat-service.yml has no output NoSuchOutput')
    expect(resolveDimension({ Ref: 'TargetGroupFullName' }, monitoring)).toMatchObject({ type: 'AWS::ElasticLoadBalancingV2::TargetGroup', via: 'TargetGroupFullName' })
    expect(Object.keys(METRICS)).not.toContain('RelayLoss')
  })
})

describe('the dashboard', () => {
  const dashboard = monitoring.template.Resources.Dashboard!
  const [body, variables] = asObject(dashboard.Properties!.DashboardBody)['Fn::Sub'] as [string, JsonObject]

  test('is valid JSON once its names are filled in, shows every alarm, and graphs only metrics the app emits', () => {
    const filled = body.replace(/\$\{([^}]+)\}/g, (_, name: string) => name in variables || !name.includes('.') ? 'x' : 'arn:x')
    const parsed = JSON.parse(filled) as { widgets: { type: string, properties: JsonObject }[] }
    const shown = [...body.matchAll(/\$\{(\w+)\.Arn\}/g)].map(m => m[1]!).sort()
    expect(shown).toEqual(alarms.map(([id]) => id).sort())
    const own = parsed.widgets.flatMap(w => (w.properties.metrics ?? []) as Json[][]).filter(row => row[0] === METRICS_NAMESPACE).map(row => row[1] as string)
    expect(own.length).toBeGreaterThan(0)
    for (const name of own) expect(Object.keys(METRICS)).toContain(name)
    // Every metric the app emits is on it.
    const named = new Set([...body.matchAll(/"(\w+)"/g)].map(m => m[1]!))
    for (const name of Object.keys(METRICS)) expect(named, name).toContain(name)
  })

  /**
   * A widget's metric rows as CloudWatch reads them: "." repeats the element at the same place in the
   * row before, a leading "..." repeats the whole row before (then only an options object may
   * follow); an expression row is an options object alone. Throws on a row CloudWatch would refuse.
   */
  function expandRows(rows: Json[][]): { namespace: string, name: string, dimensions: string[] }[] {
    const expanded: Json[][] = []
    for (const [i, row] of rows.entries()) {
      const options = isObject(row.at(-1)) ? 1 : 0
      const plain = row.slice(0, row.length - options)
      const previous = expanded.at(-1)
      if (plain[0] === '...') {
        if (plain.length !== 1 || !previous) throw new Error(`row ${i}: "..." must stand alone after a row`)
        expanded.push(previous)
        continue
      }
      if (plain.length === 0) { expanded.push([]); continue }
      expanded.push(plain.map((value, at) => {
        if (value !== '.') return value
        if (previous?.[at] === undefined) throw new Error(`row ${i}: "." at ${at} has nothing above it`)
        return previous[at]!
      }))
    }
    return expanded.filter(row => row.length).map((row, i) => {
      if (row.length < 2 || row.length % 2 !== 0 || row.some(v => typeof v !== 'string')) throw new Error(`row ${i}: not namespace, metric and dimension pairs: ${JSON.stringify(row)}`)
      const [namespace, name, ...rest] = row as string[]
      return { namespace: namespace!, name: name!, dimensions: rest.filter((_, at) => at % 2 === 0) }
    })
  }

  test('graphs every metric by a dimension set it exists under, in rows CloudWatch accepts', () => {
    const filled = body.replace(/\$\{([^}]+)\}/g, 'x')
    const widgets = (JSON.parse(filled) as { widgets: { properties: JsonObject }[] }).widgets
    const metrics = widgets.flatMap(w => expandRows((w.properties.metrics ?? []) as Json[][]))
    expect(metrics.length).toBeGreaterThan(15)
    for (const metric of metrics) {
      if (metric.namespace === METRICS_NAMESPACE) {
        expect(Object.keys(METRICS), metric.name).toContain(metric.name)
        expect(metric.dimensions, metric.name).toEqual([METRICS_DIMENSION])
      }
      else expect(AWS_DIMENSIONS[metric.namespace]?.sets, `${metric.namespace} ${metric.name}`).toContainEqual(metric.dimensions)
    }
    expect(() => expandRows([['...', 'x']])).toThrow('"..." must stand alone')
    expect(() => expandRows([['AWS/ECS', 'CPUUtilization', 'ClusterName']])).toThrow('not namespace, metric and dimension pairs')
  })

  test('names the service\'s log group for its log widget', () => {
    const logGroup = Object.values(service.template.Resources).find(r => r.Type === 'AWS::Logs::LogGroup')!
    expect(logGroup.Properties!.LogGroupName).toEqual({ 'Fn::Sub': '/ecs/${AWS::StackName}' })
    expect(body).toContain('SOURCE \'/ecs/${MetricsServiceName}\'')
  })
})

describe('the runbook', () => {
  const runbook = readText('docs/operations.md')
  const anchor = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-')
  const headings = new Set([...runbook.matchAll(/^#{2,4} (.+)$/gm)].map(m => anchor(m[1]!)))

  test('has an entry per alarm, where the alarm\'s description points', () => {
    for (const [id, alarm] of alarms) {
      const description = String(alarm.Properties!.AlarmDescription)
      const [, link] = description.match(/docs\/operations\.md#([a-z0-9-]+)/) ?? []
      expect(link, id).toBeDefined()
      expect(headings, `${id} → #${link}`).toContain(link)
      // The heading is the alarm's name after the stack prefix, so an e-mail leads straight to it.
      expect(evaluate(alarm.Properties!.AlarmName!, monitoring.context)).toBe(`fargate-chat-monitoring-${link}`)
    }
  })
})
