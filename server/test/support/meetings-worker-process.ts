// Worker processes for the multi-process meeting test: how to start one, what it takes and reports.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The options a worker process takes as its one argument, as JSON. */
export const workerOptions = z.object({
  databaseUrl: z.string(),
  redisUrl: z.string(),
  redisPrefix: z.string(),
  /** The workers' shared clock, fixed: the test chooses every instant in its data. */
  now: z.iso.datetime(),
  /** A bound on the loop, for a parent that never says stop. */
  maxPasses: z.number().int().positive(),
});

export type WorkerOptions = z.infer<typeof workerOptions>;

/** One JSON line per pass on the worker's stdout. */
export const workerReport = z.union([
  z.object({
    pass: z.number(),
    /** The occurrences this process created meetings for. */
    createdFor: z.array(z.string().nullable()),
    /** The meetings this process ended. */
    ended: z.array(z.string()),
    closedSessions: z.number(),
  }),
  z.object({ pass: z.number(), error: z.string() }),
]);

export type WorkerReport = z.infer<typeof workerReport>;

const workerScript = fileURLToPath(new URL('./meetings-worker.ts', import.meta.url));

export type WorkerExit = { code: number | null; signal: NodeJS.Signals | null };

export type WorkerProcess = {
  /** Every pass reported so far. */
  readonly reports: WorkerReport[];
  readonly exited: Promise<WorkerExit>;
  /** Resolves once the process has reported `passes` passes, or has ended. */
  reported(passes: number): Promise<void>;
  /** Asks the process to finish its current pass and exit. */
  stop(): void;
  kill(): void;
};

/** Starts a worker as its own node process (no tsx CLI in between, so a kill reaches it). */
export function startWorker(options: WorkerOptions): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', workerScript, JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const reports: WorkerReport[] = [];
  const waiting: { passes: number; resolve: () => void }[] = [];
  const hasEnded = () => child.exitCode !== null || child.signalCode !== null;
  const settle = () => {
    for (const waiter of waiting.filter(({ passes }) => hasEnded() || reports.length >= passes)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    reports.push(workerReport.parse(JSON.parse(line)));
    settle();
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    child.on('exit', (code, signal) => {
      settle();
      resolve({ code, signal });
    });
  });
  return {
    reports,
    exited,
    reported: (passes) =>
      new Promise((resolve) => {
        waiting.push({ passes, resolve });
        settle();
      }),
    stop: () => child.stdin.end(),
    kill: () => child.kill('SIGKILL'),
  };
}
