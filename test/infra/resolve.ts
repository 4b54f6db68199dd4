/**
 * Follows values across the deployed stacks: an ImportValue to the exporting stack's output, a Ref
 * to the resource it names. Used to check the task's environment against the app and the tables
 * the environment names against server/storage/tables.ts.
 */
import { evaluate, exportsOf, intrinsic, isObject, PSEUDO_PARAMETERS, type DeployedStack, type Json, type JsonObject } from './cloudformation.ts'

export interface ResourceRef { stack: DeployedStack, logicalId: string, resource: DeployedStack['template']['Resources'][string] }

function findExport(name: string, stacks: DeployedStack[]): { stack: DeployedStack, value: Json } {
  for (const stack of stacks) {
    const found = exportsOf(stack.template, stack.context).get(name)
    if (found) return { stack, value: found.value }
  }
  throw new Error(`no export named ${name}`)
}

/** The resource a value points at (through ImportValue, Ref, GetAtt), or an error. */
export function resolveResource(value: Json, stack: DeployedStack, stacks: DeployedStack[]): ResourceRef {
  const fn = intrinsic(value)
  if (fn?.[0] === 'Fn::ImportValue') {
    const { stack: producer, value: exported } = findExport(evaluate(fn[1], stack.context), stacks)
    return resolveResource(exported, producer, stacks)
  }
  const logicalId = fn?.[0] === 'Ref' ? fn[1] as string : fn?.[0] === 'Fn::GetAtt' ? (fn[1] as string[])[0]! : undefined
  const resource = logicalId ? stack.template.Resources[logicalId] : undefined
  if (!logicalId || !resource) throw new Error(`${JSON.stringify(value)} in ${stack.file} names no resource`)
  return { stack, logicalId, resource }
}

/**
 * A plausible deployed value for an expression: literals and parameters as they are, a Ref to a named
 * resource as its name property, imports followed, anything only AWS knows as a <placeholder>.
 */
export function resolveValue(value: Json, stack: DeployedStack, stacks: DeployedStack[]): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  const fn = intrinsic(value)
  if (!fn) throw new Error(`cannot resolve ${JSON.stringify(value)}`)
  const [key, arg] = fn
  const ref = (name: string): string => {
    if (PSEUDO_PARAMETERS.includes(name) || name in stack.context.parameters) return evaluate({ Ref: name }, stack.context)
    const resource = stack.template.Resources[name]
    if (!resource) throw new Error(`Ref ${name} in ${stack.file} names nothing`)
    const nameProperty = Object.entries(resource.Properties ?? {}).find(([k]) => /^(TableName|Name|LogGroupName|RepositoryName|BucketName)$/.test(k))
    if (nameProperty) return resolveValue(nameProperty[1], stack, stacks)
    // An unnamed bucket gets `<stack name>-<logical id>-<random>`, in lower case, from CloudFormation.
    if (resource.Type === 'AWS::S3::Bucket') return `${evaluate({ Ref: 'AWS::StackName' }, stack.context)}-${name}-1a2b3c4d5e6f`.toLowerCase()
    return `<${name}>`
  }
  if (key === 'Ref') return ref(arg as string)
  if (key === 'Fn::GetAtt') return `<${(arg as string[]).join('.')}>`
  if (key === 'Fn::ImportValue') {
    const { stack: producer, value: exported } = findExport(evaluate(arg, stack.context), stacks)
    return resolveValue(exported, producer, stacks)
  }
  if (key === 'Fn::Sub') {
    const [text, vars] = Array.isArray(arg) ? [arg[0] as string, arg[1] as JsonObject] : [arg as string, {} as JsonObject]
    return text.replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => {
      if (name in vars) return resolveValue(vars[name]!, stack, stacks)
      if (name.includes('.') && !name.startsWith('AWS::')) return `<${name}>`
      return ref(name)
    })
  }
  if (key === 'Fn::Join' && Array.isArray(arg)) return (arg[1] as Json[]).map(p => resolveValue(p, stack, stacks)).join(String(arg[0]))
  throw new Error(`cannot resolve ${key} in ${stack.file}`)
}

export function asObject(value: Json | undefined): JsonObject {
  if (!isObject(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`)
  return value
}
