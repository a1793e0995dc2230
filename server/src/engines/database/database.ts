// The database engine: PostgreSQL through DATABASE_URL, else embedded PGlite under LOBBY_DATA_DIR.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';
import { applyMigrations } from './schema-engine.js';

export type Database = {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  /** PGlite in `dataDirectory`, or in memory (optionally starting from a dumped image). */
  | { kind: 'pglite'; dataDirectory?: string; image?: Blob };

/** How long a request may wait for a database connection before it fails with a retryable error. */
export const databaseConnectTimeoutMs = 2_000;

function fromAdapter(
  kind: Database['kind'],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  closeDriver: () => Promise<void>,
): Database {
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    kind,
    prisma,
    migrate: () => applyMigrations(adapterFactory),
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}

/** Opens PostgreSQL, or PGlite persisted in `dataDirectory` (in memory when undefined). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    // We own the pool so that close() really closes every connection (migrations' included).
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Waiting for a pooled connection (or opening one) fails fast while PostgreSQL is unreachable.
      connectionTimeoutMillis: databaseConnectTimeoutMs,
    });
    // An idle connection that dies (server restart, a dropped database) must not crash the process:
    // the pool replaces it, and the next query reports any lasting problem.
    pool.on('error', (error) => {
      console.error('An idle PostgreSQL connection failed', error.message);
    });
    return fromAdapter('postgres', new PrismaPg(pool), () => pool.end());
  }
  let pglite: PGlite;
  if (options.dataDirectory === undefined) {
    pglite = new PGlite({ loadDataDir: options.image });
  } else {
    await mkdir(options.dataDirectory, { recursive: true });
    pglite = new PGlite(path.resolve(options.dataDirectory, 'pgdata'));
  }
  await pglite.waitReady;
  return fromAdapter('pglite', new PrismaPGlite(pglite), () => pglite.close());
}
