// Prisma's WebAssembly schema engine, driven through a driver adapter: migrations without the
// native engine that Prisma's CLI would download (see README, "Migrations").
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList } from '@prisma/schema-engine-wasm';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const prismaSchemaPath = path.join(repositoryRoot, 'prisma/schema.prisma');
export const migrationsDirectory = path.join(repositoryRoot, 'prisma/migrations');

const noFilters = { externalTables: [], externalEnums: [] };

let wasmReady: Promise<void> | undefined;

function isCallable(value: unknown): value is () => void {
  return typeof value === 'function';
}

/** The package is built for bundlers: in plain Node we instantiate its module ourselves. */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(bindingsPath.replace(/\.js$/, '.wasm'));
    const instance = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': { ...engineBindings },
    });
    engineBindings.__wbg_set_wasm(instance.instance.exports);
    const start = instance.instance.exports.__wbindgen_start;
    if (isCallable(start)) start();
  })();
  return wasmReady;
}

export async function readPrismaSchema(): Promise<string> {
  return readFile(prismaSchemaPath, 'utf8');
}

/** Reads prisma/migrations exactly as Prisma's CLI does (directories sorted by name). */
export async function readMigrationList(): Promise<MigrationList> {
  const lockfilePath = path.join(migrationsDirectory, 'migration_lock.toml');
  const lockfileContent = await readFile(lockfilePath, 'utf8').catch(() => null);
  const entries = await readdir(migrationsDirectory, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    directories.map(async (name) => {
      const content = await readFile(path.join(migrationsDirectory, name, 'migration.sql'), 'utf8')
        .then((value) => ({ tag: 'ok' as const, value }))
        .catch((error: unknown) => ({ tag: 'error' as const, value: String(error) }));
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  return {
    baseDir: migrationsDirectory,
    lockfile: { path: 'migration_lock.toml', content: lockfileContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Runs `use` with a schema engine bound to the given adapter, then frees the engine. */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  use: (engine: engineBindings.SchemaEngine, schema: string) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const schema = await readPrismaSchema();
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  try {
    return await use(engine, schema);
  } finally {
    engine.free();
  }
}

/** The equivalent of `prisma migrate deploy`: applies pending migrations, returns their names. */
export async function applyMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<string[]> {
  const migrationsList = await readMigrationList();
  const output = await withSchemaEngine(adapterFactory, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  return output.appliedMigrationNames;
}

/** SQL that takes a database at the last migration to the current schema ('' when none). */
export async function diffMigrationsToSchema(
  shadowAdapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<string> {
  const migrationsList = await readMigrationList();
  const result = await withSchemaEngine(shadowAdapterFactory, (engine, schema) =>
    engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    }),
  );
  return result.stdout ?? '';
}
