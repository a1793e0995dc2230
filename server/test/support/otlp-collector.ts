// A real OTLP/HTTP (JSON) trace receiver on loopback: what an OpenTelemetry collector would be given.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { z } from 'zod';

const anyValue = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.number(), z.string()]).optional(),
  doubleValue: z.number().optional(),
  boolValue: z.boolean().optional(),
});
const keyValues = z.array(z.object({ key: z.string(), value: anyValue })).default([]);
const exportRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: keyValues }),
      scopeSpans: z.array(
        z.object({
          scope: z.object({ name: z.string() }),
          spans: z.array(
            z.object({
              traceId: z.string(),
              spanId: z.string(),
              parentSpanId: z.string().optional(),
              name: z.string(),
              kind: z.number(),
              attributes: keyValues,
              status: z.object({ code: z.number().optional() }).optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

export type ReceivedSpan = {
  service: string;
  scope: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, string | number | boolean>;
  failed: boolean;
};

function attributesOf(entries: z.infer<typeof keyValues>): ReceivedSpan['attributes'] {
  const attributes: ReceivedSpan['attributes'] = {};
  for (const { key, value } of entries) {
    const scalar = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    if (scalar !== undefined) attributes[key] = scalar;
  }
  return attributes;
}

export type OtlpCollector = {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Every request body as received, to search for what must never be exported. */
  bodies: string[];
  close(): Promise<void>;
};

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = exportRequest.safeParse(JSON.parse(body));
      if (request.url !== '/v1/traces' || !parsed.success) {
        response.writeHead(400).end();
        return;
      }
      bodies.push(body);
      for (const { resource, scopeSpans } of parsed.data.resourceSpans) {
        const service = attributesOf(resource.attributes)['service.name'];
        for (const { scope, spans: received } of scopeSpans) {
          for (const span of received) {
            spans.push({
              service: String(service),
              scope: scope.name,
              name: span.name,
              kind: span.kind,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
              attributes: attributesOf(span.attributes),
              failed: span.status?.code === 2,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP address');
  return {
    endpoint: `http://127.0.0.1:${String(address.port)}`,
    spans,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
