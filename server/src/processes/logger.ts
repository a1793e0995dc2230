// Structured logs: one pino logger per process, JSON lines on stdout. Each HTTP request, WebSocket
// operation and job runs with a request id (AsyncLocalStorage) that every line logged on its behalf
// carries, down to the sync run and meeting lines; secrets are removed by pino's own redaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config.js';

/** The process's log: info without an error, error level (with the error serialized) with one. */
export type Log = {
  (message: string, error?: unknown): void;
  /** An event worth a line of its own, with its fields (ids, outcome, reason…). */
  event(message: string, fields: Record<string, unknown>): void;
  debug(message: string, fields: Record<string, unknown>): void;
};

/**
 * Where credentials or feed URLs (which often embed a token) could sit in a line: request headers,
 * WebSocket connection parameters, fields of that name, and errors that quote their input (Node's
 * ERR_INVALID_URL keeps the URL in `input`), also as another error's cause.
 */
export const redactedPaths = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'connectionParams.authorization',
  'token',
  'apiKey',
  'secret',
  'password',
  'url',
  'feedUrl',
  '*.authorization',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.url',
  '*.feedUrl',
  'err.input',
  'err.cause.input',
  'err.cause.url',
];

const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `work` under a new request id: lines logged on its behalf carry it. */
export function withRequestId<Result>(work: () => Result): Result {
  return requestScope.run({ requestId: randomUUID() }, work);
}

function wrap(logger: Logger): Log {
  const log = (message: string, error?: unknown) => {
    if (error === undefined) logger.info(message);
    else logger.error({ err: error }, message);
  };
  return Object.assign(log, {
    event(message: string, fields: Record<string, unknown>) {
      logger.info(fields, message);
    },
    debug(message: string, fields: Record<string, unknown>) {
      logger.debug(fields, message);
    },
  });
}

export function createLog(options: {
  level: Config['LOG_LEVEL'];
  destination?: DestinationStream;
}): Log {
  const logger = pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      // The request id of the HTTP request, WebSocket operation or job this line is part of.
      mixin: () => requestScope.getStore() ?? {},
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return wrap(logger);
}
