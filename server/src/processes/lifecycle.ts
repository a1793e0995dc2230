// Graceful shutdown: on SIGTERM/SIGINT stop taking work, drain, close connections, exit.
import { loadConfig } from '../config.js';
import type { Log } from './runtime.js';

/** Spans still buffered would die with the process. */
async function flushTraces(): Promise<void> {
  if (loadConfig().OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return;
  const { stopTracing } = await import('../adapters/tracing/tracing.js');
  await stopTracing();
}

export function closeOnSignals(close: () => Promise<void>, log: Log): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal} received: draining and closing…`);
    close()
      .then(flushTraces)
      .then(
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
