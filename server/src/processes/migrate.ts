// `npm run db:migrate`: the equivalent of `prisma migrate deploy`, without Prisma's native engine.
import { loadConfig } from '../config.js';
import { openDatabaseFromConfig } from './runtime.js';

const config = loadConfig();
const database = await openDatabaseFromConfig(config);
try {
  const applied = await database.migrate();
  console.log(
    applied.length === 0
      ? 'Database is up to date: no pending migrations.'
      : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
} finally {
  await database.close();
}
// A pg pool or the WASM engine would otherwise keep the process alive for seconds.
process.exit(0);
