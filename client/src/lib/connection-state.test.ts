import { describe, expect, it } from 'vitest';
import {
  FORBIDDEN_CLOSURE,
  NORMAL_CLOSURE,
  nextConnectionState,
  type ConnectionEvent,
  type ConnectionState,
} from './connection-state.js';

const run = (events: ConnectionEvent[], from: ConnectionState = 'idle') =>
  events.reduce(nextConnectionState, from);

describe('connection state', () => {
  it('goes online once the server acknowledges the connection', () => {
    expect(run([{ type: 'connecting' }])).toBe('connecting');
    expect(run([{ type: 'connecting' }, { type: 'connected' }])).toBe('online');
  });

  it('is offline from a drop until a retry succeeds', () => {
    const dropped = run([
      { type: 'connecting' },
      { type: 'connected' },
      { type: 'closed', code: 1006 },
    ]);
    expect(dropped).toBe('offline');
    expect(run([{ type: 'connecting' }], dropped)).toBe('offline');
    expect(run([{ type: 'connecting' }, { type: 'closed', code: 1006 }], dropped)).toBe('offline');
    expect(run([{ type: 'connecting' }, { type: 'connected' }], dropped)).toBe('online');
  });

  it('is offline when the first connection fails', () => {
    expect(run([{ type: 'connecting' }, { type: 'closed', code: 1006 }])).toBe('offline');
  });

  it('is idle after a normal closure (no subscription needs the socket)', () => {
    expect(run([{ type: 'connected' }, { type: 'closed', code: NORMAL_CLOSURE }])).toBe('idle');
  });

  it('reports refused credentials apart from network trouble', () => {
    expect(run([{ type: 'connecting' }, { type: 'closed', code: FORBIDDEN_CLOSURE }])).toBe(
      'rejected',
    );
  });
});
