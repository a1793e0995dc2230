// "Now" on the server's clock, as a signal that ticks: what relative labels are computed from.
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { createServerClock } from './server-clock.js';

const serverClock = createServerClock();
const [offsetMs, setOffsetMs] = createSignal(0);

/** Call with each server timestamp as it arrives (RoomMeetings.generatedAt). */
export function observeServerTime(serverTime: string): void {
  serverClock.observe(serverTime, Date.now());
  setOffsetMs(serverClock.offsetMs());
}

/** Milliseconds since the epoch on the server's clock, updated every `tickMs` while in use. */
export function createServerNow(tickMs = 1_000): Accessor<number> {
  const [localNowMs, setLocalNowMs] = createSignal(Date.now());
  const timer = setInterval(() => setLocalNowMs(Date.now()), tickMs);
  onCleanup(() => {
    clearInterval(timer);
  });
  return () => localNowMs() + offsetMs();
}
