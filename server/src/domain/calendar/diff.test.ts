import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffCounts, diffOccurrences, type OccurrenceDiff, type StoredOccurrence } from './diff.js';
import type { Occurrence, TimeWindow } from './read-feed.js';

const now = new Date('2026-03-10T12:00:00Z');
const window: TimeWindow = {
  from: new Date('2026-03-10T11:00:00Z'),
  to: new Date('2026-03-17T12:00:00Z'),
};
const hours = (offset: number) => new Date(now.getTime() + offset * 3_600_000);

function occurrence(fields: Partial<Occurrence> & { uid: string }): Occurrence {
  return {
    recurrenceId: '',
    title: 'Stand-up',
    description: null,
    location: 'https://lobby.example.com/team',
    links: [],
    startsAt: hours(2),
    endsAt: hours(3),
    isAllDay: false,
    startDate: null,
    endDate: null,
    status: 'CONFIRMED',
    organizer: null,
    attendees: [],
    contentHash: 'hash-1',
    ...fields,
  };
}

function stored(fields: Partial<StoredOccurrence> & { id: string; uid: string }): StoredOccurrence {
  return {
    recurrenceId: '',
    contentHash: 'hash-1',
    deletedAt: null,
    startsAt: hours(2),
    endsAt: hours(3),
    ...fields,
  };
}

const emptyDiff: OccurrenceDiff = { create: [], update: [], restore: [], remove: [] };

describe('diffOccurrences', () => {
  it('creates occurrences that are not stored', () => {
    const incoming = [occurrence({ uid: 'a' }), occurrence({ uid: 'b' })];
    expect(diffOccurrences([], incoming, { window, now })).toEqual({
      ...emptyDiff,
      create: incoming,
    });
  });

  it('writes nothing when the feed is unchanged', () => {
    const rows = [stored({ id: '1', uid: 'a' }), stored({ id: '2', uid: 'b' })];
    const incoming = [occurrence({ uid: 'a' }), occurrence({ uid: 'b' })];
    expect(diffOccurrences(rows, incoming, { window, now })).toEqual(emptyDiff);
  });

  it('updates a live row whose content hash changed', () => {
    const moved = occurrence({
      uid: 'a',
      contentHash: 'hash-2',
      startsAt: hours(5),
      endsAt: hours(6),
    });
    expect(diffOccurrences([stored({ id: '1', uid: 'a' })], [moved], { window, now })).toEqual({
      ...emptyDiff,
      update: [{ id: '1', occurrence: moved }],
    });
  });

  it.each([
    ['the same content', 'hash-1'],
    ['new content', 'hash-2'],
  ])('restores a soft-deleted row that reappears with %s', (_case, contentHash) => {
    const back = occurrence({ uid: 'a', contentHash });
    const row = stored({ id: '1', uid: 'a', deletedAt: hours(-24) });
    expect(diffOccurrences([row], [back], { window, now })).toEqual({
      ...emptyDiff,
      restore: [{ id: '1', occurrence: back }],
    });
  });

  it('keys rows by uid and recurrence id', () => {
    const series = [
      stored({ id: '1', uid: 's', recurrenceId: '2026-03-10T14:00:00.000Z' }),
      stored({ id: '2', uid: 's', recurrenceId: '2026-03-11T14:00:00.000Z' }),
    ];
    const changed = occurrence({
      uid: 's',
      recurrenceId: '2026-03-11T14:00:00.000Z',
      contentHash: 'x',
    });
    const added = occurrence({ uid: 's', recurrenceId: '2026-03-12T14:00:00.000Z' });
    const single = occurrence({ uid: 's' });
    const kept = occurrence({ uid: 's', recurrenceId: '2026-03-10T14:00:00.000Z' });
    expect(diffOccurrences(series, [kept, changed, added, single], { window, now })).toEqual({
      ...emptyDiff,
      create: [added, single],
      update: [{ id: '2', occurrence: changed }],
    });
  });

  it('does not mistake a uid containing the key separator for another pair', () => {
    const row = stored({ id: '1', uid: 'a', recurrenceId: 'b' });
    const incoming = occurrence({ uid: 'a\u0000b', recurrenceId: '' });
    expect(diffOccurrences([row], [incoming], { window, now }).create).toEqual([incoming]);
  });

  it('uses only the first of repeated incoming occurrences', () => {
    const first = occurrence({ uid: 'a', contentHash: 'first' });
    const second = occurrence({ uid: 'a', contentHash: 'second' });
    expect(diffOccurrences([], [first, second], { window, now })).toEqual({
      ...emptyDiff,
      create: [first],
    });
  });

  describe('rows that left the feed', () => {
    it.each([
      ['a future row', hours(2), hours(3), true],
      ['a row in progress', hours(-1), hours(1), true],
      ['a row ending one millisecond after now', hours(-1), new Date(now.getTime() + 1), true],
      ['a row ending exactly now (history)', hours(-1), now, false],
      [
        'a past row inside the window (history)',
        new Date('2026-03-10T11:00:00Z'),
        hours(-0.5),
        false,
      ],
      ['a row before the window', hours(-48), hours(-47), false],
      ['a row starting exactly at the window end', window.to, hours(200), false],
      [
        'a row starting just before the window end',
        new Date(window.to.getTime() - 1),
        hours(200),
        true,
      ],
      ['a row after the window', hours(300), hours(301), false],
    ])('%s: soft-deleted = %s', (_case, startsAt, endsAt, removed) => {
      const row = stored({ id: '1', uid: 'gone', startsAt, endsAt });
      const diff = diffOccurrences([row], [], { window, now });
      expect(diff).toEqual({ ...emptyDiff, remove: removed ? ['1'] : [] });
    });

    it('does not remove an already soft-deleted row again', () => {
      const row = stored({ id: '1', uid: 'gone', deletedAt: hours(-1) });
      expect(diffOccurrences([row], [], { window, now })).toEqual(emptyDiff);
    });
  });

  it('handles every kind of change in one sync', () => {
    const rows = [
      stored({ id: 'same', uid: 'same' }),
      stored({ id: 'changed', uid: 'changed' }),
      stored({ id: 'deleted', uid: 'deleted', deletedAt: hours(-2) }),
      stored({ id: 'gone', uid: 'gone' }),
      stored({ id: 'past', uid: 'past', startsAt: hours(-0.9), endsAt: hours(-0.5) }),
    ];
    const incoming = [
      occurrence({ uid: 'same' }),
      occurrence({ uid: 'changed', title: 'Retro', contentHash: 'hash-2' }),
      occurrence({ uid: 'deleted' }),
      occurrence({ uid: 'new' }),
    ];
    const diff = diffOccurrences(rows, incoming, { window, now });
    expect(diff).toEqual({
      create: [incoming[3]],
      update: [{ id: 'changed', occurrence: incoming[1] }],
      restore: [{ id: 'deleted', occurrence: incoming[2] }],
      remove: ['gone'],
    });
    expect(diffCounts(diff)).toEqual({ created: 1, updated: 1, restored: 1, removed: 1 });
  });
});

describe('diffCounts', () => {
  it('counts an empty diff as zeros', () => {
    expect(diffCounts(emptyDiff)).toEqual({ created: 0, updated: 0, restored: 0, removed: 0 });
  });
});

/** What the sync writes for a diff, applied to the stored rows in memory. */
function applyDiff(rows: readonly StoredOccurrence[], diff: OccurrenceDiff): StoredOccurrence[] {
  const written = new Map(rows.map((row) => [row.id, row]));
  const existing = (id: string) => {
    const row = written.get(id);
    if (row === undefined) {
      throw new Error(`The diff names a row that is not stored: ${id}`);
    }
    return row;
  };
  for (const { id, occurrence: o } of [...diff.update, ...diff.restore]) {
    written.set(id, { ...existing(id), ...pickStored(o), deletedAt: null });
  }
  for (const id of diff.remove) {
    written.set(id, { ...existing(id), deletedAt: now });
  }
  diff.create.forEach((o, index) => {
    written.set(`new-${index}`, { id: `new-${index}`, ...pickStored(o), deletedAt: null });
  });
  return [...written.values()];
}

function pickStored(o: Occurrence): Omit<StoredOccurrence, 'id' | 'deletedAt'> {
  return {
    uid: o.uid,
    recurrenceId: o.recurrenceId,
    contentHash: o.contentHash,
    startsAt: o.startsAt,
    endsAt: o.endsAt,
  };
}

const uid = fc.constantFrom('a', 'b', 'c', 'd');
const recurrenceId = fc.constantFrom('', '2026-03-11T09:00:00.000Z', '2026-03-12T09:00:00.000Z');
const contentHash = fc.constantFrom('h1', 'h2', 'h3');
const span = fc
  .tuple(fc.integer({ min: -72, max: 240 }), fc.integer({ min: 0, max: 48 }))
  .map(([startHour, lengthHours]) => ({
    startsAt: hours(startHour),
    endsAt: hours(startHour + lengthHours),
  }));
const keyOf = (row: { uid: string; recurrenceId: string }) => `${row.uid}|${row.recurrenceId}`;

const storedRows = fc
  .uniqueArray(fc.record({ uid, recurrenceId, contentHash, span, deleted: fc.boolean() }), {
    selector: keyOf,
    maxLength: 12,
  })
  .map((rows) =>
    rows.map((row, index) =>
      stored({
        id: `row-${index}`,
        uid: row.uid,
        recurrenceId: row.recurrenceId,
        contentHash: row.contentHash,
        deletedAt: row.deleted ? hours(-100) : null,
        ...row.span,
      }),
    ),
  );
const incomingOccurrences = fc.array(
  fc
    .record({ uid, recurrenceId, contentHash, span })
    .map((fields) => occurrence({ ...fields, ...fields.span })),
  { maxLength: 12 },
);

describe('diff properties', () => {
  it('an identical re-sync after applying a diff is empty', () => {
    fc.assert(
      fc.property(storedRows, incomingOccurrences, (rows, incoming) => {
        const first = diffOccurrences(rows, incoming, { window, now });
        const after = applyDiff(rows, first);
        expect(diffOccurrences(after, incoming, { window, now })).toEqual(emptyDiff);
      }),
    );
  });

  it('touches each stored row at most once and only rows it may touch', () => {
    fc.assert(
      fc.property(storedRows, incomingOccurrences, (rows, incoming) => {
        const diff = diffOccurrences(rows, incoming, { window, now });
        const touched = [
          ...diff.update.map((change) => change.id),
          ...diff.restore.map((change) => change.id),
          ...diff.remove,
        ];
        expect(new Set(touched).size).toBe(touched.length);
        const incomingKeys = new Set(incoming.map(keyOf));
        const storedKeys = new Set(rows.map(keyOf));
        for (const o of diff.create) expect(storedKeys.has(keyOf(o))).toBe(false);
        expect(new Set(diff.create.map(keyOf)).size).toBe(diff.create.length);
        for (const id of diff.remove) {
          const row = rows.find((candidate) => candidate.id === id);
          expect(row?.deletedAt).toBeNull();
          expect(row !== undefined && incomingKeys.has(keyOf(row))).toBe(false);
          expect(row !== undefined && row.endsAt > now && row.startsAt < window.to).toBe(true);
        }
      }),
    );
  });
});
