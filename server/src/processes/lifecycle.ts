// Graceful shutdown: on SIGTERM/SIGINT stop taking work, drain, close connections, exit.
import type { Log } from './runtime.js';

export function closeOnSignals(close: () => Promise<void>, log: Log): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal} received: draining and closing…`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
}
