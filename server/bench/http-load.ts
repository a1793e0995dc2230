// The load generator of `npm run bench:api`, in its own process so that it does not take CPU from
// the servers it measures: `concurrency` keep-alive loops POST one GraphQL request for a fixed
// duration; prints one JSON line of figures. Run as `tsx http-load.ts '<options JSON>'`.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { percentile } from './statistics.js';

const options = z
  .object({
    url: z.url(),
    body: z.string(),
    durationMs: z.number().int().positive(),
    concurrency: z.number().int().positive(),
  })
  .parse(JSON.parse(process.argv[2] ?? '{}'));

const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
const target = new URL(options.url);
const headers = {
  'content-type': 'application/json',
  'content-length': Buffer.byteLength(options.body),
};

/** One request; resolves with whether it succeeded (200 and no GraphQL errors). */
function post(): Promise<boolean> {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve(response.statusCode === 200 && !text.includes('"errors"'));
        });
      },
    );
    outgoing.on('error', () => {
      resolve(false);
    });
    outgoing.end(options.body);
  });
}

const latenciesMs: number[] = [];
let failures = 0;
const startedAt = performance.now();
const deadline = startedAt + options.durationMs;

async function loop(): Promise<void> {
  while (performance.now() < deadline) {
    const sentAt = performance.now();
    if (await post()) latenciesMs.push(performance.now() - sentAt);
    else failures += 1;
  }
}

await Promise.all(Array.from({ length: options.concurrency }, loop));
const elapsedMs = performance.now() - startedAt;
latenciesMs.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    requests: latenciesMs.length,
    failures,
    requestsPerSecond: latenciesMs.length / (elapsedMs / 1000),
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
  })}\n`,
);
agent.destroy();
