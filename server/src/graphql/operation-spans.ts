// A span per GraphQL operation (OpenTelemetry), active while it executes so the database queries
// it makes are its children. Without a tracer provider the spans are no-ops.
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { getOperationAST, Kind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';

const tracer = trace.getTracer('lobby/graphql');

async function inSpan(phase: string, wrapped: () => unknown): Promise<void> {
  await tracer.startActiveSpan(`graphql.${phase}`, async (span: Span) => {
    try {
      await wrapped();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs inside the span: names it after the operation, as OpenTelemetry's conventions say. */
function describeActiveSpan(document: unknown, operationName: unknown) {
  // envelop types execution arguments loosely (graphql-agnostic): check what they hold.
  if (!isDocument(document)) return;
  const operation = getOperationAST(
    document,
    typeof operationName === 'string' ? operationName : undefined,
  );
  const span = trace.getActiveSpan();
  if (operation === null || operation === undefined || span === undefined) return;
  const name = operation.name?.value;
  span.updateName(name === undefined ? operation.operation : `${operation.operation} ${name}`);
  span.setAttribute('graphql.operation.type', operation.operation);
  if (name !== undefined) span.setAttribute('graphql.operation.name', name);
}

const isDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' && value !== null && 'kind' in value && value.kind === Kind.DOCUMENT;

export function useOperationSpans(): Plugin<Context> {
  return {
    instrumentation: {
      execute: (_payload, wrapped) => inSpan('execute', wrapped),
      subscribe: (_payload, wrapped) => inSpan('subscribe', wrapped),
    },
    onExecute({ args }) {
      describeActiveSpan(args.document, args.operationName);
    },
    onSubscribe({ args }) {
      describeActiveSpan(args.document, args.operationName);
    },
  };
}
