// Long-lived connections seen from the wire: a GraphQL subscription over SSE, and a raw
// graphql-transport-ws socket that sends operations one by one and records every message.
import WebSocket from 'ws';
import { authorization } from './api-client.js';

export type SseMessage = { event: string; data: unknown };

/** A subscription over Server-Sent Events (graphql-yoga's "distinct connections" mode). */
export type SseSubscription = {
  /** Every `next` and `complete` message, in order (keep-alive comments left out). */
  readonly messages: SseMessage[];
  /** Resolves once the server ended the response. */
  readonly ended: Promise<void>;
  close(): void;
};

function parseSseMessage(block: string): SseMessage | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice('event:'.length).trim();
    else if (line.startsWith('data:')) data.push(line.slice('data:'.length).trim());
  }
  if (data.length === 0 && event === 'message') return undefined;
  const text = data.join('\n');
  return { event, data: text === '' ? null : JSON.parse(text) };
}

export async function subscribeOverSse(
  graphqlUrl: string,
  request: { query: string; variables?: Record<string, unknown> },
  token?: string,
): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...authorization(token),
    },
    body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
    signal: abort.signal,
  });
  if (response.body === null) throw new Error(`No event stream (${response.status})`);
  const messages: SseMessage[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffered = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += value;
        const blocks = buffered.split('\n\n');
        buffered = blocks.pop() ?? '';
        for (const block of blocks) {
          const message = parseSseMessage(block);
          if (message !== undefined) messages.push(message);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    messages,
    ended,
    close() {
      abort.abort();
    },
  };
}

/** A graphql-transport-ws socket driven message by message. */
export type RawGraphqlSocket = {
  /** Every message the server sent, parsed. */
  readonly received: { id?: string; type: string; payload?: unknown }[];
  /** Resolves with the close code and reason, whoever closed it. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the server acknowledged connection_init. */
  readonly acknowledged: Promise<void>;
  /** Sends one operation under a fresh id and returns the id. */
  send(query: string, variables?: Record<string, unknown>): string;
  close(): void;
};

export function openRawGraphqlSocket(webSocketUrl: string, token?: string): RawGraphqlSocket {
  const socket = new WebSocket(webSocketUrl, 'graphql-transport-ws');
  const received: RawGraphqlSocket['received'] = [];
  let nextId = 0;
  let onAcknowledged: () => void = () => undefined;
  const acknowledged = new Promise<void>((resolve) => {
    onAcknowledged = resolve;
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code: number, reason: Buffer) => {
      resolve({ code, reason: reason.toString() });
    });
  });
  socket.on('open', () => {
    socket.send(JSON.stringify({ type: 'connection_init', payload: authorization(token) }));
  });
  socket.on('message', (message: WebSocket.RawData) => {
    const text = Array.isArray(message)
      ? Buffer.concat(message).toString()
      : Buffer.from(new Uint8Array(message)).toString();
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('type' in parsed)) return;
    const { type } = parsed;
    if (typeof type !== 'string') return;
    received.push({
      type,
      ...('id' in parsed && typeof parsed.id === 'string' && { id: parsed.id }),
      ...('payload' in parsed && { payload: parsed.payload }),
    });
    if (type === 'connection_ack') onAcknowledged();
  });
  return {
    received,
    closed,
    acknowledged,
    send(query, variables = {}) {
      nextId += 1;
      const id = String(nextId);
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
      return id;
    },
    close() {
      socket.close(1000, 'done');
    },
  };
}
