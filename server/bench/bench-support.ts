// What both API benchmarks share: a throw-away database, command-line numbers, and child
// processes that answer with one JSON line.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../src/engines/database/database.js';
import { adminQuery, withDatabaseName } from '../test/support/postgres-admin.js';

export type BenchDatabase = {
  database: Database;
  /** Set for PostgreSQL, so other processes can share it. */
  url: string | undefined;
  label: string;
  drop(): Promise<void>;
};

/** A fresh, migrated database: a new one on the DATABASE_URL server, else PGlite in memory. */
export async function openBenchDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  if (databaseUrl === undefined) {
    const database = await openDatabase({ kind: 'pglite' });
    await database.migrate();
    return { database, url: undefined, label: 'PGlite (in memory)', drop: () => database.close() };
  }
  const name = `lobby_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(databaseUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabaseName(databaseUrl, name);
  const database = await openDatabase({ kind: 'postgres', url });
  await database.migrate();
  return {
    database,
    url,
    label: `PostgreSQL (temporary database ${name})`,
    async drop() {
      await database.close();
      await adminQuery(databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** `--name value` from the command line as a positive whole number, else the fallback. */
export function numberOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} takes a positive whole number`);
  }
  return value;
}

/** Runs `tsx <script> '<options JSON>'` and returns the JSON line it prints. */
export function runJsonChild(script: string, options: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${String(code)}`));
        return;
      }
      try {
        resolve(JSON.parse(output));
      } catch (error) {
        reject(error instanceof Error ? error : new Error('Unreadable output'));
      }
    });
  });
}
