// Why a join failed, and for an ended meeting, the way into the room's live one.
import { Show } from 'solid-js';
import type { MeetingJoiner } from '../lib/join-meeting.js';
import { meetingTitle } from '../lib/lobby-wording.js';
import { Notice } from './notice.js';

export function JoinFailure(props: { joiner: MeetingJoiner }) {
  const liveMeeting = () => {
    const error = props.joiner.failure()?.error;
    return error?.__typename === 'MeetingEndedError' ? error.liveMeeting : null;
  };
  return (
    <Show when={props.joiner.formError()}>
      {(message) => (
        <Notice tone="error">
          <p>{message()}</p>
          <Show when={liveMeeting()}>
            {(live) => (
              <p>
                <strong>{meetingTitle(live().title)}</strong> is live in this room now.{' '}
                <button
                  type="button"
                  class="button"
                  disabled={props.joiner.pending()}
                  onClick={() => void props.joiner.submit({ meetingId: live().id })}
                >
                  Join {meetingTitle(live().title)}
                </button>
              </p>
            )}
          </Show>
        </Notice>
      )}
    </Show>
  );
}
