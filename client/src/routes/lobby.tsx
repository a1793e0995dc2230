// /<room>: the lobby. Live and upcoming meetings arrive by subscription and replace what is shown.
import { A, Navigate, useParams } from '@solidjs/router';
import { createQuery, createSubscription } from '@urql/solid';
import { For, Show } from 'solid-js';
import { Field } from '../components/field.js';
import { JoinFailure } from '../components/join-failure.js';
import { Loaded } from '../components/loaded.js';
import { MeetingCard } from '../components/meeting-card.js';
import { NotFound } from '../components/not-found.js';
import { Notice } from '../components/notice.js';
import { graphql } from '../graphql/generated/index.js';
import type { LobbyRoomQuery, MeetingSummaryFragment } from '../graphql/generated/graphql.js';
import { useGraphqlConnection } from '../lib/graphql-context.js';
import { createMeetingJoiner, type MeetingJoiner } from '../lib/join-meeting.js';
import { describeLobby, meetingTitle } from '../lib/lobby-wording.js';
import { usePageTitle } from '../lib/page-title.js';
import { describeRequestError } from '../lib/request.js';
import { createServerNow, observeServerTime } from '../lib/server-now.js';
import { guestName, setGuestName } from '../lib/session-store.js';
import { useViewer } from '../lib/viewer.js';

const LobbyRoomDocument = graphql(`
  query LobbyRoom($name: String!) {
    room(name: $name) {
      id
      name
      url
      viewerCanManage
    }
  }
`);

const RoomMeetingsDocument = graphql(`
  subscription RoomMeetings($roomName: String!) {
    roomMeetings(roomName: $roomName) {
      generatedAt
      live {
        ...MeetingSummary
      }
      upcoming {
        ...MeetingSummary
      }
    }
  }
`);

type LobbyRoom = NonNullable<LobbyRoomQuery['room']>;

export default function LobbyPage() {
  const params = useParams<{ room: string }>();
  const [room] = createQuery({
    query: LobbyRoomDocument,
    variables: () => ({ name: params.room }),
  });
  usePageTitle(() => params.room);
  return (
    // Room names are lower-case: /Team is a typo for /team, not another room.
    <Show
      when={params.room === params.room.toLowerCase()}
      fallback={<Navigate href={`/${params.room.toLowerCase()}`} />}
    >
      <Loaded state={room} what="the room">
        {(data) => (
          <Show
            when={data().room}
            fallback={<NotFound title={`There is no room called “${params.room}”`} />}
          >
            {(found) => <Lobby room={found()} />}
          </Show>
        )}
      </Loaded>
    </Show>
  );
}

function Lobby(props: { room: LobbyRoom }) {
  const joiner = createMeetingJoiner({ showsNameField: true });
  const viewer = useViewer();
  const connection = useGraphqlConnection();
  const nowMs = createServerNow();
  const [meetings] = createSubscription(
    { query: RoomMeetingsDocument, variables: () => ({ roomName: props.room.name }) },
    (_previous, data) => {
      observeServerTime(data.roomMeetings.generatedAt);
      return data;
    },
  );
  const lobby = () => meetings.data?.roomMeetings;
  const offline = () => connection.connectionState() === 'offline';

  return (
    <div class="lobby">
      <header class="page-header">
        <div>
          <p class="page-header__kicker">Room</p>
          <h1>{props.room.name}</h1>
        </div>
        <Show when={props.room.viewerCanManage}>
          <A class="button button--secondary" href={`/${props.room.name}/settings`}>
            Room settings
          </A>
        </Show>
      </header>

      <Show when={viewer()?.isSignedIn !== true}>
        <Field
          id="lobby-guest-name"
          label="Your name (optional)"
          hint="Shown to the others in the meeting."
          error={joiner.fieldError('displayName')}
        >
          {(control) => (
            <input
              {...control}
              autocomplete="name"
              maxLength={80}
              value={guestName() ?? ''}
              onChange={(event) => {
                setGuestName(event.currentTarget.value.trim() || null);
              }}
            />
          )}
        </Field>
      </Show>

      <JoinFailure joiner={joiner} />

      <Show when={offline()}>
        <Notice tone="warning">
          You are offline. The meetings below may be out of date; they refresh as soon as the
          connection is back.
        </Notice>
      </Show>

      <Show
        when={lobby()}
        fallback={
          <Show when={meetings.error} fallback={<p class="loading">Loading meetings…</p>}>
            {(error) => <Notice tone="error">{describeRequestError(error())}</Notice>}
          </Show>
        }
      >
        {(current) => (
          <div class="lobby__lists" classList={{ 'lobby__lists--stale': offline() }}>
            <p class="visually-hidden" role="status">
              {describeLobby(current().live, current().upcoming)}
            </p>
            <MeetingSection
              title="Live now"
              meetings={current().live}
              live
              nowMs={nowMs()}
              joiner={joiner}
            />
            <MeetingSection
              title="Coming up"
              meetings={current().upcoming}
              live={false}
              nowMs={nowMs()}
              joiner={joiner}
            />
            <Show when={current().live.length === 0 && current().upcoming.length === 0}>
              <div class="empty">
                <h2>No meetings right now</h2>
                <p>
                  Meetings from this room’s calendar appear here shortly before they start. You can
                  also start one now.
                </p>
              </div>
            </Show>
          </div>
        )}
      </Show>

      <section class="start-now" aria-labelledby="start-now-title">
        <h2 id="start-now-title" class="visually-hidden">
          Start a meeting
        </h2>
        <button
          type="button"
          class="button button--secondary"
          disabled={joiner.pending()}
          onClick={() => void joiner.submit({ startInRoom: props.room.name })}
        >
          {joiner.pendingTarget() === props.room.name ? 'Starting…' : 'Start a meeting now'}
        </button>
      </section>
    </div>
  );
}

function MeetingSection(props: {
  title: string;
  meetings: readonly MeetingSummaryFragment[];
  live: boolean;
  nowMs: number;
  joiner: MeetingJoiner;
}) {
  const headingId = () => `lobby-${props.live ? 'live' : 'upcoming'}`;
  return (
    <Show when={props.meetings.length > 0}>
      <section aria-labelledby={headingId()}>
        <h2 id={headingId()}>{props.title}</h2>
        <ul class="meetings">
          <For each={props.meetings}>
            {(meeting) => {
              const started = () => props.live || Date.parse(meeting.startsAt) <= props.nowMs;
              return (
                <li>
                  <MeetingCard meeting={meeting} live={props.live} nowMs={props.nowMs}>
                    <button
                      type="button"
                      class="button"
                      classList={{ 'button--secondary': !started() }}
                      disabled={props.joiner.pending()}
                      onClick={() => void props.joiner.submit({ meetingId: meeting.id })}
                    >
                      {props.joiner.pendingTarget() === meeting.id
                        ? 'Joining…'
                        : started()
                          ? 'Join'
                          : 'Join early'}
                      <span class="visually-hidden"> {meetingTitle(meeting.title)}</span>
                    </button>
                  </MeetingCard>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}
