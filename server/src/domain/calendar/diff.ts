// What a sync must write: stored occurrence rows compared with the feed's occurrences (DESIGN §3).
import type { Occurrence, TimeWindow } from './read-feed.js';

export type StoredOccurrence = {
  id: string;
  uid: string;
  recurrenceId: string;
  contentHash: string;
  deletedAt: Date | null;
  startsAt: Date;
  endsAt: Date;
};

export type OccurrenceChange = { id: string; occurrence: Occurrence };

export type OccurrenceDiff = {
  create: Occurrence[];
  /** Live rows whose content changed. */
  update: OccurrenceChange[];
  /** Soft-deleted rows that are back in the feed: clear `deletedAt` and write the new content. */
  restore: OccurrenceChange[];
  /** Ids of live rows to soft-delete. */
  remove: string[];
};

export type DiffCounts = { created: number; updated: number; restored: number; removed: number };

/**
 * Rows are keyed by (uid, recurrenceId). A row missing from the feed is soft-deleted only when it
 * lies in the window and has not ended yet: past occurrences are history, and rows outside the
 * window were not looked at by this sync.
 */
export function diffOccurrences(
  stored: readonly StoredOccurrence[],
  incoming: readonly Occurrence[],
  options: { window: TimeWindow; now: Date },
): OccurrenceDiff {
  const storedByKey = new Map(stored.map((row) => [occurrenceKey(row), row]));
  const incomingKeys = new Set<string>();
  const diff: OccurrenceDiff = { create: [], update: [], restore: [], remove: [] };

  for (const occurrence of incoming) {
    const key = occurrenceKey(occurrence);
    // A feed that repeats an occurrence must not produce two writes for one unique key.
    if (incomingKeys.has(key)) {
      continue;
    }
    incomingKeys.add(key);
    const row = storedByKey.get(key);
    if (row === undefined) {
      diff.create.push(occurrence);
    } else if (row.deletedAt !== null) {
      diff.restore.push({ id: row.id, occurrence });
    } else if (row.contentHash !== occurrence.contentHash) {
      diff.update.push({ id: row.id, occurrence });
    }
  }

  const { window, now } = options;
  for (const row of stored) {
    const leftTheFeed = !incomingKeys.has(occurrenceKey(row));
    const overlapsWindow = row.startsAt < window.to && row.endsAt > window.from;
    if (leftTheFeed && row.deletedAt === null && overlapsWindow && row.endsAt > now) {
      diff.remove.push(row.id);
    }
  }
  return diff;
}

export function diffCounts(diff: OccurrenceDiff): DiffCounts {
  return {
    created: diff.create.length,
    updated: diff.update.length,
    restored: diff.restore.length,
    removed: diff.remove.length,
  };
}

function occurrenceKey(occurrence: { uid: string; recurrenceId: string }): string {
  // NUL cannot appear in an ICS property value, so the pair maps to one key unambiguously.
  return `${occurrence.uid}\u0000${occurrence.recurrenceId}`;
}
