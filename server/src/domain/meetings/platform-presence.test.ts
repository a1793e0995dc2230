import { describe, expect, it } from 'vitest';
import { decidePlatformPresence } from './platform-presence.js';

const at = (seconds: number) => new Date(seconds * 1000);

describe('platform presence events, in whatever order they arrive', () => {
  it('creates the session from its first event, open or already closed', () => {
    expect(decidePlatformPresence(null, { kind: 'joined', occurredAt: at(10) })).toEqual({
      action: 'create',
      isOpen: true,
    });
    expect(decidePlatformPresence(null, { kind: 'left', occurredAt: at(20) })).toEqual({
      action: 'create',
      isOpen: false,
    });
  });

  it('applies an event newer than the last one applied', () => {
    const open = { isOpen: true, lastEventAt: at(10) };
    expect(decidePlatformPresence(open, { kind: 'left', occurredAt: at(20) })).toEqual({
      action: 'update',
      isOpen: false,
    });
  });

  it('ignores an event no newer than the last one applied', () => {
    const closed = { isOpen: false, lastEventAt: at(20) };
    expect(decidePlatformPresence(closed, { kind: 'joined', occurredAt: at(10) })).toEqual({
      action: 'none',
    });
    const open = { isOpen: true, lastEventAt: at(20) };
    expect(decidePlatformPresence(open, { kind: 'left', occurredAt: at(15) })).toEqual({
      action: 'none',
    });
    expect(decidePlatformPresence(open, { kind: 'left', occurredAt: at(20) })).toEqual({
      action: 'none',
    });
  });
});
