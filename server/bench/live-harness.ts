// What `bench:live` and `bench:rooms` share: API processes' figures over IPC, subscriber processes
// (`live-subscribers.ts`) and the messages they answer with.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ApiProcess } from '../test/support/api-server.js';
import { childMessage, type ChildMessage } from './live-protocol.js';

export const apiScript = fileURLToPath(new URL('./api-process.ts', import.meta.url));
const subscriberScript = fileURLToPath(new URL('./live-subscribers.ts', import.meta.url));
/** Connections one subscriber process holds: a client process must not be what is measured. */
export const subscribersPerProcess = 2_500;
export const epochMs = () => performance.timeOrigin + performance.now();

const apiStats = z.object({
  loadCount: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
});
export type ApiStats = z.infer<typeof apiStats>;

/** The API process's lobby loads and memory after a GC (see api-process.ts). */
export async function statsOf(api: ApiProcess): Promise<ApiStats> {
  const reply = once(api.child, 'message');
  api.child.send('stats');
  const messages: unknown[] = await reply;
  return apiStats.parse(messages[0]);
}

/** Bytes the API processes grew by, together, from `before` to `after` (same order). */
export function grownBytes(
  before: readonly ApiStats[],
  after: readonly ApiStats[],
  key: 'rssBytes' | 'heapUsedBytes',
): number {
  return after.reduce((sum, stats, index) => sum + stats[key] - (before[index]?.[key] ?? 0), 0);
}

export type Subscribers = {
  child: ChildProcess;
  messages: ChildMessage[];
  waiters: (() => void)[];
};

/**
 * `count` subscribers in a child process, round robin over the API URLs from `firstIndex` on;
 * subscriber i follows `roomNames[i % roomNames.length]`.
 */
export function startSubscribers(
  webSocketUrls: string[],
  count: number,
  firstIndex: number,
  roomNames: string[],
): Subscribers {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      subscriberScript,
      JSON.stringify({ webSocketUrls, count, firstIndex, roomNames }),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const subscribers: Subscribers = { child, messages: [], waiters: [] };
  child.on('message', (raw) => {
    subscribers.messages.push(childMessage.parse(raw));
    for (const waiter of subscribers.waiters.splice(0)) waiter();
  });
  return subscribers;
}

/** The first message of `type` (for `change`) from these subscribers, or undefined at the deadline. */
export async function nextMessage<Type extends ChildMessage['type']>(
  subscribers: Subscribers,
  type: Type,
  change: number | undefined,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: Type }> | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = subscribers.messages.find(
      (message): message is Extract<ChildMessage, { type: Type }> =>
        message.type === type &&
        (change === undefined || !('change' in message) || message.change === change),
    );
    if (found !== undefined) {
      subscribers.messages.splice(subscribers.messages.indexOf(found), 1);
      return found;
    }
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, remainingMs);
      subscribers.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Waits until every one of these processes has opened its subscribers; returns how many failed. */
export async function awaitReady(all: readonly Subscribers[], timeoutMs: number): Promise<number> {
  const ready = await Promise.all(
    all.map((subscribers) => nextMessage(subscribers, 'ready', undefined, timeoutMs)),
  );
  if (ready.some((message) => message === undefined)) {
    throw new Error('Subscribers were not ready in time');
  }
  return ready.reduce((sum, message) => sum + (message?.failed ?? 0), 0);
}

/** When each subscriber that had to see this change saw it, and how many never did. */
export type ChangeReceipts = { receivedAtMs: number[]; missing: number };

/**
 * Arms these processes for a change (of `roomName` only, when given), makes it, and collects when
 * each subscriber got `expectedLobby`. Returns the receipts and when the change was sent.
 */
export async function measureChange(
  all: readonly Subscribers[],
  change: { index: number; expectedLobby: string; roomName?: string },
  makeChange: () => Promise<void>,
  timeoutMs: number,
): Promise<ChangeReceipts & { sentAtMs: number }> {
  for (const subscribers of all) {
    subscribers.child.send({
      type: 'arm',
      change: change.index,
      expectedLobby: change.expectedLobby,
      ...(change.roomName !== undefined && { roomName: change.roomName }),
    });
  }
  await Promise.all(
    all.map((subscribers) => nextMessage(subscribers, 'armed', change.index, timeoutMs)),
  );
  const sentAtMs = epochMs();
  await makeChange();
  const receipts: ChangeReceipts = { receivedAtMs: [], missing: 0 };
  for (const subscribers of all) {
    let received = await nextMessage(subscribers, 'received', change.index, timeoutMs);
    if (received === undefined) {
      subscribers.child.send({ type: 'collect', change: change.index });
      received = await nextMessage(subscribers, 'received', change.index, timeoutMs);
    }
    receipts.missing += received?.missing ?? 0;
    receipts.receivedAtMs.push(...(received?.receivedAtMs ?? []));
  }
  return { ...receipts, sentAtMs };
}

/** Asks each subscriber process to drop its connections and waits until it has exited. */
export async function closeSubscribers(all: readonly Subscribers[]): Promise<void> {
  await Promise.all(
    all.map(async (subscribers) => {
      if (!subscribers.child.connected) return;
      const exited = once(subscribers.child, 'exit');
      subscribers.child.send({ type: 'close' });
      await exited;
    }),
  );
}
