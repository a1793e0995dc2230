// The pages of this browser that hold one participant session (the meeting page, the call page):
// each announces itself on the session's channel, so a page going away leaves the meeting only
// when no other page still holds it.
import { startBackgroundTicker } from './background-ticker.js';

const ANNOUNCE_INTERVAL_MS = 2_000;
/** A holder unheard for this long is gone: a crashed tab says no goodbye. */
const HOLDER_SILENCE_MS = 3 * ANNOUNCE_INTERVAL_MS;

type HolderMessage = { holderId: string; kind: 'here' | 'gone' | 'left' };

export type PresenceHolders = {
  /** Whether another page of this browser still holds the session. */
  othersHold(): boolean;
  /** This page stops holding the session; 'left' tells the others the session is over. */
  close(kind: 'gone' | 'left'): void;
};

function isHolderMessage(data: unknown): data is HolderMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    'holderId' in data &&
    typeof data.holderId === 'string' &&
    'kind' in data &&
    (data.kind === 'here' || data.kind === 'gone' || data.kind === 'left')
  );
}

/** `onLeft`: another page left the session on purpose (its Leave button). */
export function holdPresence(sessionId: string, onLeft: () => void): PresenceHolders {
  const holderId = crypto.randomUUID();
  const channel = new BroadcastChannel(`lobby.presence.${sessionId}`);
  const lastHeardMs = new Map<string, number>();
  const announce = (kind: HolderMessage['kind']) => {
    const message: HolderMessage = { holderId, kind };
    channel.postMessage(message);
  };

  channel.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isHolderMessage(message)) return;
    if (message.kind === 'here') {
      // A newcomer learns at once that this page holds the session too.
      if (!lastHeardMs.has(message.holderId)) announce('here');
      lastHeardMs.set(message.holderId, Date.now());
      return;
    }
    lastHeardMs.delete(message.holderId);
    if (message.kind === 'left') onLeft();
  });
  // A worker's ticks, not the page's timers: a hidden tab must still be heard every 2 s.
  const stopTicker = startBackgroundTicker(ANNOUNCE_INTERVAL_MS, () => {
    announce('here');
  });
  announce('here');

  return {
    othersHold() {
      const heardSinceMs = Date.now() - HOLDER_SILENCE_MS;
      return [...lastHeardMs.values()].some((heardMs) => heardMs > heardSinceMs);
    },
    close(kind) {
      stopTicker();
      announce(kind);
      channel.close();
    },
  };
}
