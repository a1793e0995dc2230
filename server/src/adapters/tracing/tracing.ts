// OpenTelemetry: spans for HTTP requests, Prisma queries and Redis commands from the libraries'
// instrumentations (GraphQL operations, BullMQ jobs and feed downloads make their own), exported
// over OTLP/HTTP. Started only by processes/tracing.ts.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { lobbyVersion } from '../../version.js';

export type TracingSettings = {
  /** OTLP/HTTP base URL, as OTEL_EXPORTER_OTLP_ENDPOINT: spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
};

let provider: NodeTracerProvider | undefined;

export function startTracing(settings: TracingSettings): void {
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: lobbyVersion,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces` })),
    ],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing requests are feed downloads (their URLs carry secrets: safe-fetch makes its own
      // span with the host only) and the exporter's own posts.
      new HttpInstrumentation({
        disableOutgoingRequestInstrumentation: true,
        // GraphQL over GET carries its document and variables (a feed URL) in the query string.
        redactedQueryParamsServer: ['query', 'variables', 'extensions'],
      }),
      // The command only: keys and arguments hold client addresses and event payloads.
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
      new PrismaInstrumentation(),
    ],
  });
}

/** Exports what is still buffered; a no-op when tracing is off. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}
