import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionMeetings, type PartitionableMeeting } from './partition.js';

const now = new Date('2026-03-10T12:00:00Z');
const minutes = (offset: number) => new Date(now.getTime() + offset * 60_000);

type TestMeeting = PartitionableMeeting & { title: string };

function meeting(fields: Partial<TestMeeting> & { id: string }): TestMeeting {
  return {
    title: fields.id,
    startsAt: minutes(10),
    status: 'OPEN',
    firstJoinedAt: null,
    ...fields,
  };
}

const ids = (list: readonly { id: string }[]) => list.map((item) => item.id);

describe('partitionMeetings', () => {
  it.each([
    ['open, started earlier', { startsAt: minutes(-5) }, 'live'],
    ['open, starting exactly now', { startsAt: now }, 'live'],
    ['open, starting in a millisecond', { startsAt: new Date(now.getTime() + 1) }, 'upcoming'],
    ['open, future, already joined', { startsAt: minutes(10), firstJoinedAt: minutes(-1) }, 'live'],
    ['open, past its end, nobody joined (still open)', { startsAt: minutes(-120) }, 'live'],
    ['ended, started', { startsAt: minutes(-5), status: 'ENDED' as const }, 'neither'],
    ['ended, future', { startsAt: minutes(10), status: 'ENDED' as const }, 'neither'],
    [
      'ended after a join',
      { startsAt: minutes(-5), status: 'ENDED' as const, firstJoinedAt: minutes(-4) },
      'neither',
    ],
  ])('%s → %s', (_case, fields, expected) => {
    const { live, upcoming } = partitionMeetings([meeting({ id: 'm', ...fields })], now);
    expect({ live: ids(live), upcoming: ids(upcoming) }).toEqual({
      live: expected === 'live' ? ['m'] : [],
      upcoming: expected === 'upcoming' ? ['m'] : [],
    });
  });

  it('orders both lists by start, then id, and keeps the callers’ objects', () => {
    const meetings = [
      meeting({ id: 'u3', startsAt: minutes(30) }),
      meeting({ id: 'l2', startsAt: minutes(-10) }),
      meeting({ id: 'u2', startsAt: minutes(20) }),
      meeting({ id: 'l1', startsAt: minutes(-10) }),
      meeting({ id: 'u1', startsAt: minutes(20) }),
      meeting({ id: 'l0', startsAt: minutes(-30) }),
      meeting({ id: 'l3', startsAt: minutes(40), firstJoinedAt: minutes(-1) }),
    ];
    const { live, upcoming } = partitionMeetings(meetings, now);
    expect(ids(live)).toEqual(['l0', 'l1', 'l2', 'l3']);
    expect(ids(upcoming)).toEqual(['u1', 'u2', 'u3']);
    expect(live[0]).toBe(meetings[5]);
  });

  it('orders ids by code unit, not by locale', () => {
    const { upcoming } = partitionMeetings(
      [meeting({ id: 'b' }), meeting({ id: 'a' }), meeting({ id: 'B' })],
      now,
    );
    expect(ids(upcoming)).toEqual(['B', 'a', 'b']);
  });

  it('reports the next start as the instant the lists change', () => {
    const meetings = [
      meeting({ id: 'live', startsAt: minutes(-5) }),
      meeting({ id: 'joined-early', startsAt: minutes(2), firstJoinedAt: minutes(-1) }),
      meeting({ id: 'ended', startsAt: minutes(1), status: 'ENDED' }),
      meeting({ id: 'later', startsAt: minutes(15) }),
      meeting({ id: 'next', startsAt: minutes(5) }),
    ];
    expect(partitionMeetings(meetings, now).nextChangeAt).toEqual(minutes(5));
  });

  it('has no next change without upcoming meetings', () => {
    expect(partitionMeetings([], now)).toEqual({ live: [], upcoming: [], nextChangeAt: null });
    expect(
      partitionMeetings([meeting({ id: 'l', startsAt: minutes(-1) })], now).nextChangeAt,
    ).toBeNull();
  });

  it('moves a meeting from upcoming to live when its start arrives', () => {
    const meetings = [meeting({ id: 'm', startsAt: minutes(5) })];
    const before = partitionMeetings(meetings, now);
    expect(before.nextChangeAt).toEqual(minutes(5));
    const after = partitionMeetings(meetings, minutes(5));
    expect({ live: ids(after.live), upcoming: ids(after.upcoming) }).toEqual({
      live: ['m'],
      upcoming: [],
    });
  });
});

const arbitraryMeetings = fc.uniqueArray(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    startsAt: fc.integer({ min: -120, max: 120 }).map(minutes),
    status: fc.constantFrom<'OPEN' | 'ENDED'>('OPEN', 'ENDED'),
    firstJoinedAt: fc.option(fc.integer({ min: -120, max: 0 }).map(minutes)),
  }),
  { selector: (candidate) => candidate.id, maxLength: 30 },
);

const isSorted = (list: readonly PartitionableMeeting[]) =>
  list.slice(1).every((item, index) => {
    const previous = list[index];
    return (
      previous !== undefined &&
      (previous.startsAt < item.startsAt ||
        (previous.startsAt.getTime() === item.startsAt.getTime() && previous.id < item.id))
    );
  });

describe('partition properties', () => {
  it('puts every open meeting in exactly one list, ended ones in none, both lists ordered', () => {
    fc.assert(
      fc.property(arbitraryMeetings, (meetings) => {
        const { live, upcoming, nextChangeAt } = partitionMeetings(meetings, now);
        const liveIds = new Set(ids(live));
        expect(ids(upcoming).some((id) => liveIds.has(id))).toBe(false);
        const open = meetings.filter((candidate) => candidate.status === 'OPEN');
        expect([...ids(live), ...ids(upcoming)].sort()).toEqual(ids(open).sort());
        expect(isSorted(live)).toBe(true);
        expect(isSorted(upcoming)).toBe(true);
        for (const item of live) {
          expect(item.startsAt <= now || item.firstJoinedAt !== null).toBe(true);
        }
        for (const item of upcoming) {
          expect(item.startsAt > now && item.firstJoinedAt === null).toBe(true);
        }
        const starts = upcoming.map((item) => item.startsAt.getTime());
        expect(nextChangeAt?.getTime() ?? null).toBe(
          starts.length === 0 ? null : Math.min(...starts),
        );
      }),
    );
  });

  it('does not depend on the input order', () => {
    fc.assert(
      fc.property(
        arbitraryMeetings.chain((meetings) =>
          fc.tuple(
            fc.constant(meetings),
            fc.shuffledSubarray(meetings, { minLength: meetings.length }),
          ),
        ),
        ([meetings, shuffled]) => {
          expect(partitionMeetings(shuffled, now)).toEqual(partitionMeetings(meetings, now));
        },
      ),
    );
  });
});
