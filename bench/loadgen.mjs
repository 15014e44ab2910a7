// Submit load from autocannon (npm, installed under .bench-node by bench/autocannon.py).
//
// Reads one JSON object on stdin: {prefix, url, headers, template, marker, seed, connections,
// seconds, warmupSeconds, serverPid, clockTicks}
// and POSTs `template` to `url` over `connections` keep-alive connections (pipelining 1):
// first a warm-up of `warmupSeconds`, then the measured run of `seconds`. Every request
// carries a fresh body: `marker` in the template replaced by a UUID v4 derived from
// (seed, index) with SHA-256, index counting up from 0 over all connections, so the same
// seed sends the same sequence of bodies to every server (the warm-up uses `${seed}/warm-up`).
// Prints one JSON object on stdout: the measured run (requests, seconds, rps, p50_ms, p99_ms
// over every answered request, statuses, errors, timeouts, non2xx, the CPU used by this
// process and by the server `serverPid` in percent of one core) and the warm-up's counts.

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** The UUID v4 numbered `index` in the sequence of `seed`. */
function taskUUID (seed, index) {
  const bytes = createHash('sha256').update(`${seed}:${index}`).digest()
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex', 0, 16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-` +
    `${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** Nearest-rank percentile of an ascending array (null if empty), as bench/common.py. */
function percentile (sorted, pct) {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil((sorted.length * pct) / 100))
  return sorted[rank - 1]
}

/** CPU seconds (user + system) used so far by process `pid`, from /proc (null if unreadable). */
function processCPU (pid, clockTicks) {
  if (!pid) return null
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicks
  } catch {
    return null
  }
}

/** CPU use of this process and of the server (percent of one core) since `start`. */
function cpuSince (start, config) {
  const wall = Number(process.hrtime.bigint() - start.wall) / 1e9
  const client = process.cpuUsage(start.client)
  const server = processCPU(config.serverPid, config.clockTicks)
  return {
    client_cpu_pct: (100 * (client.user + client.system)) / 1e6 / wall,
    server_cpu_pct: server === null || start.server === null
      ? null
      : (100 * (server - start.server)) / wall
  }
}

/** One autocannon run; resolves to its figures. */
function run (autocannon, config, seed, seconds) {
  const [head, tail, ...rest] = config.template.split(config.marker)
  if (tail === undefined || rest.length) throw new Error('the template must hold the marker once')
  let index = 0
  let firstUUID = null
  let lastUUID = null
  const latencies = []
  const statuses = {}
  const start = {
    wall: process.hrtime.bigint(),
    client: process.cpuUsage(),
    server: processCPU(config.serverPid, config.clockTicks)
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: config.url,
      connections: config.connections,
      pipelining: 1,
      duration: seconds,
      timeout: 30,
      requests: [{
        method: 'POST',
        headers: config.headers,
        setupRequest: (request) => {
          const uuid = taskUUID(seed, index++)
          firstUUID ??= uuid
          lastUUID = uuid
          return { ...request, body: head + uuid + tail }
        }
      }]
    }, (err, result) => {
      if (err) return reject(err)
      const cpu = cpuSince(start, config)
      latencies.sort((a, b) => a - b)
      const requests = latencies.length
      resolve({
        clients: config.connections,
        requests,
        seconds: result.duration,
        rps: result.duration ? requests / result.duration : null,
        p50_ms: percentile(latencies, 50),
        p99_ms: percentile(latencies, 99),
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        ...cpu,
        bodies_built: index,
        first_task_uuid: firstUUID,
        last_task_uuid: lastUUID
      })
    })
    instance.on('response', (client, statusCode, resBytes, responseTime) => {
      latencies.push(responseTime)
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    })
  })
}

async function main () {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  const config = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  const require = createRequire(join(config.prefix, 'package.json'))
  const autocannon = require('autocannon')
  const version = require('autocannon/package.json').version
  let warmup = null
  if (config.warmupSeconds > 0) {
    const warm = await run(autocannon, config, `${config.seed}/warm-up`, config.warmupSeconds)
    warmup = {
      requests: warm.requests,
      statuses: warm.statuses,
      errors: warm.errors,
      timeouts: warm.timeouts,
      non2xx: warm.non2xx
    }
  }
  const measured = await run(autocannon, config, config.seed, config.seconds)
  process.stdout.write(JSON.stringify({ ...measured, warmup, generator: `autocannon ${version}` }))
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`)
  process.exit(1)
})
