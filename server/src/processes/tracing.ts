// Preloaded with `node --import` before a process's own modules, so the libraries it traces are
// patched as they load. Without OTEL_EXPORTER_OTLP_ENDPOINT it loads nothing and traces nothing.
import { register } from 'node:module';
import { loadConfig } from '../config.js';

const { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: serviceName } = loadConfig();
if (endpoint !== undefined) {
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  // ES modules can only be patched through a loader hook; it wraps only what is instrumented.
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const { startTracing } = await import('../adapters/tracing/tracing.js');
  startTracing({ endpoint, serviceName });
  await waitForAllMessagesAcknowledged();
}
