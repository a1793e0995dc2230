import { describe, expect, it } from 'vitest';
import { createServerClock, estimateOffsetMs } from './server-clock.js';

const localMs = Date.parse('2026-11-27T10:00:00.000Z');

describe('server clock', () => {
  it('uses the local clock until the server has said anything', () => {
    expect(createServerClock().offsetMs()).toBe(0);
    expect(estimateOffsetMs([])).toBe(0);
  });

  it('corrects a local clock that runs behind or ahead of the server', () => {
    const behind = createServerClock();
    behind.observe('2026-11-27T10:02:00.000Z', localMs);
    expect(behind.offsetMs()).toBe(120_000);

    const ahead = createServerClock();
    ahead.observe('2026-11-27T09:59:30.000Z', localMs);
    expect(ahead.offsetMs()).toBe(-30_000);
  });

  it('trusts the sample that travelled fastest, since latency only makes samples smaller', () => {
    const clock = createServerClock();
    clock.observe('2026-11-27T10:00:05.000Z', localMs); // arrived after 0 ms: offset 5 s
    clock.observe('2026-11-27T10:00:06.000Z', localMs + 3_000); // arrived 2 s late: looks like 3 s
    expect(clock.offsetMs()).toBe(5_000);
  });

  it('forgets old samples, so a corrected clock is followed', () => {
    const clock = createServerClock(3);
    clock.observe('2026-11-27T10:01:00.000Z', localMs);
    for (let index = 1; index <= 3; index += 1) {
      clock.observe(new Date(localMs + index * 1_000).toISOString(), localMs + index * 1_000);
    }
    expect(clock.offsetMs()).toBe(0);
  });

  it('ignores a timestamp it cannot read', () => {
    const clock = createServerClock();
    clock.observe('2026-11-27T10:00:10.000Z', localMs);
    clock.observe('not a date', localMs);
    expect(clock.offsetMs()).toBe(10_000);
  });
});
