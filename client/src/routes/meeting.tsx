// /<room>/<meetingId>: in a meeting. The call itself, live details, presence, and the way out.
import { A, useParams } from '@solidjs/router';
import { createQuery, createSubscription, useClient } from '@urql/solid';
import { createSignal, Match, Show, Switch } from 'solid-js';
import { Loaded } from '../components/loaded.js';
import { MeetingTiming } from '../components/meeting-card.js';
import { CallFrame, JoinPrompt, MeetingEnded, InSession } from '../components/in-session.js';
import { NotFound } from '../components/not-found.js';
import { Notice } from '../components/notice.js';
import { graphql } from '../graphql/generated/index.js';
import type { MeetingPageQuery } from '../graphql/generated/graphql.js';
import { createAction } from '../lib/create-action.js';
import { describeParticipants, meetingTitle } from '../lib/lobby-wording.js';
import {
  callPagePath,
  currentSession,
  decodePathSegment,
  type MeetingSession,
} from '../lib/meeting-session.js';
import { usePageTitle } from '../lib/page-title.js';
import { runMutation } from '../lib/request.js';
import { createServerNow } from '../lib/server-now.js';

// Asked under its room: another room's meeting id in this room's URL is no meeting here.
const MeetingPageDocument = graphql(`
  query MeetingPage($room: String!, $id: ID!) {
    room(name: $room) {
      id
      meeting(id: $id) {
        ...MeetingSummary
        endReason
        room {
          id
          name
          viewerCanManage
        }
      }
    }
  }
`);

const MeetingUpdatesDocument = graphql(`
  subscription MeetingUpdates($id: ID!) {
    meeting(id: $id) {
      ...MeetingSummary
      endReason
    }
  }
`);

const EndMeetingDocument = graphql(`
  mutation EndMeeting($meetingId: ID!) {
    endMeeting(meetingId: $meetingId) {
      __typename
      ...ErrorMessage
    }
  }
`);

type PageMeeting = NonNullable<NonNullable<MeetingPageQuery['room']>['meeting']>;

export default function MeetingPage() {
  const params = useParams<{ room: string; meetingId: string }>();
  const meetingId = () => decodePathSegment(params.meetingId);
  const [page] = createQuery({
    query: MeetingPageDocument,
    variables: () => ({ room: params.room, id: meetingId() }),
  });
  const [updates] = createSubscription({
    query: MeetingUpdatesDocument,
    variables: () => ({ id: meetingId() }),
  });
  const pageMeeting = () => page.data?.room?.meeting ?? null;
  usePageTitle(() => meetingTitle(pageMeeting()?.title));

  return (
    <Loaded state={page} what="the meeting">
      {() => (
        <Show when={pageMeeting()} fallback={<NotFound title="This meeting does not exist" />}>
          {(meeting) => (
            // The subscription's newer state wins over what the page loaded.
            <MeetingView meeting={{ ...meeting(), ...updates.data?.meeting }} />
          )}
        </Show>
      )}
    </Loaded>
  );
}

function MeetingView(props: { meeting: PageMeeting }) {
  const nowMs = createServerNow();
  const client = useClient();
  const session = () => {
    const current = currentSession();
    return current?.meetingId === props.meeting.id ? current : null;
  };
  const title = () => meetingTitle(props.meeting.title);
  const lobbyPath = () => `/${props.meeting.room.name}`;
  const started = () => Date.parse(props.meeting.startsAt) <= nowMs();

  const endForEveryone = createAction(() =>
    runMutation(
      client,
      EndMeetingDocument,
      { meetingId: props.meeting.id },
      (data) => data.endMeeting,
      'EndMeetingSuccess',
    ),
  );

  return (
    <div class="meeting-page">
      <header class="page-header">
        <div>
          <p class="page-header__kicker">
            <A href={lobbyPath()}>{props.meeting.room.name}</A>
          </p>
          <h1>{title()}</h1>
          <MeetingTiming meeting={props.meeting} live={started()} nowMs={nowMs()} />
          <p class="meeting__participants" role="status">
            {describeParticipants(props.meeting.participantCount)}
          </p>
        </div>
        <Show when={props.meeting.room.viewerCanManage && props.meeting.status === 'OPEN'}>
          <button
            type="button"
            class="button button--danger"
            disabled={endForEveryone.pending()}
            onClick={() => {
              if (window.confirm(`End “${title()}” for everyone in it?`)) {
                void endForEveryone.submit();
              }
            }}
          >
            End for everyone
          </button>
        </Show>
      </header>
      <Show when={endForEveryone.formError()}>
        {(message) => <Notice tone="error">{message()}</Notice>}
      </Show>

      <Switch>
        <Match when={props.meeting.status === 'ENDED'}>
          <MeetingEnded reason={props.meeting.endReason} lobbyPath={lobbyPath()} />
        </Match>
        <Match when={session()} keyed>
          {(current) => (
            <InMeeting session={current} title={title()} roomName={props.meeting.room.name} />
          )}
        </Match>
        <Match when={true}>
          <JoinPrompt
            message="You are not in this meeting."
            meetingId={props.meeting.id}
            action={started() ? 'Join' : 'Join early'}
          />
        </Match>
      </Switch>
    </div>
  );
}

function InMeeting(props: { session: MeetingSession; title: string; roomName: string }) {
  // Opt-in: the default platform (meet.jit.si) limits embedded calls; a tab of its own is safer.
  const [embedded, setEmbedded] = createSignal(false);

  return (
    <InSession session={props.session} roomName={props.roomName} class="call">
      {(presence, leave) => (
        <>
          <div class="call__actions">
            <button
              type="button"
              class="button"
              onClick={() => {
                // Where the browser refuses a new tab, the call shows on this page instead.
                if (!presence.openCall(callPagePath(props.roomName, props.session))) {
                  setEmbedded(true);
                }
              }}
            >
              Open the call in a new tab
            </button>
            <button
              type="button"
              class="button button--secondary"
              aria-pressed={embedded()}
              onClick={() => setEmbedded((shown) => !shown)}
            >
              {embedded() ? 'Hide the call on this page' : 'Show the call on this page'}
            </button>
            <button type="button" class="button button--danger" onClick={() => void leave()}>
              Leave
            </button>
          </div>
          <Show when={embedded()}>
            <CallFrame joinUrl={props.session.joinUrl} title={`Video call: ${props.title}`} />
          </Show>
        </>
      )}
    </InSession>
  );
}
