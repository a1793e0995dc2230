// /<room>/<meetingId>/call: the call page the meeting page opens in a tab of its own. It embeds the
// video call and keeps the session while it is open, even once the Lobby tab that opened it closes.
import { useLocation, useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import { CallFrame, InSession, JoinPrompt } from '../components/in-session.js';
import { decodePathSegment, sessionFromCallFragment } from '../lib/meeting-session.js';
import type { MeetingSession } from '../lib/meeting-session.js';
import { usePageTitle } from '../lib/page-title.js';

export default function CallPage() {
  const params = useParams<{ room: string; meetingId: string }>();
  const location = useLocation();
  const meetingId = () => decodePathSegment(params.meetingId);
  usePageTitle(() => `Call in ${params.room}`);
  // Read once: the session is this tab's for as long as it shows the call.
  const session = sessionFromCallFragment(meetingId(), location.hash);

  return (
    <Show
      when={session}
      fallback={
        <JoinPrompt
          message="This call page belongs to no session of yours."
          meetingId={meetingId()}
          action="Join"
        />
      }
    >
      {(current) => <InCall session={current()} roomName={params.room} />}
    </Show>
  );
}

function InCall(props: { session: MeetingSession; roomName: string }) {
  return (
    <InSession session={props.session} roomName={props.roomName} class="call call--page">
      {(_presence, leave) => (
        <>
          <div class="call__actions">
            <button type="button" class="button button--danger" onClick={() => void leave()}>
              Leave
            </button>
          </div>
          <CallFrame joinUrl={props.session.joinUrl} title={`Video call in ${props.roomName}`} />
        </>
      )}
    </InSession>
  );
}
