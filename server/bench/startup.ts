// `npm run build && DATABASE_URL=… REDIS_URL=… npm run bench:startup [-- --runs 3]`: time from
// spawning an API process to its first 200 on /ready, for the TypeScript sources run through tsx
// and for the compiled output (`node --conditions=lobby-compiled --enable-source-maps server/dist/…`,
// the image's command), in
// alternating runs. Exits 1 when either never becomes ready, so CI uses it as the compiled smoke test.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { numberOption, openBenchDatabase } from './bench-support.js';
import { formatMs, percentile } from './statistics.js';
import { freePort } from '../test/support/free-port.js';

const runs = numberOption('runs', 3);
const readyTimeoutMs = 60_000;
const serverDirectory = fileURLToPath(new URL('..', import.meta.url));
const compiledApi = 'dist/processes/api.js';

const variants = [
  { name: 'tsx (sources)', args: ['--import', 'tsx', 'src/processes/api.ts'] },
  {
    name: 'compiled (dist)',
    args: [
      '--conditions=lobby-compiled',
      '--enable-source-maps',
      '--import',
      './dist/processes/tracing.js',
      compiledApi,
    ],
  },
];

async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** Milliseconds from spawn to the first 200 on /ready; the process is stopped afterwards. */
async function timeToReady(args: string[], environment: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: serverDirectory,
    env: { ...environment, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${args.join(' ')} exited with ${String(code)} before it was ready`));
    });
  });
  try {
    const readyAt = await Promise.race([
      (async () => {
        while (performance.now() - startedAt < readyTimeoutMs) {
          if (await isReady(`http://127.0.0.1:${port}/ready`)) return performance.now();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`${args.join(' ')} was not ready within ${readyTimeoutMs} ms`);
      })(),
      exited,
    ]);
    return readyAt - startedAt;
  } finally {
    child.removeAllListeners('exit');
    const stopped = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await stopped;
  }
}

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (databaseUrl === undefined || redisUrl === undefined) {
  throw new Error('bench:startup runs the API process: set DATABASE_URL and REDIS_URL.');
}
if (!existsSync(new URL(`../${compiledApi}`, import.meta.url))) {
  throw new Error(`No ${compiledApi}: run \`npm run build\` first.`);
}
const bench = await openBenchDatabase(databaseUrl);
const environment = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: bench.url,
  REDIS_KEY_PREFIX: `bench-startup-${process.pid}`,
};
const timings = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
try {
  for (let run = 0; run < runs; run += 1) {
    for (const variant of variants) {
      timings.get(variant.name)?.push(await timeToReady(variant.args, environment));
    }
  }
} finally {
  await bench.drop();
}
console.log(`API start-up to the first 200 on /ready (${bench.label}, ${runs} run(s) each):`);
for (const [name, values] of timings) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `  ${name.padEnd(16)} median ${formatMs(percentile(sorted, 0.5))}, ` +
      `min ${formatMs(sorted[0] ?? Number.NaN)}, max ${formatMs(sorted.at(-1) ?? Number.NaN)}`,
  );
}
process.exit(0);
