import ts from 'typescript'

/**
 * Finds code that changes a Pinia store's state from outside that store: an assignment, `delete`,
 * `++`, a mutating method or `$patch` reaching a store's state through a store (`rooms.list.push`),
 * its refs (`storeToRefs`), or an object read from it (`const room = rooms.byId(id); room.muted = …`,
 * loop variables and callback parameters over its lists, `computed(() => rooms.byId(id))`).
 * Components (script and template) and other stores may only call a store's actions.
 * It reads code, not types: aliases are followed within a file, not through helper functions.
 */

/** How a name reaches store state: the store itself, its refs, an object it holds, or a local ref around store data. */
type Reach = 'store' | 'refs' | 'held' | 'wrapped'

export interface StoreWrite {
  line: number
  code: string
}

const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear'])
/** Methods answering a new array: reordering that array changes no store (its elements are still the store's). */
const COPIES = new Set(['filter', 'map', 'slice', 'concat', 'flat', 'flatMap', 'toSorted', 'toReversed', 'toSpliced', 'with'])
/** Wrappers whose `.value` is the component's own, though what it holds may be the store's. */
const WRAPPERS = new Set(['ref', 'shallowRef', 'computed', 'toRef', 'reactive', 'readonly', 'toValue', 'unref'])
const STORE_CALL = /^use[A-Z]\w*Store$/

interface Path {
  root: ts.Identifier
  /** Steps from the root: property names, `[]`, or `name()` for method calls. */
  steps: string[]
}

function unwrap(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isAwaitExpression(node) || ts.isTypeAssertionExpression(node)) node = node.expression
  return node
}

/** The identifier an expression starts from and the steps taken from it, if it is a chain of reads. */
function pathOf(expression: ts.Expression): Path | null {
  const steps: string[] = []
  let node = unwrap(expression)
  for (;;) {
    if (ts.isIdentifier(node)) return { root: node, steps: steps.reverse() }
    if (ts.isPropertyAccessExpression(node)) steps.push(node.name.text)
    else if (ts.isElementAccessExpression(node)) steps.push('[]')
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(unwrap(node.expression))) {
      const callee = unwrap(node.expression) as ts.PropertyAccessExpression
      steps.push(`${callee.name.text}()`)
      node = unwrap(callee.expression)
      continue
    }
    else return null
    node = unwrap((node as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression)
  }
}

export interface Options {
  /** What names not declared in the code reach: a component's script names, for its template. */
  scope?: ReadonlyMap<string, Reach>
  /** Template code: refs are unwrapped, so `name = …` on a store's ref writes the store. */
  template?: boolean
}

/** Store writes in one script, or one template expression; `topLevel` is what the script's own names reach. */
export function findStoreWrites(code: string, { scope = new Map(), template = false }: Options = {}): { writes: StoreWrite[], topLevel: Map<string, Reach> } {
  const file = ts.createSourceFile('code.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  /** Declarations reaching store state, by the declaring node (names can repeat in other scopes). */
  const reached = new Map<ts.Node, Reach>()
  const declarationOf = new Map<string, ts.Node[]>()
  const writes: StoreWrite[] = []

  /** What the innermost declaration of this name in scope reaches; free names come from `scope`. */
  function reachOf(id: ts.Identifier): Reach | undefined {
    const visible = (declarationOf.get(id.text) ?? []).filter((d) => {
      const around = scopeOf(d)
      return around.pos <= id.pos && id.end <= around.end
    })
    const nearest = visible.sort((a, b) => b.pos - a.pos)[0]
    if (nearest) return reached.get(nearest)
    const outer = scope.get(id.text)
    return template && outer === 'wrapped' ? 'held' : outer
  }

  /** How an expression reaches store state: `held` for objects the store holds (also inside a filtered copy). */
  function reachOfExpression(expression: ts.Expression): Reach | undefined {
    const node = unwrap(expression)
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text
      if (STORE_CALL.test(name)) return 'store'
      if (name === 'storeToRefs') return 'refs'
      const [argument] = node.arguments
      if (WRAPPERS.has(name) && argument) return returnsStoreState(argument) ? 'wrapped' : undefined
      return undefined
    }
    if (ts.isConditionalExpression(node)) return reachOfExpression(node.whenTrue) ?? reachOfExpression(node.whenFalse)
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(node.operatorToken.kind)) {
      return reachOfExpression(node.left) ?? reachOfExpression(node.right)
    }
    const path = pathOf(node)
    if (!path) return undefined
    const reach = reachOf(path.root)
    // Another name for the store itself (or its refs) is the store; anything read from it is held state.
    return reach && path.steps.length ? 'held' : reach
  }

  function returnsStoreState(node: ts.Expression): boolean {
    const target = unwrap(node)
    if (ts.isArrowFunction(target) || ts.isFunctionExpression(target)) {
      if (!ts.isBlock(target.body)) return reachOfExpression(target.body) !== undefined
      let found = false
      const visit = (child: ts.Node): void => {
        if (ts.isReturnStatement(child) && child.expression && reachOfExpression(child.expression)) found = true
        else if (!ts.isFunctionLike(child)) ts.forEachChild(child, visit)
      }
      ts.forEachChild(target.body, visit)
      return found
    }
    return reachOfExpression(target) !== undefined
  }

  function declare(name: ts.BindingName, reach: Reach | undefined) {
    if (ts.isIdentifier(name)) {
      const list = declarationOf.get(name.text) ?? []
      if (!list.includes(name)) list.push(name)
      declarationOf.set(name.text, list)
      if (reach) reached.set(name, reach)
      return
    }
    // What is destructured from a store or from an object it holds is its state; from storeToRefs, its refs.
    for (const element of name.elements) {
      if (ts.isBindingElement(element)) declare(element.name, reach === 'refs' ? 'refs' : reach && 'held')
    }
  }

  /** Marks what every declaration reaches; run twice so that later aliases of aliases settle. */
  function collect(node: ts.Node) {
    if (ts.isVariableDeclaration(node)) {
      let reach = node.initializer ? reachOfExpression(node.initializer) : undefined
      if (ts.isForOfStatement(node.parent.parent)) reach = reachOfExpression(node.parent.parent.expression) ? 'held' : undefined
      declare(node.name, reach)
    }
    else if (ts.isParameter(node)) {
      // Callbacks over a store's lists (`rooms.list.forEach(r => …)`) and watchers of its state get its objects.
      const fn = node.parent
      const call = fn.parent
      let reach: Reach | undefined
      if (ts.isCallExpression(call) && call.arguments.includes(fn as ts.Expression)) {
        const callee = unwrap(call.expression)
        if (ts.isPropertyAccessExpression(callee) && reachOfExpression(callee.expression)) reach = 'held'
        if (ts.isIdentifier(callee) && callee.text === 'watch' && call.arguments[0] && returnsStoreState(call.arguments[0])) reach = 'held'
      }
      declare(node.name, reach)
    }
    ts.forEachChild(node, collect)
  }
  collect(file)
  collect(file)

  /** Whether changing the thing at `path` (or, for `mutates`, inside it) changes store state. */
  function changesStore(target: ts.Expression, mutates: boolean): boolean {
    const path = pathOf(target)
    if (!path) return false
    const reach = reachOf(path.root)
    if (!reach) return false
    if (template && reach === 'refs' && !path.steps.length && !mutates) return true
    if (mutates && COPIES.has(path.steps.at(-1)?.replace('()', '') ?? '')) return false
    const depth = path.steps.length + (mutates ? 1 : 0)
    if (reach === 'held') return depth >= 1
    if (reach === 'wrapped') return depth >= 2 || (depth === 1 && path.steps[0] !== 'value')
    // A store, or its refs: a method called on the store itself is one of its actions (`drafts.set`).
    return mutates ? path.steps.length >= 1 : depth >= 1
  }

  function report(node: ts.Node) {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file))
    writes.push({ line: line + 1, code: node.getText(file).replace(/\s+/g, ' ').slice(0, 120) })
  }

  function check(node: ts.Node) {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      if (changesStore(node.left, false)) report(node)
    }
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && [ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken].includes(node.operator)) {
      if (changesStore(node.operand, false)) report(node)
    }
    else if (ts.isDeleteExpression(node)) {
      if (changesStore(node.expression, false)) report(node)
    }
    else if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression)
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text
        if ((MUTATORS.has(method) && changesStore(callee.expression, true)) || (method.startsWith('$') && ['$patch', '$reset'].includes(method) && reachOfExpression(callee.expression))) report(node)
      }
      // Object.assign(target, …) changes its first argument.
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && callee.name.text === 'assign' && node.arguments[0] && changesStore(node.arguments[0], true)) report(node)
    }
    ts.forEachChild(node, check)
  }
  check(file)

  const topLevel = new Map<string, Reach>()
  for (const [node, reach] of reached) {
    if (ts.isIdentifier(node) && isTopLevel(node)) topLevel.set(node.text, reach)
  }
  return { writes, topLevel }
}

/** The block, function, loop or file a declaration is visible in. */
function scopeOf(declaration: ts.Node): ts.Node {
  let node = declaration.parent
  while (node && !ts.isSourceFile(node)) {
    if (ts.isParameter(declaration.parent) && ts.isFunctionLike(node)) return node
    if (ts.isBlock(node) || ts.isFunctionLike(node) || ts.isForOfStatement(node) || ts.isForStatement(node) || ts.isForInStatement(node) || ts.isCatchClause(node)) return node
    node = node.parent
  }
  return node ?? declaration.getSourceFile()
}

function isTopLevel(name: ts.Identifier): boolean {
  let node: ts.Node = name
  while (node.parent && !ts.isSourceFile(node.parent)) {
    if (ts.isFunctionLike(node.parent) || ts.isBlock(node.parent)) return false
    node = node.parent
  }
  return true
}
