// Being in a meeting: a heartbeat every 20 s, and a leave when the tab goes away, or when the
// meeting page goes away while no call tab it opened is still open.
import { stringifyDocument } from '@urql/core';
import { useClient } from '@urql/solid';
import type { Client } from '@urql/core';
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import { startBackgroundTicker } from './background-ticker.js';
import { GRAPHQL_PATH } from './graphql-client.js';
import { useGraphqlConnection } from './graphql-context.js';
import { currentSession, setCurrentSession, type MeetingSession } from './meeting-session.js';
import { runMutation } from './request.js';

/** The server closes a session that has been silent for 60 s: three beats fit in that. */
const HEARTBEAT_INTERVAL_MS = 20_000;
/** How often a session kept for its call tab looks whether that tab is still open. */
const CALL_WATCH_INTERVAL_MS = 2_000;

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
  /** Opens the call in a tab of its own (or shows it again); the session lives while it is open. */
  openCall: () => void;
};

type KeptPresence = Presence & {
  /** The meeting page shows it again. */
  attach(): void;
  /** The meeting page went away: leave, unless the call tab it opened is still open. */
  release(): void;
};

/** Sessions of this tab that are still present, by id: the meeting page finds its own again. */
const keptPresences = new Map<string, KeptPresence>();

/** Presence in the session for as long as the meeting page shows it or its call tab is open. */
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
  let stopCallWatch: (() => void) | null = null;
  const callTabIsOpen = () => callTab !== null && !callTab.closed;

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
    stop(outcome.error.__typename === 'MeetingEndedError' ? 'ended' : 'lost');
  };

  // A tab that comes back (woken laptop, restored tab) confirms its presence at once.
  const onVisibilityChange = () => {
    if (document.visibilityState === 'visible') void heartbeat();
  };

  // fetch with keepalive outlives the page; sendBeacon cannot carry the Authorization header.
  const onPageHide = () => {
    if (state() !== 'present') return;
    stop('left');
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

  function stopWatchingCall() {
    stopCallWatch?.();
    stopCallWatch = null;
  }

  function stop(next: PresenceState) {
    stopTicker();
    stopWatchingCall();
    document.removeEventListener('visibilitychange', onVisibilityChange);
    window.removeEventListener('pagehide', onPageHide);
    keptPresences.delete(session.sessionId);
    setState(next);
  }

  const leave = async () => {
    if (currentSession()?.sessionId === session.sessionId) setCurrentSession(null);
    if (state() !== 'present') return;
    stop('left');
    await runMutation(
      client,
      LeaveMeetingDocument,
      variables,
      (data) => data.leaveMeeting,
      'LeaveMeetingSuccess',
    );
  };

  const openCall = () => {
    if (callTab !== null && callTabIsOpen()) {
      callTab.focus();
      return;
    }
    // Opened blank and cut loose before it loads the call: the call's page gets no handle on this
    // one (as with rel=noopener), while this page keeps one to see whether the call is still open.
    const opened = window.open('', '_blank');
    if (opened === null) {
      window.location.assign(session.joinUrl);
      return;
    }
    opened.opener = null;
    opened.location.href = session.joinUrl;
    callTab = opened;
  };

  return {
    state,
    leave,
    openCall,
    attach: stopWatchingCall,
    release() {
      if (state() !== 'present') return;
      if (!callTabIsOpen()) {
        void leave();
        return;
      }
      const watch = setInterval(() => {
        if (!callTabIsOpen()) void leave();
      }, CALL_WATCH_INTERVAL_MS);
      stopCallWatch = () => {
        clearInterval(watch);
      };
    },
  };
}
