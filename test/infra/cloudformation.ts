/**
 * Small, dependency-light checkers for the CloudFormation templates under infra/.
 * Each returns a list of problems (empty = fine), so the tests can feed them both the real
 * templates and deliberately broken ones.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseDocument, type ScalarTag, type CollectionTag, type YAMLMap, type YAMLSeq } from 'yaml'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

export interface Template {
  AWSTemplateFormatVersion?: string
  Description?: string
  Parameters?: Record<string, { Type: string, Default?: Json, [key: string]: Json | undefined }>
  Conditions?: Record<string, Json>
  Mappings?: Record<string, Json>
  Resources: Record<string, { Type: string, Properties?: JsonObject, Metadata?: Json, Condition?: string, DependsOn?: string | string[], [key: string]: Json | undefined }>
  Outputs?: Record<string, { Value: Json, Condition?: string, Export?: { Name: Json }, Description?: string }>
  Rules?: Record<string, { RuleCondition?: Json, Assertions: { Assert: Json, AssertDescription?: string }[] }>
}

// ---------------------------------------------------------------- parsing

/** Short-form intrinsic functions: the YAML tag and the long-form key it stands for. */
const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  ...Object.fromEntries(['Sub', 'GetAtt', 'ImportValue', 'If', 'Equals', 'Not', 'Select', 'GetAZs', 'Join', 'Split', 'FindInMap', 'And', 'Or', 'Base64', 'Cidr', 'GetParam', 'Contains']
    .map(name => [name, `Fn::${name}`])),
}

const customTags: (ScalarTag | CollectionTag)[] = Object.entries(INTRINSICS).flatMap(([name, key]) => [
  {
    tag: `!${name}`,
    resolve: (value: string) => ({ [key]: name === 'GetAtt' ? splitGetAtt(value) : value }),
  } as ScalarTag,
  { tag: `!${name}`, collection: 'seq', resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() }) } as CollectionTag,
  { tag: `!${name}`, collection: 'map', resolve: (map: YAMLMap) => ({ [key]: map.toJSON() }) } as CollectionTag,
])

function splitGetAtt(value: string): [string, string] {
  const dot = value.indexOf('.')
  return [value.slice(0, dot), value.slice(dot + 1)]
}

/** Parses CloudFormation YAML (short-form tags become their long form); throws on any YAML error. */
export function parseTemplate(text: string): Template {
  const document = parseDocument(text, { customTags, strict: true, uniqueKeys: true, prettyErrors: true })
  // Unknown tags (a misspelt !Reff) are only warnings to the yaml package: count them as errors.
  const [problem] = [...document.errors, ...document.warnings]
  if (problem) throw problem
  const template = document.toJS() as Template
  if (!template || typeof template !== 'object' || !template.Resources) throw new Error('not a CloudFormation template: no Resources')
  return template
}

export function readText(path: string): string {
  return readFileSync(`${ROOT}${path}`, 'utf8')
}

export function loadTemplate(path: string): Template {
  return parseTemplate(readText(path))
}

// ---------------------------------------------------------------- walking

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The intrinsic function a value is, if it is one: a one-key object with Ref/Condition/Fn::*. */
export function intrinsic(value: unknown): [string, Json] | undefined {
  if (!isObject(value)) return undefined
  const keys = Object.keys(value)
  if (keys.length !== 1) return undefined
  const key = keys[0]!
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? [key, value[key]!] : undefined
}

/** Every node under `value`, with its path, depth first. */
function* walk(value: Json | undefined, path = ''): Generator<[Json, string]> {
  if (value === undefined) return
  yield [value, path]
  if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* walk(item, `${path}[${i}]`)
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) yield* walk(item, `${path}.${key}`)
}

/** Names referenced by a Sub string: `${Name}` and `${Resource.Attribute}`, without `${!Literal}`. */
function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map(m => m[1]!.trim())
}

export const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']

// ---------------------------------------------------------------- references

/**
 * Every Ref, GetAtt, Sub variable, DependsOn and Condition in the template points at something that
 * exists: a parameter, a resource, a pseudo parameter, a Sub variable of its own map, a condition.
 */
export function checkReferences(template: Template): string[] {
  const problems: string[] = []
  const parameters = new Set(Object.keys(template.Parameters ?? {}))
  const resources = new Set(Object.keys(template.Resources ?? {}))
  const conditions = new Set(Object.keys(template.Conditions ?? {}))
  const mappings = template.Mappings ?? {}
  const refable = (name: string) => parameters.has(name) || resources.has(name) || PSEUDO_PARAMETERS.includes(name)

  const checkCondition = (name: Json, where: string) => {
    if (typeof name !== 'string' || !conditions.has(name)) problems.push(`${where}: condition ${JSON.stringify(name)} is not defined`)
  }

  const visit = (root: Json | undefined, where: string, inConditions = false) => {
    for (const [node, path] of walk(root, where)) {
      const fn = intrinsic(node)
      if (!fn) continue
      const [key, arg] = fn
      const at = `${path}`
      if (key === 'Ref') {
        if (typeof arg !== 'string' || !refable(arg)) problems.push(`${at}: Ref ${JSON.stringify(arg)} is not a parameter, resource or pseudo parameter`)
        else if (inConditions && resources.has(arg)) problems.push(`${at}: conditions may not Ref a resource (${arg})`)
      }
      else if (key === 'Fn::GetAtt') {
        const [resource] = Array.isArray(arg) ? arg : typeof arg === 'string' ? splitGetAtt(arg) : []
        if (typeof resource !== 'string' || !resources.has(resource)) problems.push(`${at}: GetAtt on unknown resource ${JSON.stringify(resource)}`)
      }
      else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}]
        if (typeof text !== 'string') { problems.push(`${at}: Sub needs a string`); continue }
        const own = new Set(Object.keys(isObject(vars) ? vars : {}))
        for (const name of subVariables(text)) {
          if (own.has(name)) continue
          const dot = name.indexOf('.')
          if (dot > 0 && !name.startsWith('AWS::')) {
            if (!resources.has(name.slice(0, dot))) problems.push(`${at}: \${${name}} names no resource`)
          }
          else if (!refable(name)) problems.push(`${at}: \${${name}} is not a parameter, resource, pseudo parameter or Sub variable`)
        }
      }
      else if (key === 'Fn::If') {
        if (!Array.isArray(arg) || arg.length !== 3) problems.push(`${at}: If needs [condition, then, else]`)
        else checkCondition(arg[0]!, at)
      }
      else if (key === 'Condition') {
        // `Condition: Name` as a function only inside Conditions (And/Or/Not operands).
        if (inConditions) checkCondition(arg, at)
      }
      else if (key === 'Fn::FindInMap') {
        const [map] = Array.isArray(arg) ? arg : []
        if (typeof map === 'string' && !(map in mappings)) problems.push(`${at}: FindInMap on unknown mapping ${map}`)
      }
    }
  }

  visit(template.Conditions as Json, 'Conditions', true)
  for (const [name, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Condition !== undefined) checkCondition(resource.Condition, `Resources.${name}.Condition`)
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!resources.has(dependency)) problems.push(`Resources.${name}.DependsOn: ${dependency} is not a resource`)
    }
    visit(resource.Properties, `Resources.${name}.Properties`)
    visit(resource.Metadata, `Resources.${name}.Metadata`)
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined) checkCondition(output.Condition, `Outputs.${name}.Condition`)
    visit(output as unknown as Json, `Outputs.${name}`)
  }
  return problems
}

/**
 * A Ref or GetAtt to a resource that has a Condition comes from a resource or output with the same
 * condition, or from the matching branch of an Fn::If (the else branch of X counts for a condition
 * defined as Not [Condition X]); otherwise the stack fails whenever the condition is false.
 */
export function checkConditionalReferences(template: Template): string[] {
  const problems: string[] = []
  const conditionOf = (name: string) => template.Resources[name]?.Condition
  const negationOf = (name: string): string | undefined => {
    const fn = intrinsic(template.Conditions?.[name])
    const inner = fn?.[0] === 'Fn::Not' && Array.isArray(fn[1]) ? intrinsic(fn[1][0]) : undefined
    return inner?.[0] === 'Condition' ? inner[1] as string : undefined
  }
  const visit = (value: Json | undefined, path: string, holding: Set<string>, falsified: Set<string>) => {
    if (value === undefined) return
    const fn = intrinsic(value)
    const target = fn?.[0] === 'Ref'
      ? fn[1] as string
      : fn?.[0] === 'Fn::GetAtt'
        ? (Array.isArray(fn[1]) ? fn[1][0] as string : splitGetAtt(String(fn[1]))[0])
        : undefined
    const required = target ? conditionOf(target) : undefined
    if (required) {
      const negated = negationOf(required)
      if (!holding.has(required) && !(negated && falsified.has(negated))) problems.push(`${path}: refers to ${target}, which exists only if ${required}`)
    }
    if (fn?.[0] === 'Fn::Sub') {
      const text = Array.isArray(fn[1]) ? fn[1][0] as string : fn[1] as string
      for (const name of subVariables(text)) visit({ Ref: name.split('.')[0]! }, path, holding, falsified)
    }
    if (fn?.[0] === 'Fn::If' && Array.isArray(fn[1]) && fn[1].length === 3) {
      const condition = fn[1][0] as string
      visit(fn[1][1], `${path}[then]`, new Set([...holding, condition]), falsified)
      visit(fn[1][2], `${path}[else]`, holding, new Set([...falsified, condition]))
      return
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}[${i}]`, holding, falsified))
    else if (isObject(value)) for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`, holding, falsified)
  }
  for (const [name, resource] of Object.entries(template.Resources)) {
    const holding = new Set(resource.Condition ? [resource.Condition] : [])
    visit(resource.Properties, `Resources.${name}.Properties`, holding, new Set())
    visit(resource.Metadata, `Resources.${name}.Metadata`, holding, new Set())
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      const required = conditionOf(dependency)
      if (required && required !== resource.Condition) problems.push(`Resources.${name}.DependsOn: ${dependency} exists only if ${required}`)
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    visit(output.Value, `Outputs.${name}.Value`, new Set(output.Condition ? [output.Condition] : []), new Set())
  }
  return problems
}

/** Evaluates a named condition for given parameter values (Equals, Not, And, Or, Condition, Ref to parameters). */
export function evaluateCondition(template: Template, name: string, parameters: Record<string, string>): boolean {
  const value = (expression: Json): Json => {
    const fn = intrinsic(expression)
    if (!fn) return expression
    const [key, arg] = fn
    const args = Array.isArray(arg) ? arg : [arg]
    if (key === 'Ref') {
      if (!(String(arg) in parameters)) throw new Error(`no value for parameter ${String(arg)}`)
      return parameters[String(arg)]!
    }
    if (key === 'Condition') return evaluateCondition(template, String(arg), parameters)
    if (key === 'Fn::Equals') return String(value(args[0]!)) === String(value(args[1]!))
    if (key === 'Fn::Not') return !value(args[0]!)
    if (key === 'Fn::And') return args.every(a => value(a) === true)
    if (key === 'Fn::Or') return args.some(a => value(a) === true)
    throw new Error(`cannot evaluate ${key} in a condition`)
  }
  const expression = template.Conditions?.[name]
  if (expression === undefined) throw new Error(`no condition ${name}`)
  return value(expression) === true
}

/**
 * The template's Rules for given parameter values, as CloudFormation checks them before creating
 * anything: the description of every assertion that fails where its rule's condition holds.
 */
export function failedRules(template: Template, parameters: Record<string, string>): string[] {
  const value = (expression: Json): Json => {
    const fn = intrinsic(expression)
    if (!fn) return Array.isArray(expression) ? expression.map(value) : expression
    const [key, arg] = fn
    const args = Array.isArray(arg) ? arg : [arg]
    if (key === 'Ref') {
      if (!(String(arg) in parameters)) throw new Error(`no value for parameter ${String(arg)}`)
      return parameters[String(arg)]!
    }
    if (key === 'Fn::Equals') return String(value(args[0]!)) === String(value(args[1]!))
    if (key === 'Fn::Not') return !value(args[0]!)
    if (key === 'Fn::And') return args.every(a => value(a) === true)
    if (key === 'Fn::Or') return args.some(a => value(a) === true)
    if (key === 'Fn::Contains') return (value(args[0]!) as Json[]).map(String).includes(String(value(args[1]!)))
    throw new Error(`cannot evaluate ${key} in a rule`)
  }
  return Object.values(template.Rules ?? {})
    .filter(rule => rule.RuleCondition === undefined || value(rule.RuleCondition) === true)
    .flatMap(rule => rule.Assertions.filter(a => value(a.Assert) !== true).map(a => a.AssertDescription ?? 'assertion failed'))
}

// ---------------------------------------------------------------- evaluating names

export interface StackContext {
  stackName: string
  region: string
  accountId: string
  /** Parameter values: defaults merged with what the pipeline passes. */
  parameters: Record<string, string>
}

/** Evaluates a name-like expression (string, Ref, Sub, Join) to a string; throws if it cannot. */
export function evaluate(value: Json, context: StackContext, resolveRef?: (name: string) => string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value)
  const fn = intrinsic(value)
  const pseudo: Record<string, string> = {
    'AWS::StackName': context.stackName,
    'AWS::Region': context.region,
    'AWS::AccountId': context.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  }
  const ref = (name: string): string => {
    if (name in pseudo) return pseudo[name]!
    if (name in context.parameters) return context.parameters[name]!
    if (resolveRef) return resolveRef(name)
    throw new Error(`cannot evaluate Ref ${name}`)
  }
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string') return ref(fn[1])
  if (fn?.[0] === 'Fn::Sub') {
    const [text, vars] = Array.isArray(fn[1]) ? [fn[1][0] as string, fn[1][1] as JsonObject] : [fn[1] as string, {}]
    return text.replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => name in vars ? evaluate(vars[name]!, context, resolveRef) : ref(name))
  }
  if (fn?.[0] === 'Fn::Join' && Array.isArray(fn[1])) {
    const [separator, parts] = fn[1] as [string, Json[]]
    return parts.map(p => evaluate(p, context, resolveRef)).join(separator)
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`)
}

/** Default values of a template's parameters, as strings. */
export function parameterDefaults(template: Template): Record<string, string> {
  return Object.fromEntries(Object.entries(template.Parameters ?? {})
    .filter(([, p]) => p.Default !== undefined)
    .map(([name, p]) => [name, String(p.Default)]))
}

export interface ExportInfo { stack: string, output: string, conditional: boolean, value: Json }

/** Export name → where it comes from, for one deployed stack. */
export function exportsOf(template: Template, context: StackContext): Map<string, ExportInfo> {
  const result = new Map<string, ExportInfo>()
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (!output.Export) continue
    result.set(evaluate(output.Export.Name, context), { stack: context.stackName, output: name, conditional: output.Condition !== undefined, value: output.Value })
  }
  return result
}

/** Every ImportValue in a template, with the name it evaluates to in this context. */
function importsOf(template: Template, context: StackContext): { name: string, path: string, condition?: string }[] {
  const result: { name: string, path: string, condition?: string }[] = []
  for (const [node, path] of walk(template.Resources as unknown as Json, 'Resources')) {
    const fn = intrinsic(node)
    const condition = template.Resources[path.split('.')[1]!]?.Condition
    if (fn?.[0] === 'Fn::ImportValue') result.push({ name: evaluate(fn[1], context), path, condition })
  }
  for (const [node, path] of walk(template.Outputs as unknown as Json, 'Outputs')) {
    const fn = intrinsic(node)
    if (fn?.[0] === 'Fn::ImportValue') result.push({ name: evaluate(fn[1], context), path })
  }
  return result
}

export interface DeployedStack { file: string, template: Template, context: StackContext, stage: number }

/**
 * Each import names an export of a stack deployed in an earlier pipeline stage (a stack in the
 * same stage runs in parallel and may not exist yet), and not one that exists only under a condition.
 */
export function checkImports(stacks: DeployedStack[]): string[] {
  const problems: string[] = []
  const all = new Map<string, ExportInfo & { stage: number }>()
  for (const stack of stacks) {
    for (const [name, info] of exportsOf(stack.template, stack.context)) {
      if (all.has(name)) problems.push(`export ${name} is defined twice`)
      all.set(name, { ...info, stage: stack.stage })
    }
  }
  for (const stack of stacks) {
    for (const { name, path, condition } of importsOf(stack.template, stack.context)) {
      const source = all.get(name)
      if (!source) problems.push(`${stack.file} ${path}: ImportValue ${name} matches no export`)
      else if (source.stage >= stack.stage) problems.push(`${stack.file} ${path}: ImportValue ${name} comes from ${source.stack}, which is not deployed before it`)
      else if (source.conditional && !condition) problems.push(`${stack.file} ${path}: ImportValue ${name} is exported only under a condition, but imported unconditionally`)
    }
  }
  return problems
}

// ---------------------------------------------------------------- resource specification

interface SpecType { type: string, element?: SpecType, reference?: { $ref: string }, types?: SpecType[] }
interface SpecProperty { required?: boolean, type: SpecType, previousTypes?: SpecType[] }
interface SpecResource { cloudFormationType: string, properties: Record<string, SpecProperty>, attributes: Record<string, unknown> }
interface SpecTypeDefinition { name: string, properties: Record<string, SpecProperty> }
export interface SpecDatabase {
  lookup: (entity: 'resource', index: 'cloudFormationType', op: 'equals', value: string) => SpecResource[]
  get: (entity: 'typeDefinition', id: string) => SpecTypeDefinition
}

let spec: SpecDatabase | undefined

/** The CloudFormation resource specification of AWS CDK's maintained service spec (`@aws-cdk/aws-service-spec`). */
export function loadSpec(): SpecDatabase {
  if (!spec) {
    const require = createRequire(import.meta.url)
    const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec') as { loadAwsServiceSpecSync: () => SpecDatabase }
    spec = loadAwsServiceSpecSync()
  }
  return spec
}

function specResource(db: SpecDatabase, type: string): SpecResource | undefined {
  return db.lookup('resource', 'cloudFormationType', 'equals', type)[0]
}

/**
 * Resource types exist; every property name (at the top and inside nested property types) is one
 * the type has; required properties are present; GetAtt names an attribute the type has.
 */
export function checkAgainstSpec(template: Template, db: SpecDatabase): string[] {
  const problems: string[] = []

  const checkProperties = (value: Json, properties: Record<string, SpecProperty>, where: string) => {
    const branches = alternatives(value)
    for (const branch of branches) {
      if (!isObject(branch)) continue
      for (const key of Object.keys(branch)) {
        if (!(key in properties)) problems.push(`${where}: unknown property ${key}`)
      }
      for (const [key, property] of Object.entries(properties)) {
        if (property.required && !(key in branch)) problems.push(`${where}: required property ${key} is missing`)
        if (key in branch) checkValue(branch[key]!, property.type, `${where}.${key}`)
      }
    }
  }

  const checkValue = (value: Json, type: SpecType, where: string) => {
    for (const branch of alternatives(value)) {
      if (intrinsic(branch)) continue
      if (type.type === 'array' && type.element && Array.isArray(branch)) {
        branch.forEach((item, i) => checkValue(item, type.element!, `${where}[${i}]`))
      }
      else if (type.type === 'ref' && type.reference) {
        checkProperties(branch, db.get('typeDefinition', type.reference.$ref).properties, where)
      }
      else if (type.type === 'union' && type.types && isObject(branch)) {
        // Accept the value if one of the object types of the union accepts it.
        const candidates = type.types.filter(t => t.type === 'ref' && t.reference)
        if (!candidates.length) continue
        const results = candidates.map((candidate) => {
          const before = problems.length
          checkValue(branch, candidate, where)
          return problems.splice(before)
        })
        if (results.every(r => r.length)) problems.push(...results[0]!)
      }
    }
  }

  for (const [name, resource] of Object.entries(template.Resources ?? {})) {
    const definition = specResource(db, resource.Type)
    if (!definition) { problems.push(`Resources.${name}: unknown resource type ${resource.Type}`); continue }
    checkProperties(resource.Properties ?? {}, definition.properties, `Resources.${name}.Properties`)
  }

  // GetAtt (function or Sub variable) names an attribute of the resource's type.
  const attributeOk = (resource: string, attribute: string) => {
    const type = template.Resources[resource]?.Type
    const definition = type ? specResource(db, type) : undefined
    return !definition || attribute in definition.attributes
  }
  const everything = [...walk(template.Resources as unknown as Json, 'Resources'), ...walk((template.Outputs ?? {}) as unknown as Json, 'Outputs')]
  for (const [node, path] of everything) {
    const fn = intrinsic(node)
    if (fn?.[0] === 'Fn::GetAtt') {
      const [resource, attribute] = (Array.isArray(fn[1]) ? fn[1] : splitGetAtt(String(fn[1]))) as [string, string]
      if (!attributeOk(resource, attribute)) problems.push(`${path}: ${template.Resources[resource]?.Type} has no attribute ${attribute}`)
    }
    if (fn?.[0] === 'Fn::Sub') {
      const [text, vars] = Array.isArray(fn[1]) ? [fn[1][0] as string, fn[1][1] as JsonObject] : [fn[1] as string, {}]
      for (const name of subVariables(text)) {
        const dot = name.indexOf('.')
        if (dot < 0 || name in vars || name.startsWith('AWS::')) continue
        const [resource, attribute] = [name.slice(0, dot), name.slice(dot + 1)]
        if (!attributeOk(resource, attribute)) problems.push(`${path}: ${template.Resources[resource]?.Type} has no attribute ${attribute}`)
      }
    }
  }
  return problems
}

/** The values a property may take: both branches of an Fn::If, otherwise the value itself. */
function alternatives(value: Json): Json[] {
  const fn = intrinsic(value)
  if (fn?.[0] === 'Fn::If' && Array.isArray(fn[1]) && fn[1].length === 3) {
    return [...alternatives(fn[1][1]!), ...alternatives(fn[1][2]!)].filter(v => !(isObject(v) && v.Ref === 'AWS::NoValue'))
  }
  return [value]
}
