import { Worker } from 'node:worker_threads';
import {
  FeedParseError,
  type FeedReading,
  type ReadFeedOptions,
} from '../../domain/calendar/read-feed.js';
import type { ReadReply, ReadRequest } from './messages.js';

export type FeedReader = {
  /** Reads a feed like `readFeed`; a FeedParseError also when it takes longer than the limit. */
  read(text: string, options: ReadFeedOptions): Promise<FeedReading>;
  /** Ends the idle threads; a read still running ends its thread when it is done. */
  close(): Promise<void>;
};

export type FeedReaderOptions = {
  /** Wall-clock limit of one read, thread start included. */
  timeoutSeconds: number;
  /**
   * Threads kept warm between reads (1 by default): as many as reads run at once, since a cold
   * start costs more than most reads. Only threads a read started are kept.
   */
  idleThreads?: number;
};

class FeedReadTimeoutError extends FeedParseError {
  override name = 'FeedReadTimeoutError';

  constructor(readonly timeoutSeconds: number) {
    super(`The feed took too long to read (more than ${String(timeoutSeconds)} s)`);
  }
}

/**
 * How to start the thread: the compiled .js next to this module under plain node; under tsx and
 * vitest, the .ts source, through tsx's loader registered in the thread itself.
 */
function workerStart(): { entry: URL | string; eval: boolean } {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.js')) {
    return { entry: new URL('./read-feed-worker.js', here), eval: false };
  }
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const source = new URL('./read-feed-worker.ts', here).href;
  return {
    entry: `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`,
    eval: true,
  };
}

export function createFeedReader(options: FeedReaderOptions): FeedReader {
  const start = workerStart();
  const timeoutMs = options.timeoutSeconds * 1000;
  const idleThreads = options.idleThreads ?? 1;
  const idle: Worker[] = [];
  let closed = false;

  function startThread(): Worker {
    const worker = new Worker(start.entry, { eval: start.eval });
    // An idle thread that exits on its own (it should not) is simply not reused.
    worker.once('exit', () => {
      const index = idle.indexOf(worker);
      if (index !== -1) idle.splice(index, 1);
    });
    return worker;
  }

  function release(worker: Worker): void {
    if (!closed && idle.length < idleThreads) {
      // Idle threads must not keep the process alive.
      worker.unref();
      idle.push(worker);
    } else {
      void worker.terminate();
    }
  }

  function ask(worker: Worker, request: ReadRequest): Promise<ReadReply> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: ReadReply) => {
        settle();
        resolve(reply);
      };
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`The feed reading thread exited (code ${String(code)})`));
      };
      const timer = setTimeout(() => {
        settle();
        reject(new FeedReadTimeoutError(options.timeoutSeconds));
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(request);
    });
  }

  return {
    async read(text, readOptions) {
      const worker = idle.pop() ?? startThread();
      worker.ref();
      let reply: ReadReply;
      try {
        reply = await ask(worker, { text, options: readOptions });
      } catch (error) {
        // Out of time or crashed: the thread is never reused.
        void worker.terminate();
        throw error;
      }
      release(worker);
      if (reply.kind === 'parse-failed') throw new FeedParseError(reply.message);
      return reply.reading;
    },
    async close() {
      closed = true;
      await Promise.all(idle.splice(0).map((worker) => worker.terminate()));
    },
  };
}
