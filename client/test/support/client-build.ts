// The production build the server hands to browsers: built once, again only when its sources changed.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const builtIndex = path.join(repositoryRoot, 'client/dist/index.html');
/** Everything the bundle is made from: the client, its schema, and the server rules it imports. */
const buildInputs = [
  'client/src',
  'client/index.html',
  'client/vite.config.ts',
  'client/codegen.ts',
  'client/package.json',
  'schema.graphql',
  'server/src/domain',
].map((input) => path.join(repositoryRoot, input));
/** Test files sit next to the sources but never reach the bundle. */
const isTestFile = (file: string) => file.endsWith('.test.ts');

/** Test files of several workers may ask at once; a directory is created atomically or not at all. */
const lockDirectory = path.join(os.tmpdir(), 'lobby-client-build.lock');
const lockWaitMs = 180_000;
const lockPollMs = 250;
const buildTimeoutMs = 170_000;

async function modifiedMs(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

async function newestModifiedMs(input: string): Promise<number> {
  const entries = await readdir(input, { recursive: true, withFileTypes: true }).catch(() => null);
  if (entries === null) return (await modifiedMs(input)) ?? 0;
  const files = entries
    .filter((entry) => entry.isFile() && !isTestFile(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
  const times = await Promise.all(files.map(async (file) => (await modifiedMs(file)) ?? 0));
  return Math.max(0, ...times);
}

async function isBuildCurrent(): Promise<boolean> {
  const builtMs = await modifiedMs(builtIndex);
  if (builtMs === null) return false;
  const inputTimes = await Promise.all(buildInputs.map(newestModifiedMs));
  return Math.max(...inputTimes) <= builtMs;
}

async function withBuildLock(work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      await mkdir(lockDirectory);
      break;
    } catch (error) {
      // A lock older than any build was left by a test run that was killed while building.
      const lockedMs = await modifiedMs(lockDirectory);
      if (lockedMs !== null && Date.now() - lockedMs > lockWaitMs) {
        await rmdir(lockDirectory).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Another process has held ${lockDirectory} for too long`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, lockPollMs));
    }
  }
  try {
    await work();
  } finally {
    await rmdir(lockDirectory);
  }
}

/** Runs `npm run build -w client` when client/dist is missing or older than what it is built from. */
export async function ensureClientBuilt(): Promise<void> {
  if (await isBuildCurrent()) return;
  await withBuildLock(async () => {
    if (await isBuildCurrent()) return;
    await run('npm', ['run', 'build', '-w', 'client'], {
      cwd: repositoryRoot,
      timeout: buildTimeoutMs,
    });
  });
}
