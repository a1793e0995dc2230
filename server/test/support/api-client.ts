// Talking to a Lobby API as an integrator would: GraphQL over HTTP, graphql-ws subscriptions, and
// small readers for the untyped JSON that comes back.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type GraphqlError = { message: string; extensions?: Record<string, unknown> };

export type GraphqlResponse = {
  status: number;
  /** The `data` member (null or undefined when the request failed). */
  data: unknown;
  errors: GraphqlError[] | undefined;
  /** The whole JSON body, for assertions on its exact shape. */
  body: unknown;
};

export type GqlOptions = { token?: string | undefined; headers?: Record<string, string> };

export type Gql = (
  query: string,
  variables?: Record<string, unknown>,
  options?: GqlOptions,
) => Promise<GraphqlResponse>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function graphqlErrors(value: unknown): GraphqlError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((error: unknown) => ({
    message: isRecord(error) && typeof error.message === 'string' ? error.message : String(error),
    ...(isRecord(error) && isRecord(error.extensions) && { extensions: error.extensions }),
  }));
}

/** Bearer header for a token; none for anonymous callers. */
export function authorization(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** `gql(query, variables, { token })` against one GraphQL endpoint over HTTP POST. */
export function graphqlClient(graphqlUrl: string): Gql {
  return async (query, variables = {}, options = {}) => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...authorization(options.token),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body: unknown = await response.json();
    return {
      status: response.status,
      data: isRecord(body) ? body.data : undefined,
      errors: isRecord(body) ? graphqlErrors(body.errors) : undefined,
      body,
    };
  };
}

/** The value at `path` inside JSON, or undefined where the path leads nowhere. */
export function pick(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') {
      current = Array.isArray(current) ? current[step] : undefined;
    } else {
      current = isRecord(current) ? current[step] : undefined;
    }
  }
  return current;
}

/** The string at `path`; throws, showing the JSON, when there is none. */
export function pickString(value: unknown, ...path: (string | number)[]): string {
  const found = pick(value, ...path);
  if (typeof found !== 'string') {
    throw new Error(`No string at ${path.join('.')} in ${JSON.stringify(value)}`);
  }
  return found;
}

/** The array at `path` (empty when there is none). */
export function pickArray(value: unknown, ...path: (string | number)[]): unknown[] {
  const found = pick(value, ...path);
  return Array.isArray(found) ? found : [];
}

/** The `data` of a response that must have succeeded; throws with the errors otherwise. */
export function dataOf(response: GraphqlResponse): unknown {
  if (response.errors !== undefined || response.status !== 200) {
    throw new Error(
      `GraphQL request failed (${response.status}): ${JSON.stringify(response.body)}`,
    );
  }
  return response.data;
}

const pollIntervalMs = 25;
const pollTimeoutMs = 15_000;

/** Polls `check` until it holds, for at most 15 s; throws naming `what` if it never does. */
export async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + pollTimeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

export type Emission = { data: unknown; errors: GraphqlError[] | undefined };

/** A running subscription that keeps everything it received, in order. */
export type RecordedSubscription = {
  readonly emissions: Emission[];
  /** Set once the server completed the subscription or failed it. */
  readonly ended: { completed: boolean; error: unknown };
  /** Resolves once the server acknowledged the connection (the subscription is sent right after). */
  readonly connected: Promise<void>;
  /** The first emission from index `from` on that satisfies `predicate`, waiting for it if need be. */
  waitFor(
    predicate: (emission: Emission) => boolean,
    options?: { from?: number; timeoutMs?: number },
  ): Promise<Emission>;
  /** Resolves once the subscription ended (completed or failed). */
  waitForEnd(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

const defaultWaitMs = 10_000;

/** A graphql-ws client for one socket; `token` goes in connection_init as DESIGN §5 says. */
export function webSocketClient(
  webSocketUrl: string,
  token?: string,
  onConnected: () => void = () => undefined,
): Client {
  return createClient({
    url: webSocketUrl,
    webSocketImpl: WebSocket,
    connectionParams: authorization(token),
    retryAttempts: 0,
    lazy: true,
    on: { connected: onConnected },
  });
}

/** Subscribes on its own socket and records every emission until closed. */
export function recordSubscription(
  webSocketUrl: string,
  request: { query: string; variables?: Record<string, unknown> },
  token?: string,
): RecordedSubscription {
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => {
    onConnected = resolve;
  });
  const client = webSocketClient(webSocketUrl, token, () => {
    onConnected();
  });
  const emissions: Emission[] = [];
  const ended: { completed: boolean; error: unknown } = { completed: false, error: undefined };
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const dispose = client.subscribe(
    { query: request.query, variables: request.variables ?? {} },
    {
      next: (result) => {
        emissions.push({ data: result.data, errors: graphqlErrors(result.errors) });
        notify();
      },
      error: (error: unknown) => {
        ended.error = error;
        ended.completed = true;
        notify();
      },
      complete: () => {
        ended.completed = true;
        notify();
      },
    },
  );

  function until<T>(found: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        finish();
        resolve(value);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${what} within ${timeoutMs} ms; received ${JSON.stringify(emissions)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return {
    emissions,
    ended,
    connected,
    waitFor(predicate, options = {}) {
      const from = options.from ?? 0;
      return until(
        () => emissions.slice(from).find(predicate),
        options.timeoutMs ?? defaultWaitMs,
        'No matching emission',
      );
    },
    waitForEnd(timeoutMs = defaultWaitMs) {
      return until(
        () => (ended.completed ? true : undefined),
        timeoutMs,
        'The subscription did not end',
      ).then(() => undefined);
    },
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

/** Opens a raw graphql-transport-ws socket, sends connection_init and reports how it closed. */
export function connectionInitCloseCode(
  webSocketUrl: string,
  payload: Record<string, unknown>,
): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(webSocketUrl, 'graphql-transport-ws');
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload }));
    });
    socket.on('message', (message: WebSocket.RawData) => {
      const text = Array.isArray(message)
        ? Buffer.concat(message).toString()
        : Buffer.from(new Uint8Array(message)).toString();
      // An acknowledged connection stays open: say so by closing it ourselves.
      if (text.includes('connection_ack')) socket.close(1000, 'acknowledged');
    });
    socket.on('close', (code: number, reason: Buffer) => {
      resolve({ code, reason: reason.toString() });
    });
    socket.on('error', reject);
  });
}
