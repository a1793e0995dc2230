// Recognises the failures that mean "PostgreSQL or Redis is unreachable right now": the request
// did nothing and may be retried, unlike a bug. Errors are matched by their documented codes.

/** Prisma: can't reach the server, timed out, connection closed, pool wait timed out. */
const prismaUnreachableCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Driver adapter kinds (@prisma/adapter-pg) for the same. */
const adapterUnreachableKinds = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** Node's socket errors. */
const socketErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
/** pg's pool wait and lost connections; ioredis' bounded waits (see redis-connection.ts). */
const unreachableMessages = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Command timed out',
  'Connection is closed.',
  'Reached the max retries per request limit',
  "Stream isn't writeable",
];

function property(value: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(value, key)?.value ?? Reflect.get(value, key);
}

export function isEngineUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const code = property(error, 'code');
  const kind = property(error, 'kind');
  const name = property(error, 'name');
  const message = property(error, 'message');
  if (typeof code === 'string' && (prismaUnreachableCodes.has(code) || socketErrorCodes.has(code)))
    return true;
  if (typeof kind === 'string' && adapterUnreachableKinds.has(kind)) return true;
  if (name === 'PrismaClientInitializationError' || name === 'MaxRetriesPerRequestError')
    return true;
  if (typeof message === 'string' && unreachableMessages.some((part) => message.includes(part)))
    return true;
  // Prisma wraps the driver's error in `cause`, driver adapters in `cause.kind`.
  return isEngineUnavailable(property(error, 'cause'), depth + 1);
}
