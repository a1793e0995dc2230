// What a meeting page and a call page share: the embedded call, and what they show when the
// participant is not (or no longer) in it.
import { A, useNavigate } from '@solidjs/router';
import { Match, Switch, type JSX } from 'solid-js';
import type { MeetingEndReason } from '../graphql/generated/graphql.js';
import { createMeetingJoiner } from '../lib/join-meeting.js';
import { describeMeetingEnd } from '../lib/lobby-wording.js';
import type { MeetingSession } from '../lib/meeting-session.js';
import { usePresence, type Presence } from '../lib/presence.js';
import { JoinFailure } from './join-failure.js';
import { Notice } from './notice.js';

export function MeetingEnded(props: {
  reason: MeetingEndReason | null | undefined;
  lobbyPath: string;
}) {
  return (
    <Notice tone="info">
      <p>{describeMeetingEnd(props.reason)}</p>
      <p>
        <A href={props.lobbyPath}>Back to the lobby</A>
      </p>
    </Notice>
  );
}

/** A way (back) into the meeting: one button, guarded like every join. */
export function JoinPrompt(props: { message: string; meetingId: string; action: string }) {
  const joiner = createMeetingJoiner({ showsNameField: false });
  return (
    <div class="card">
      <p>{props.message}</p>
      <button
        type="button"
        class="button"
        disabled={joiner.pending()}
        onClick={() => void joiner.submit({ meetingId: props.meetingId })}
      >
        {joiner.pending() ? 'Joining…' : props.action}
      </button>
      <JoinFailure joiner={joiner} />
    </div>
  );
}

/**
 * A page in the session: holds its presence and shows `children` while it is present; once it is
 * over, where it stands and the way back in. `leave` leaves and goes back to the lobby.
 */
export function InSession(props: {
  session: MeetingSession;
  roomName: string;
  class: string;
  children: (presence: Presence, leave: () => Promise<void>) => JSX.Element;
}) {
  const presence = usePresence(props.session);
  const navigate = useNavigate();
  const lobbyPath = () => `/${props.roomName}`;
  const leave = async () => {
    await presence.leave();
    navigate(lobbyPath());
  };
  return (
    <section class={props.class} aria-label="Video call">
      <Switch>
        <Match when={presence.state() === 'present'}>{props.children(presence, leave)}</Match>
        <Match when={presence.state() === 'ended'}>
          <MeetingEnded reason={null} lobbyPath={lobbyPath()} />
        </Match>
        <Match when={true}>
          <JoinPrompt
            message={
              presence.state() === 'lost'
                ? 'You were disconnected from this meeting.'
                : 'You left this meeting.'
            }
            meetingId={props.session.meetingId}
            action="Rejoin"
          />
        </Match>
      </Switch>
    </section>
  );
}

/** The video call, embedded: the CSP's frame-src lets VIDEO_BASE_URL's origin in. */
export function CallFrame(props: { joinUrl: string; title: string }) {
  return (
    <iframe
      class="call__frame"
      src={props.joinUrl}
      title={props.title}
      allow="camera; microphone; display-capture; fullscreen; autoplay; clipboard-write"
    />
  );
}
