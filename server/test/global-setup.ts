// Runs once per `npm test`: prepares a migrated PGlite image and, where DATABASE_URL is set, a
// migrated PostgreSQL template database, so each test file gets a fresh database in about a second.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/engines/database/database.js';
import { applyMigrations } from '../src/engines/database/schema-engine.js';
import { adminQuery, templateDatabaseName, withDatabaseName } from './support/postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteImagePath: string;
    /** The DATABASE_URL server: its own database for admin work, and this run's template. */
    postgres: { adminUrl: string; templateName: string } | null;
  }
}

export default async function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (process.env.CI === 'true' && (databaseUrl === undefined || redisUrl === undefined)) {
    throw new Error('CI must run the real-engine suites: set DATABASE_URL and REDIS_URL.');
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lobby-test-'));
  const pglite = new PGlite();
  await applyMigrations(new PrismaPGlite(pglite));
  const image = await pglite.dumpDataDir('none');
  await pglite.close();
  const pgliteImagePath = path.join(scratch, 'pglite.tar');
  await writeFile(pgliteImagePath, Buffer.from(await image.arrayBuffer()));
  project.provide('pgliteImagePath', pgliteImagePath);

  let templateName: string | null = null;
  if (databaseUrl !== undefined) {
    templateName = templateDatabaseName(databaseUrl);
    await adminQuery(databaseUrl, `DROP DATABASE IF EXISTS "${templateName}" WITH (FORCE)`);
    await adminQuery(databaseUrl, `CREATE DATABASE "${templateName}"`);
    const template = await openDatabase({
      kind: 'postgres',
      url: withDatabaseName(databaseUrl, templateName),
    });
    await template.migrate();
    await template.close();
  }
  project.provide(
    'postgres',
    databaseUrl === undefined || templateName === null
      ? null
      : { adminUrl: databaseUrl, templateName },
  );

  return async () => {
    await rm(scratch, { recursive: true, force: true });
    if (databaseUrl !== undefined && templateName !== null) {
      const leftovers = await adminQuery(
        databaseUrl,
        `SELECT datname FROM pg_database WHERE datname LIKE '${templateName}%'`,
      );
      for (const row of leftovers) {
        await adminQuery(
          databaseUrl,
          `DROP DATABASE IF EXISTS "${String(row.datname)}" WITH (FORCE)`,
        );
      }
    }
  };
}
