// A worker process for the multi-process meeting test: runs pre-creation, the silent-session
// sweep and the ending sweep in a loop against shared PostgreSQL and Redis until its stdin closes
// (or `maxPasses`), and reports each pass as one JSON line on stdout.
// Run as `node --import tsx meetings-worker.ts '<options>'`.
import { openDatabase } from '../../src/engines/database/database.js';
import { endDueMeetings } from '../../src/services/meetings/ending.js';
import { precreateMeetings } from '../../src/services/meetings/precreate.js';
import { closeStaleSessions } from '../../src/services/meetings/presence.js';
import { meetingDependencies } from './meetings-fixtures.js';
import { workerOptions, type WorkerReport } from './meetings-worker-process.js';
import { redisEngines } from './engines.js';

const options = workerOptions.parse(JSON.parse(process.argv[2] ?? '{}'));
const now = new Date(options.now);
const database = await openDatabase({ kind: 'postgres', url: options.databaseUrl, poolSize: 5 });
const engines = redisEngines({
  url: options.redisUrl,
  prefix: options.redisPrefix,
  log: (message, error) => {
    process.stderr.write(`${message}: ${String(error)}\n`);
  },
});
const deps = meetingDependencies(database.prisma, engines, () => now);

const report = (line: WorkerReport) => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const stopping = new AbortController();
process.stdin.on('close', () => {
  stopping.abort();
});
process.stdin.resume();

for (let pass = 0; pass < options.maxPasses && !stopping.signal.aborted; pass += 1) {
  try {
    const created = await precreateMeetings(deps);
    const closedSessions = await closeStaleSessions(deps);
    const ended = await endDueMeetings(deps);
    report({
      pass,
      createdFor: created.map(({ calendarEventId }) => calendarEventId),
      ended: ended.map(({ id }) => id),
      closedSessions,
    });
  } catch (error) {
    report({
      pass,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}
await engines.close();
await database.close();
// An open handle must not keep a finished worker alive.
process.exit(0);
