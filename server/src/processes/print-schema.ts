// `npm run schema:print` writes schema.graphql from the Pothos schema; `--check` fails on drift.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchemaSdl } from '../graphql/schema.js';

const schemaPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../schema.graphql',
);
const sdl = printSchemaSdl();

if (process.argv.includes('--check')) {
  const committed = await readFile(schemaPath, 'utf8').catch(() => '');
  if (committed !== sdl) {
    console.error('schema.graphql is stale: run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date.');
} else {
  await writeFile(schemaPath, sdl);
  console.log(`Wrote ${path.relative(process.cwd(), schemaPath)}`);
}
