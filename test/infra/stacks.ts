/**
 * The stacks as infra/pipeline.yml deploys them: which template, under which stack name, with which
 * parameter values, in which stage. The cross-stack checks evaluate names in this context.
 */
import { evaluate, intrinsic, loadTemplate, parameterDefaults, type Json, type JsonObject, type StackContext, type DeployedStack, type Template } from './cloudformation.ts'

export const TEMPLATE_FILES = ['infra/cluster.yml', 'infra/resources.yml', 'infra/chat-service.yml', 'infra/monitoring.yml', 'infra/pipeline.yml']

const PIPELINE_CONTEXT: StackContext = {
  stackName: 'fargate-chat-pipeline',
  region: 'us-east-1',
  accountId: '123456789012',
  parameters: {},
}

export interface PipelineAction {
  stage: number
  stageName: string
  name: string
  provider: string
  configuration: JsonObject
  inputs: string[]
  outputs: string[]
}

/** Every action of the pipeline, with its stage index. */
export function pipelineActions(pipeline: Template): PipelineAction[] {
  const resource = Object.values(pipeline.Resources).find(r => r.Type === 'AWS::CodePipeline::Pipeline')
  if (!resource) throw new Error('no AWS::CodePipeline::Pipeline')
  const stages = resource.Properties!.Stages as JsonObject[]
  return stages.flatMap((stage, index) => (stage.Actions as JsonObject[]).map(action => ({
    stage: index,
    stageName: stage.Name as string,
    name: action.Name as string,
    provider: (action.ActionTypeId as JsonObject).Provider as string,
    configuration: action.Configuration as JsonObject,
    inputs: ((action.InputArtifacts ?? []) as JsonObject[]).map(a => a.Name as string),
    outputs: ((action.OutputArtifacts ?? []) as JsonObject[]).map(a => a.Name as string),
  })))
}

function pipelineContext(pipeline: Template): StackContext {
  return {
    ...PIPELINE_CONTEXT,
    parameters: {
      ...parameterDefaults(pipeline),
      ConnectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:connection/x',
      FullRepositoryId: 'owner/repo',
      CloudFrontPrefixListId: 'pl-3b927c52',
    },
  }
}

/** What a Ref to one of the pipeline stack's own resources gives: a managed policy's ARN, else a <placeholder>. */
function pipelineResourceRef(pipeline: Template, context: StackContext): (name: string) => string {
  return (name) => {
    const resource = pipeline.Resources[name]
    if (!resource) throw new Error(`Ref ${name} names nothing in infra/pipeline.yml`)
    if (resource.Type === 'AWS::IAM::ManagedPolicy') return `arn:aws:iam::${context.accountId}:policy/${evaluate(resource.Properties!.ManagedPolicyName!, context)}`
    return `<${name}>`
  }
}

/** A CloudFormation deploy action's ParameterOverrides, evaluated and parsed (Fn::GetParam kept as is). */
function parameterOverrides(action: PipelineAction, context: StackContext, resolveRef?: (name: string) => string): Record<string, Json> {
  const raw = action.configuration.ParameterOverrides
  if (raw === undefined) return {}
  return JSON.parse(evaluate(raw, context, resolveRef)) as Record<string, Json>
}

export interface DeployAction extends PipelineAction {
  stackName: string
  artifact: string
  file: string
  overrides: Record<string, Json>
}

export function deployActions(pipeline: Template): DeployAction[] {
  const context = pipelineContext(pipeline)
  return pipelineActions(pipeline).filter(a => a.provider === 'CloudFormation').map((action) => {
    const [artifact, file] = String(action.configuration.TemplatePath).split('::') as [string, string]
    return { ...action, stackName: evaluate(action.configuration.StackName!, context), artifact, file, overrides: parameterOverrides(action, context, pipelineResourceRef(pipeline, context)) }
  })
}

/** The three app stacks in the pipeline's context: stack names and parameters it passes (GetParam values stubbed). */
export function deployedStacks(pipeline = loadTemplate('infra/pipeline.yml')): DeployedStack[] {
  return deployActions(pipeline).map((action) => {
    const template = loadTemplate(action.file)
    const passed = Object.fromEntries(Object.entries(action.overrides).map(([k, v]) => [k, typeof v === 'string' ? v : `<${JSON.stringify(v)}>`]))
    return {
      file: action.file,
      template,
      stage: action.stage,
      context: { ...PIPELINE_CONTEXT, stackName: action.stackName, parameters: { ...parameterDefaults(template), ...passed } },
    }
  })
}

/** The value an Fn::GetParam override reads: [artifact, file, key]. */
export function getParam(value: Json): [string, string, string] | undefined {
  const fn = intrinsic(value)
  return fn?.[0] === 'Fn::GetParam' && Array.isArray(fn[1]) ? fn[1] as [string, string, string] : undefined
}
