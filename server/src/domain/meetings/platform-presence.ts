// Presence reported by the video platform (DESIGN §4.4): events may arrive late, twice or out of
// order, so each one is applied only when it is newer than what its session already reflects.

/** A platform session as stored: `lastEventAt` is the time of the latest event applied to it. */
export type PlatformSessionState = { isOpen: boolean; lastEventAt: Date };

export type PlatformPresenceChange =
  /** No row yet: create it open (joined) or already closed (a left that overtook its joined). */
  | { action: 'create'; isOpen: boolean }
  | { action: 'update'; isOpen: boolean }
  | { action: 'none' };

export function decidePlatformPresence(
  current: PlatformSessionState | null,
  event: { kind: 'joined' | 'left'; occurredAt: Date },
): PlatformPresenceChange {
  const isOpen = event.kind === 'joined';
  if (current === null) {
    return { action: 'create', isOpen };
  }
  // An event no newer than the last one applied is stale: a left older than its joined must not
  // close the session, a joined older than its left must not reopen it.
  if (event.occurredAt.getTime() <= current.lastEventAt.getTime()) {
    return { action: 'none' };
  }
  return { action: 'update', isOpen };
}
