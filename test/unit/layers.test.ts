import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The server's layers and the one way dependencies flow (docs/architecture.md): each layer may
 * import itself and the layers listed for it, nothing above. Checked from the code's own imports.
 */
const ROOT = resolve(import.meta.dirname, '../..')
const SERVER = join(ROOT, 'server')

type Layer = 'core' | 'storage' | 'services' | 'domain' | 'utils' | 'socket' | 'api' | 'middleware' | 'plugins' | 'routes'

const MAY_IMPORT: Record<Layer, Layer[]> = {
  core: [],
  storage: ['core'],
  services: ['core', 'storage'],
  domain: ['core', 'storage', 'services'],
  // The HTTP helpers routes use (session cookie, validation, error mapping, page reads).
  utils: ['core', 'services', 'domain'],
  socket: ['core', 'services', 'domain', 'utils'],
  api: ['core', 'services', 'domain', 'utils'],
  routes: ['core', 'services', 'domain', 'utils'],
  middleware: ['core', 'services', 'domain', 'utils'],
  plugins: ['core', 'storage', 'services', 'domain', 'utils', 'socket'],
}

/** Packages that speak to a storage service: only the storage layer may use them. */
const STORAGE_PACKAGES = /^@aws-sdk\/(lib-dynamodb|client-dynamodb|client-s3|s3-presigned-post|s3-request-presigner)$/
/** HTTP and realtime frameworks: the domain and below know nothing of transports. */
const TRANSPORT_PACKAGES = /^(h3|socket\.io|engine\.io|@socket\.io\/.*)$/
const BELOW_TRANSPORT: Layer[] = ['core', 'storage', 'services', 'domain']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.ts$/.test(name) ? [path] : []
  })
}

function layerOf(path: string): Layer {
  const top = relative(SERVER, path).split('/')[0]!
  if (!(top in MAY_IMPORT)) throw new Error(`${relative(ROOT, path)} is in no known layer`)
  return top as Layer
}

/** Static and dynamic import specifiers of a file (type-only imports count: they are dependencies too). */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8')
  return [...text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)].map(m => (m[1] ?? m[2])!)
}

const files = sourceFiles(SERVER)
const edges = new Map(files.map(file => [file, importsOf(file)]))

function localTarget(from: string, specifier: string): string | null {
  return specifier.startsWith('.') ? resolve(dirname(from), specifier) : null
}

describe('server layers', () => {
  it('import only from their own layer and the layers below', () => {
    const wrong: string[] = []
    for (const [file, specifiers] of edges) {
      const layer = layerOf(file)
      for (const specifier of specifiers) {
        const target = localTarget(file, specifier)
        if (target?.startsWith(SERVER)) {
          const to = layerOf(target)
          if (to !== layer && !MAY_IMPORT[layer].includes(to)) wrong.push(`${relative(ROOT, file)} (${layer}) → ${relative(ROOT, target)} (${to})`)
        }
        if (STORAGE_PACKAGES.test(specifier) && layer !== 'storage') wrong.push(`${relative(ROOT, file)} (${layer}) → ${specifier}: only storage speaks to DynamoDB and S3`)
        if (TRANSPORT_PACKAGES.test(specifier) && BELOW_TRANSPORT.includes(layer)) wrong.push(`${relative(ROOT, file)} (${layer}) → ${specifier}: ${layer} knows no transport`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('form no import cycles', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(f => relative(ROOT, f)).join(' → '))
        return
      }
      state.set(file, 'open')
      for (const specifier of edges.get(file) ?? []) {
        const target = localTarget(file, specifier)
        if (target && edges.has(target)) visit(target, [...path, file])
      }
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('leave server/utils to a few HTTP helpers', () => {
    expect(readdirSync(join(SERVER, 'utils')).length).toBeLessThanOrEqual(10)
  })
})
