// A DynamoDB meter: an HTTP proxy in front of dynalite that asks every request for its consumed
// capacity (ReturnConsumedCapacity: TOTAL, which dynalite computes as DynamoDB does: 4 KB per read
// unit, half for eventually consistent reads, 1 KB per write unit) and adds it up by operation,
// so a benchmark counts the read and write units the app itself spends on what it does. Dynalite
// does not check signatures, so the rewritten body goes through unchanged otherwise.
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'])
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'])

export interface Metered {
  /** Requests by operation (Query, PutItem…). */
  requests: Record<string, number>
  readUnits: number
  writeUnits: number
}

interface Capacity { CapacityUnits?: number }

function body(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

export async function startDynamoMeter(target: string): Promise<{ endpoint: string, read: () => Metered, reset: () => void, close: () => Promise<void> }> {
  const upstream = new URL(target)
  let totals: Metered = { requests: {}, readUnits: 0, writeUnits: 0 }
  const server: Server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? ''
    let payload = await body(req)
    const metered = READS.has(operation) || WRITES.has(operation)
    if (metered) payload = Buffer.from(JSON.stringify({ ...JSON.parse(payload.toString('utf8')) as object, ReturnConsumedCapacity: 'TOTAL' }))
    const headers = { ...req.headers, 'content-length': String(payload.length) }
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, async (answer) => {
      const answered = await body(answer)
      if (metered && answer.statusCode === 200) {
        const consumed = (JSON.parse(answered.toString('utf8')) as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity
        const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0)
        totals.requests[operation] = (totals.requests[operation] ?? 0) + 1
        if (READS.has(operation)) totals.readUnits += units
        else totals.writeUnits += units
      }
      res.writeHead(answer.statusCode ?? 500, answer.headers)
      res.end(answered)
    })
    forward.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    forward.end(payload)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    read: () => structuredClone(totals),
    reset: () => {
      totals = { requests: {}, readUnits: 0, writeUnits: 0 }
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
}
