// Private PostgreSQL and Redis servers for fault tests: their own ports and data directories, so a
// test can kill, restart and wipe them without ever touching the machine's shared services.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './free-port.js';

/** A server process that a test may kill and start again on the same port. */
export type PrivateService = {
  url: string;
  port: number;
  /** Starts the server again on the same port (and, for PostgreSQL, the same data). */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, as a crash or a lost machine. */
  kill(): Promise<void>;
  /** Stops the server for good and deletes its data directory. */
  dispose(): Promise<void>;
};

const readyTimeoutMs = 20_000;

async function waitUntil(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not become ready within ${readyTimeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

/** Children still running when the test process exits are killed with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess, name: string): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', (error) => {
    throw new Error(`${name} could not be started: ${error.message}`);
  });
  return child;
}

/** Redis without persistence: a kill and a start is Redis restarted empty. */
export async function startPrivateRedis(): Promise<PrivateService> {
  const port = await freePort();
  const directory = await mkdtemp(path.join(os.tmpdir(), 'lobby-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = track(
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { cwd: directory, stdio: 'ignore' },
      ),
      'redis-server',
    );
    await waitUntil(`Redis on port ${port}`, async () => {
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await probe.connect();
        await probe.ping();
        return true;
      } finally {
        probe.disconnect();
      }
    });
  };
  const kill = async () => {
    if (child === undefined) return;
    child.kill('SIGKILL');
    await exited(child);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    kill,
    async dispose() {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root).find((entry) => existsSync(path.join(root, entry, 'bin', 'initdb')))
    : undefined;
  if (version === undefined) throw new Error(`No PostgreSQL server binaries under ${root}`);
  return path.join(root, version, 'bin');
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A PostgreSQL cluster with trust auth; `url` names its `postgres` database. */
export async function startPrivatePostgres(): Promise<PrivateService> {
  const binaries = postgresBinaries();
  const identity = serverIdentity();
  const port = await freePort();
  const directory = await mkdtemp(path.join(os.tmpdir(), 'lobby-postgres-'));
  const dataDirectory = path.join(directory, 'data');
  if (identity !== undefined) {
    execFileSync('chown', [`${identity.uid}:${identity.gid}`, directory]);
    await chmod(directory, 0o700);
  }
  execFileSync(
    path.join(binaries, 'initdb'),
    ['-D', dataDirectory, '-U', 'postgres', '-A', 'trust', '--no-sync'],
    { stdio: 'ignore', ...identity },
  );
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = track(
      spawn(
        path.join(binaries, 'postgres'),
        [
          ...['-D', dataDirectory, '-p', String(port)],
          ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
          ...['-c', 'fsync=off', '-c', 'max_connections=200'],
        ],
        { stdio: 'ignore', ...identity },
      ),
      'postgres',
    );
    await waitUntil(`PostgreSQL on port ${port}`, async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    });
  };
  const kill = async () => {
    if (child === undefined) return;
    child.kill('SIGKILL');
    await exited(child);
    // A killed postmaster leaves its backends running until they notice; they hold the port.
    await waitUntil(`PostgreSQL on port ${port} to release its port`, () => isPortFree(port));
  };
  await start();
  return {
    url,
    port,
    start,
    kill,
    async dispose() {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}
