/**
 * IAM policies of a template's roles, as the tests read them: the statements a role gets from its
 * inline policies and from the managed policies of the same template it attaches, and whether they
 * allow an action (IAM's `*` and `?` wildcards; action names are case-insensitive).
 */
import { intrinsic, isObject, type Json, type JsonObject, type Template } from './cloudformation.ts'

export type Statement = JsonObject & { Effect: 'Allow' | 'Deny', Action: string | string[] }

export const statementsOf = (policyDocument: Json | undefined): Statement[] =>
  isObject(policyDocument) ? [policyDocument.Statement].flat() as Statement[] : []

export const actionsOf = (statement: JsonObject): string[] => [statement.Action].flat() as string[]

/** Every statement a role of the template holds, inline or through a managed policy of the template. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = template.Resources[roleId]
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not an AWS::IAM::Role`)
  const inline = ((role.Properties!.Policies ?? []) as JsonObject[]).flatMap(p => statementsOf(p.PolicyDocument))
  const managed = ((role.Properties!.ManagedPolicyArns ?? []) as Json[]).flatMap((arn) => {
    const fn = intrinsic(arn)
    const policy = fn?.[0] === 'Ref' ? template.Resources[fn[1] as string] : undefined
    return policy?.Type === 'AWS::IAM::ManagedPolicy' ? statementsOf(policy.Properties!.PolicyDocument) : []
  })
  return [...inline, ...managed]
}

function matches(pattern: string, action: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${regex}$`, 'i').test(action)
}

/** Some Allow statement names the action, and no Deny statement does (conditions and resources aside). */
export function allows(statements: Statement[], action: string): boolean {
  const named = (effect: string) => statements.filter(s => s.Effect === effect).flatMap(actionsOf).some(pattern => matches(pattern, action))
  return named('Allow') && !named('Deny')
}

/** The statements with every occurrence of one action entry taken out (statements left empty dropped). */
export function without(statements: Statement[], action: string): Statement[] {
  return statements
    .map(s => ({ ...s, Action: actionsOf(s).filter(a => a.toLowerCase() !== action.toLowerCase()) }))
    .filter(s => s.Action.length > 0)
}
