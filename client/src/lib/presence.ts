// Being in a meeting: a heartbeat every 20 s, and a leave when the page goes away while no other
// page of this browser (the call page it opened, or the meeting page) still holds the session.
import { stringifyDocument } from '@urql/core';
import { useClient } from '@urql/solid';
import type { Client } from '@urql/core';
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import { startBackgroundTicker } from './background-ticker.js';
import { GRAPHQL_PATH } from './graphql-client.js';
import { useGraphqlConnection } from './graphql-context.js';
import { currentSession, setCurrentSession, type MeetingSession } from './meeting-session.js';
import { holdPresence } from './presence-holders.js';
import { runMutation } from './request.js';

/** The server closes a session that has been silent for 60 s: three beats fit in that. */
const HEARTBEAT_INTERVAL_MS = 20_000;
/** How often a session kept for another page looks whether that page still holds it. */
const HOLDERS_WATCH_INTERVAL_MS = 2_000;

const MeetingHeartbeatDocument = graphql(`
  mutation MeetingHeartbeat($sessionId: ID!) {
    meetingHeartbeat(sessionId: $sessionId) {
      __typename
      ...ErrorMessage
    }
  }
`);

const LeaveMeetingDocument = graphql(`
  mutation LeaveMeeting($sessionId: ID!) {
    leaveMeeting(sessionId: $sessionId) {
      __typename
      ...ErrorMessage
    }
  }
`);

export type PresenceState =
  | 'present'
  /** The meeting ended while we were in it. */
  | 'ended'
  /** The server no longer knows our session (closed after silence, or by the worker). */
  | 'lost'
  | 'left';

export type Presence = {
  state: Accessor<PresenceState>;
  leave: () => Promise<void>;
  /**
   * Opens the call page (`callPath`) in a tab of its own, or shows it again; the session lives
   * while it is open. False when the browser refused a new tab.
   */
  openCall: (callPath: string) => boolean;
};

type KeptPresence = Presence & {
  /** The meeting page shows it again. */
  attach(): void;
  /** The page went away: leave, unless another page still holds the session. */
  release(): void;
};

/** Sessions of this tab that are still present, by id: the meeting page finds its own again. */
const keptPresences = new Map<string, KeptPresence>();

/** Presence in the session for as long as a page of this browser shows it. */
export function usePresence(session: MeetingSession): Presence {
  const client = useClient();
  const { headers } = useGraphqlConnection();
  const presence = keptPresences.get(session.sessionId) ?? createPresence(session, client, headers);
  keptPresences.set(session.sessionId, presence);
  presence.attach();
  onCleanup(() => {
    presence.release();
  });
  return presence;
}

function createPresence(
  session: MeetingSession,
  client: Client,
  headers: Record<string, string>,
): KeptPresence {
  const [state, setState] = createSignal<PresenceState>('present');
  const variables = { sessionId: session.sessionId };
  let callTab: Window | null = null;
  let stopHoldersWatch: (() => void) | null = null;
  const holders = holdPresence(session.sessionId, () => {
    if (state() === 'present') stop('left', 'gone');
  });

  const heartbeat = async () => {
    const outcome = await runMutation(
      client,
      MeetingHeartbeatDocument,
      variables,
      (data) => data.meetingHeartbeat,
      'MeetingHeartbeatSuccess',
    );
    // A failed request (offline) is not an answer: the next beat tries again.
    if (outcome.ok || outcome.error === null || state() !== 'present') return;
    stop(outcome.error.__typename === 'MeetingEndedError' ? 'ended' : 'lost', 'gone');
  };

  // A tab that comes back (woken laptop, restored tab) confirms its presence at once.
  const onVisibilityChange = () => {
    if (document.visibilityState === 'visible') void heartbeat();
  };

  // fetch with keepalive outlives the page; sendBeacon cannot carry the Authorization header.
  const onPageHide = () => {
    if (state() !== 'present') return;
    // Closing the Lobby tab while its call page is open is not leaving: the call page holds on.
    const othersHold = holders.othersHold();
    stop('left', 'gone');
    if (othersHold) return;
    fetch(GRAPHQL_PATH, {
      method: 'POST',
      keepalive: true,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: stringifyDocument(LeaveMeetingDocument), variables }),
    }).catch(() => undefined);
  };

  const stopTicker = startBackgroundTicker(HEARTBEAT_INTERVAL_MS, () => void heartbeat());
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('pagehide', onPageHide);

  function stopWatchingHolders() {
    stopHoldersWatch?.();
    stopHoldersWatch = null;
  }

  /** `farewell`: what the other holders hear ('left': the session is over for them too). */
  function stop(next: PresenceState, farewell: 'gone' | 'left') {
    stopTicker();
    stopWatchingHolders();
    holders.close(farewell);
    document.removeEventListener('visibilitychange', onVisibilityChange);
    window.removeEventListener('pagehide', onPageHide);
    keptPresences.delete(session.sessionId);
    setState(next);
  }

  const leave = async () => {
    if (currentSession()?.sessionId === session.sessionId) setCurrentSession(null);
    if (state() !== 'present') return;
    stop('left', 'left');
    await runMutation(
      client,
      LeaveMeetingDocument,
      variables,
      (data) => data.leaveMeeting,
      'LeaveMeetingSuccess',
    );
  };

  const openCall = (callPath: string) => {
    if (callTab !== null && !callTab.closed) {
      callTab.focus();
      return true;
    }
    // Opened blank and cut loose before it loads: the call page (and the platform's frame in it)
    // gets no handle on this one, as with rel=noopener, while this page keeps one to focus it.
    const opened = window.open('', '_blank');
    if (opened === null) return false;
    opened.opener = null;
    opened.location.href = callPath;
    callTab = opened;
    return true;
  };

  return {
    state,
    leave,
    openCall,
    attach: stopWatchingHolders,
    release() {
      if (state() !== 'present') return;
      if (!holders.othersHold()) {
        void leave();
        return;
      }
      const watch = setInterval(() => {
        if (!holders.othersHold()) void leave();
      }, HOLDERS_WATCH_INTERVAL_MS);
      stopHoldersWatch = () => {
        clearInterval(watch);
      };
    },
  };
}
