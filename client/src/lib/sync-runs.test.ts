import { describe, expect, it } from 'vitest';
import type { CalendarSyncStatus } from '../graphql/generated/graphql.js';
import {
  describeFeedHealth,
  describeSyncCounts,
  describeSyncError,
  hasSyncCounts,
  isSyncRunFinished,
  mergeSyncRun,
} from './sync-runs.js';

const run = (id: string, queuedAt: string, status: CalendarSyncStatus = 'QUEUED') => ({
  id,
  queuedAt,
  status,
});

describe('mergeSyncRun', () => {
  it('adds a new run first', () => {
    const runs = [run('a', '2026-11-27T10:00:00.000Z')];
    expect(mergeSyncRun(runs, run('b', '2026-11-27T10:05:00.000Z')).map(({ id }) => id)).toEqual([
      'b',
      'a',
    ]);
  });

  it('replaces a known run with its newer state, in place', () => {
    const runs = [run('b', '2026-11-27T10:05:00.000Z'), run('a', '2026-11-27T10:00:00.000Z')];
    const merged = mergeSyncRun(runs, run('a', '2026-11-27T10:00:00.000Z', 'SUCCEEDED'));
    expect(merged).toEqual([
      run('b', '2026-11-27T10:05:00.000Z'),
      run('a', '2026-11-27T10:00:00.000Z', 'SUCCEEDED'),
    ]);
  });

  it('keeps only the most recent runs', () => {
    let runs: ReturnType<typeof run>[] = [];
    for (let minute = 0; minute < 5; minute += 1) {
      runs = mergeSyncRun(runs, run(`r${minute}`, `2026-11-27T10:0${minute}:00.000Z`), 3);
    }
    expect(runs.map(({ id }) => id)).toEqual(['r4', 'r3', 'r2']);
  });

  it('never lets an older state of a run replace a newer one', () => {
    const runs = [run('a', '2026-11-27T10:00:00.000Z', 'RUNNING')];
    expect(mergeSyncRun(runs, run('a', '2026-11-27T10:00:00.000Z', 'QUEUED'))).toEqual(runs);
    const finished = [run('a', '2026-11-27T10:00:00.000Z', 'FAILED')];
    expect(mergeSyncRun(finished, run('a', '2026-11-27T10:00:00.000Z', 'RUNNING'))).toEqual(
      finished,
    );
  });

  it('does not change the list it was given', () => {
    const runs = [run('a', '2026-11-27T10:00:00.000Z')];
    mergeSyncRun(runs, run('a', '2026-11-27T10:00:00.000Z', 'RUNNING'));
    expect(runs).toEqual([run('a', '2026-11-27T10:00:00.000Z')]);
  });
});

describe('sync run wording', () => {
  it('shows counters only for runs that read the feed', () => {
    expect(hasSyncCounts('SUCCEEDED')).toBe(true);
    expect(hasSyncCounts('UNCHANGED')).toBe(true);
    expect(hasSyncCounts('FAILED')).toBe(false);
    expect(hasSyncCounts('RUNNING')).toBe(false);
  });

  it('knows which states are final', () => {
    expect(isSyncRunFinished('QUEUED')).toBe(false);
    expect(isSyncRunFinished('RUNNING')).toBe(false);
    expect(isSyncRunFinished('UNCHANGED')).toBe(true);
    expect(isSyncRunFinished('FAILED')).toBe(true);
  });

  it('explains an error code in plain words and keeps the server detail', () => {
    expect(describeSyncError('TOO_LARGE', 'The feed is larger than 5 MiB')).toEqual({
      explanation: 'The calendar is larger than the 5 MiB that Lobby accepts.',
      detail: 'The feed is larger than 5 MiB',
    });
    expect(describeSyncError('HTTP_STATUS', null)?.detail).toBeNull();
    expect(describeSyncError(null, null)).toBeNull();
    expect(describeSyncError(null, 'Odd')).toEqual({ explanation: 'Odd', detail: null });
  });

  it('sums up the counters', () => {
    expect(
      describeSyncCounts({
        eventsInFeed: 40,
        eventsMatched: 3,
        created: 1,
        updated: 2,
        removed: 0,
        restored: 0,
      }),
    ).toBe(
      '40 events in the feed; 3 occurrences for this room: 1 new, 2 changed, 0 removed, 0 restored',
    );
  });
});

describe('describeFeedHealth', () => {
  it('counts failures in a row', () => {
    expect(describeFeedHealth(0)).toBe('Working');
    expect(describeFeedHealth(1)).toBe('The last sync failed');
    expect(describeFeedHealth(4)).toBe('The last 4 syncs failed');
  });
});
