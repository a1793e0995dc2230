// Fresh, migrated databases for tests: every suite runs on PGlite, and on PostgreSQL too where
// DATABASE_URL is set (CI always sets it).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/engines/database/database.js';
import { adminQuery, withDatabaseName } from './postgres-admin.js';

/** `url` is set for PostgreSQL, so other processes can share the database. */
export type TestDatabase = Database & { url: string | undefined; drop(): Promise<void> };

export type DatabaseEngineName = 'pglite' | 'postgres';

async function openPglite(): Promise<TestDatabase> {
  const image = await readFile(inject('pgliteImagePath'));
  const database = await openDatabase({ kind: 'pglite', image: new Blob([image]) });
  return { ...database, url: undefined, drop: () => database.close() };
}

async function openPostgres(adminUrl: string, templateName: string): Promise<TestDatabase> {
  const name = `${templateName}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  const url = withDatabaseName(adminUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 20 });
  return {
    ...database,
    url,
    async drop() {
      await database.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** The database engines this run covers, for `describe.each`. */
export function databaseEngines(): {
  engine: DatabaseEngineName;
  open: () => Promise<TestDatabase>;
}[] {
  const postgres = inject('postgres');
  return [
    { engine: 'pglite', open: openPglite },
    ...(postgres === null
      ? []
      : [
          {
            engine: 'postgres' as const,
            open: () => openPostgres(postgres.adminUrl, postgres.templateName),
          },
        ]),
  ];
}
