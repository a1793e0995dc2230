// Being in a meeting: a heartbeat every 20 s, and a leave when the page or the tab goes away.
import { stringifyDocument } from '@urql/core';
import { useClient } from '@urql/solid';
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import { startBackgroundTicker } from './background-ticker.js';
import { GRAPHQL_PATH } from './graphql-client.js';
import { useGraphqlConnection } from './graphql-context.js';
import { currentSession, setCurrentSession, type MeetingSession } from './meeting-session.js';
import { runMutation } from './request.js';

/** The server closes a session that has been silent for 60 s: three beats fit in that. */
const HEARTBEAT_INTERVAL_MS = 20_000;

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

export type Presence = { state: Accessor<PresenceState>; leave: () => Promise<void> };

export function createPresence(session: MeetingSession): Presence {
  const client = useClient();
  const { headers } = useGraphqlConnection();
  const [state, setState] = createSignal<PresenceState>('present');
  const variables = { sessionId: session.sessionId };

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

  function stop(next: PresenceState) {
    stopTicker();
    document.removeEventListener('visibilitychange', onVisibilityChange);
    window.removeEventListener('pagehide', onPageHide);
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

  onCleanup(() => void leave());
  return { state, leave };
}
