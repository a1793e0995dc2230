// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql by
// replaying the existing migrations on an in-memory PGlite and diffing it against the schema.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { diffMigrationsToSchema, migrationsDirectory } from '../engines/database/schema-engine.js';

const name = process.argv[2];
if (name === undefined || !/^[a-z0-9_]+$/.test(name)) {
  console.error(
    'Usage: npm run db:migration -- <name>   (lower-case letters, digits, underscores)',
  );
  process.exit(2);
}
const shadow = new PGlite();
const sql = await diffMigrationsToSchema(new PrismaPGlite(shadow));
await shadow.close();
if (sql.trim() === '' || sql.includes('-- This is an empty migration.')) {
  console.log('The schema matches the migrations: nothing to write.');
  process.exit(0);
}
const timestamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const directory = path.join(migrationsDirectory, `${timestamp}_${name}`);
await mkdir(directory, { recursive: true });
await writeFile(path.join(directory, 'migration.sql'), sql);
console.log(`Wrote ${path.relative(process.cwd(), path.join(directory, 'migration.sql'))}`);
process.exit(0);
