// The outbox relay: sends the outbox rows that their own process did not (it died between commit
// and publish, or Redis was down), oldest first, and deletes them. Every process with an event bus
// runs one; row locks taken with SKIP LOCKED keep two relays from sending the same row.
import { z } from 'zod';
import { domainEventSchema } from '../../domain/events.js';
import type { ServiceDependencies } from '../dependencies.js';

type Deps = Pick<ServiceDependencies, 'prisma' | 'events' | 'log'>;

/** A row younger than this is still its own process's to publish right after its commit. */
const outboxLeftoverAgeSeconds = 5;
/** How often each process looks for leftovers. */
const outboxRelayIntervalMs = 2_000;
/** Rows one relay pass locks and sends; a pass that fills it is followed by another at once. */
const relayBatchSize = 100;
/** A relay is never in a hurry: on PGlite's one connection it waits for the requests' turns. */
const relayTransactionOptions = { maxWait: 10_000, timeout: 20_000 };

const outboxRow = z.object({
  id: z.coerce.bigint(),
  topic: z.string(),
  event: z.unknown(),
});

/**
 * One pass: locks up to a batch of rows older than `minAgeSeconds` (skipping rows another relay
 * holds), publishes them in id order and deletes those sent. The first failed publish ends the
 * pass: the rest stay for a later one, and the failure is thrown after the commit. Returns how
 * many rows it sent.
 */
export async function relayOutbox(
  deps: Deps,
  options: { minAgeSeconds: number } = { minAgeSeconds: outboxLeftoverAgeSeconds },
): Promise<number> {
  const pass = await deps.prisma.$transaction(async (transaction) => {
    const rows = await transaction.$queryRaw<unknown[]>`
      SELECT "id", "topic", "event" FROM "OutboxEvent"
      WHERE "createdAt" <= now() - make_interval(secs => ${options.minAgeSeconds})
      ORDER BY "id" LIMIT ${relayBatchSize}
      FOR UPDATE SKIP LOCKED`;
    const done: bigint[] = [];
    let failure: { reason: unknown } | undefined;
    // One at a time, in id order: while Redis is down a pass stops at its first row, so this
    // process's listeners get that one event again, not the whole batch.
    for (const raw of rows) {
      const row = outboxRow.parse(raw);
      const event = domainEventSchema.safeParse(row.event);
      if (event.success) {
        try {
          await deps.events.publish(row.topic, event.data);
        } catch (reason) {
          failure = { reason };
          break;
        }
      } else {
        // Written by an older release in a shape no receiver reads any more: nothing to send.
        deps.log(`Dropped an outbox event on ${row.topic} that no longer parses`, event.error);
      }
      done.push(row.id);
    }
    if (done.length > 0) {
      await transaction.outboxEvent.deleteMany({
        where: { id: { in: done } },
      });
    }
    return { sent: done.length, failure };
  }, relayTransactionOptions);
  if (pass.failure !== undefined) throw pass.failure.reason;
  return pass.sent;
}

export type OutboxRelay = { stop(): Promise<void> };

/** Runs a relay pass every `outboxRelayIntervalMs` until stopped; failures are logged once per outage. */
export function startOutboxRelay(deps: Deps): OutboxRelay {
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runPasses = async () => {
    try {
      let sent = 0;
      let passSent: number;
      do {
        passSent = await relayOutbox(deps);
        sent += passSent;
      } while (passSent === relayBatchSize && !stopped);
      if (sent > 0) deps.log(`Outbox relay sent ${sent} events their process had left behind`);
      if (failing) deps.log('Outbox relay recovered');
      failing = false;
    } catch (error) {
      if (!failing) deps.log('Outbox relay failed; it keeps trying', error);
      failing = true;
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = runPasses().finally(() => {
        if (!stopped) schedule();
      });
    }, outboxRelayIntervalMs);
    // The relay alone never keeps a process alive.
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
