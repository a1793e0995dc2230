// /<room>/settings: what managers change about a room, and its calendar's syncs as they happen.
import { A, useNavigate, useParams } from '@solidjs/router';
import { createQuery, useClient } from '@urql/solid';
import { Show } from 'solid-js';
import { CopyButton } from '../components/copy-button.js';
import { Loaded } from '../components/loaded.js';
import { NotFound } from '../components/not-found.js';
import { Notice } from '../components/notice.js';
import { CalendarForm } from '../components/settings/calendar-form.js';
import { PastMeetings } from '../components/settings/past-meetings.js';
import { RoomSettingsForm } from '../components/settings/room-settings-form.js';
import { SyncPanel } from '../components/settings/sync-panel.js';
import { graphql } from '../graphql/generated/index.js';
import type { RoomSettingsFragment } from '../graphql/generated/graphql.js';
import { createAction } from '../lib/create-action.js';
import { usePageTitle } from '../lib/page-title.js';
import { runMutation } from '../lib/request.js';

/** Registers the fragment with codegen; documents spread it by name. */
export const RoomSettingsFragmentDocument = graphql(`
  fragment RoomSettings on Room {
    id
    name
    url
    isShared
    timezone
    gracePeriodMinutes
    viewerCanManage
    calendar {
      url
      enabled
      syncIntervalMinutes
      nextSyncAt
      consecutiveFailures
      pausedReason
      recentSyncs(first: 10) {
        ...SyncRunDetails
      }
    }
  }
`);

const RoomSettingsPageDocument = graphql(`
  query RoomSettingsPage($name: String!) {
    room(name: $name) {
      ...RoomSettings
    }
  }
`);

const DeleteRoomDocument = graphql(`
  mutation DeleteRoom($id: ID!) {
    deleteRoom(id: $id) {
      __typename
      ...ErrorMessage
    }
  }
`);

export default function SettingsPage() {
  const params = useParams<{ room: string }>();
  const [page, reload] = createQuery({
    query: RoomSettingsPageDocument,
    variables: () => ({ name: params.room }),
  });
  usePageTitle(() => `Settings of ${params.room}`);
  const refresh = () => {
    reload({ requestPolicy: 'network-only' });
  };

  return (
    <Loaded state={page} what="the room’s settings">
      {(data) => (
        <Show
          when={data().room}
          fallback={<NotFound title={`There is no room called “${params.room}”`} />}
        >
          {(room) => (
            <Show
              when={room().viewerCanManage}
              fallback={
                <Notice tone="warning">
                  Only the room’s owner or an admin can change its settings.{' '}
                  <A href={`/${room().name}`}>Go to the lobby</A>
                </Notice>
              }
            >
              {/* Keyed on the id: another room gets fresh forms, a reload of this one does not. */}
              <Show when={room().id} keyed>
                <RoomSettings room={room()} onChanged={refresh} />
              </Show>
            </Show>
          )}
        </Show>
      )}
    </Loaded>
  );
}

function RoomSettings(props: { room: RoomSettingsFragment; onChanged: () => void }) {
  return (
    <div class="settings">
      <header class="page-header">
        <div>
          <p class="page-header__kicker">Settings</p>
          <h1>{props.room.name}</h1>
        </div>
        <A class="button button--secondary" href={`/${props.room.name}`}>
          Open the lobby
        </A>
      </header>
      <section class="card" aria-labelledby="room-link-title">
        <h2 id="room-link-title">Room link</h2>
        <p>
          Put this link in the location or description of calendar events: they then show up in this
          room’s lobby.
        </p>
        <p class="room-link">
          <input
            readonly
            aria-labelledby="room-link-title"
            value={props.room.url}
            onFocus={(event) => {
              event.currentTarget.select();
            }}
          />
          <CopyButton text={props.room.url} label="Copy link" />
        </p>
      </section>
      <CalendarForm room={props.room} onSaved={props.onChanged} />
      <SyncPanel
        roomId={props.room.id}
        calendar={props.room.calendar}
        onRunFinished={props.onChanged}
      />
      <PastMeetings roomName={props.room.name} />
      <RoomSettingsForm room={props.room} onSaved={props.onChanged} />
      <DeleteRoom room={props.room} />
    </div>
  );
}

function DeleteRoom(props: { room: RoomSettingsFragment }) {
  const client = useClient();
  const navigate = useNavigate();
  const remove = createAction(() =>
    runMutation(
      client,
      DeleteRoomDocument,
      { id: props.room.id },
      (data) => data.deleteRoom,
      'DeleteRoomSuccess',
    ),
  );
  const confirmAndDelete = async () => {
    const question = `Delete the room “${props.room.name}”? Its link stops working and its meetings end.`;
    if (!window.confirm(question)) return;
    const outcome = await remove.submit();
    if (outcome?.ok === true) navigate('/');
  };
  return (
    <section class="card card--danger" aria-labelledby="delete-room-title">
      <h2 id="delete-room-title">Delete this room</h2>
      <Show when={remove.formError()}>
        {(message) => <Notice tone="error">{message()}</Notice>}
      </Show>
      <button
        type="button"
        class="button button--danger"
        disabled={remove.pending()}
        onClick={() => void confirmAndDelete()}
      >
        {remove.pending() ? 'Deleting…' : 'Delete room'}
      </button>
    </section>
  );
}
