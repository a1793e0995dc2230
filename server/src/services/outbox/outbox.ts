// The transactional outbox (issue 12.2): a change's events are rows written in the change's own
// transaction. Right after the commit this process publishes them and deletes the rows; rows left
// behind (the process died, or Redis was down) are sent later by the relay (relay.ts).
import type { DomainEvent } from '../../domain/events.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';

/** An event and the topic it goes out on. */
export type OutgoingEvent = { topic: string; event: DomainEvent };

/** Records events to publish once the transaction commits. */
export type Announce = (...events: OutgoingEvent[]) => void;

type TransactionOptions = { maxWait?: number; timeout?: number };

/**
 * Runs `change` in one transaction, with the events it announces written in that same
 * transaction: a change that throws or rolls back announces nothing, and a committed one is
 * delivered at least once. After the commit they are published before this resolves (this
 * process's listeners have them: read-your-writes through one process), and a failed publish
 * never fails the committed change: its rows stay for the relay.
 */
export async function changeAndAnnounce<Result>(
  deps: Pick<ServiceDependencies, 'prisma' | 'events'>,
  change: (transaction: Prisma.TransactionClient, announce: Announce) => Promise<Result>,
  options?: TransactionOptions,
): Promise<Result> {
  let announced: OutgoingEvent[] = [];
  const committed = await deps.prisma.$transaction(async (transaction) => {
    announced = [];
    const result = await change(transaction, (...events) => {
      announced.push(...events);
    });
    const rows =
      announced.length === 0
        ? []
        : await transaction.outboxEvent.createManyAndReturn({
            data: announced.map(({ topic, event }) => ({ topic, event })),
            select: { id: true },
          });
    return { result, rowIds: rows.map((row) => row.id) };
  }, options);
  await publishCommitted(deps, announced, committed.rowIds);
  return committed.result;
}

async function publishCommitted(
  deps: Pick<ServiceDependencies, 'prisma' | 'events'>,
  events: readonly OutgoingEvent[],
  rowIds: readonly bigint[],
): Promise<void> {
  if (rowIds.length === 0) return;
  // All of them, in order, even past a failure: local listeners get each event whatever Redis does.
  const published = await Promise.allSettled(
    events.map(({ topic, event }) => deps.events.publish(topic, event)),
  );
  // Not sent everywhere (Redis down): the rows stay, and the relay sends them once it is back.
  if (published.some((outcome) => outcome.status === 'rejected')) return;
  try {
    await deps.prisma.outboxEvent.deleteMany({ where: { id: { in: [...rowIds] } } });
  } catch {
    // Published already; the relay sends the rows again (at-least-once) and deletes them.
  }
}
