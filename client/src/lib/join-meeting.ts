// Joining a meeting (or starting one and joining it): one click, one join, then the meeting page.
import { useNavigate } from '@solidjs/router';
import { useClient } from '@urql/solid';
import { createSignal, type Accessor } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import type { JoinMeetingMutation, StartMeetingMutation } from '../graphql/generated/graphql.js';
import { createAction, type Action } from './create-action.js';
import { meetingPath, setCurrentSession } from './meeting-session.js';
import { succeed, type Outcome } from './outcome.js';
import { runMutation } from './request.js';
import { guestName } from './session-store.js';
import { useViewer } from './viewer.js';

const JoinMeetingDocument = graphql(`
  mutation JoinMeeting($meetingId: ID!, $displayName: String) {
    joinMeeting(meetingId: $meetingId, displayName: $displayName) {
      __typename
      ... on JoinMeetingSuccess {
        joinUrl
        session {
          id
        }
        meeting {
          id
          room {
            name
          }
        }
      }
      ...ErrorMessageAndField
      ... on MeetingEndedError {
        liveMeeting {
          id
          title
        }
      }
    }
  }
`);

const StartMeetingDocument = graphql(`
  mutation StartMeeting($roomName: String!) {
    startMeeting(roomName: $roomName) {
      __typename
      ... on StartMeetingSuccess {
        meeting {
          id
        }
      }
      ...ErrorMessage
    }
  }
`);

export type JoinRequest = { meetingId: string } | { startInRoom: string };
export type JoinErrorResult =
  JoinMeetingMutation['joinMeeting'] | StartMeetingMutation['startMeeting'];

export type MeetingJoiner = Action<[JoinRequest], null, JoinErrorResult> & {
  /** The meeting id being joined, or the room name being started in. */
  pendingTarget: Accessor<string | null>;
};

/** `showsNameField`: whether the page has the guest name field that errors about it belong to. */
export function createMeetingJoiner(options: { showsNameField: boolean }): MeetingJoiner {
  const client = useClient();
  const navigate = useNavigate();
  const viewer = useViewer();
  const [pendingTarget, setPendingTarget] = createSignal<string | null>(null);

  const join = async (meetingId: string): Promise<Outcome<null, JoinErrorResult>> => {
    const displayName = viewer()?.isSignedIn === true ? null : guestName()?.trim() || null;
    const outcome = await runMutation(
      client,
      JoinMeetingDocument,
      { meetingId, displayName },
      (data) => data.joinMeeting,
      'JoinMeetingSuccess',
    );
    if (!outcome.ok) return outcome;
    const { session, meeting, joinUrl } = outcome.value;
    setCurrentSession({ meetingId: meeting.id, sessionId: session.id, joinUrl });
    navigate(meetingPath(meeting.room.name, meeting.id));
    return succeed(null);
  };

  const action = createAction(
    async (request: JoinRequest): Promise<Outcome<null, JoinErrorResult>> => {
      if ('meetingId' in request) return join(request.meetingId);
      const started = await runMutation(
        client,
        StartMeetingDocument,
        { roomName: request.startInRoom },
        (data) => data.startMeeting,
        'StartMeetingSuccess',
      );
      return started.ok ? join(started.value.meeting.id) : started;
    },
    options.showsNameField ? ['displayName'] : [],
  );

  return {
    ...action,
    pendingTarget,
    submit: async (request) => {
      if (action.pending()) return null;
      setPendingTarget('meetingId' in request ? request.meetingId : request.startInRoom);
      try {
        return await action.submit(request);
      } finally {
        setPendingTarget(null);
      }
    },
  };
}
