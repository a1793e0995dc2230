// /: the rooms you can see and a new room for those signed in; the sign-in box for the others.
import { A, useNavigate } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { ActionForm } from '../components/action-form.js';
import { CheckboxField, Field, TextField, verbatimText } from '../components/field.js';
import { Loaded } from '../components/loaded.js';
import { SignInForm } from '../components/sign-in-form.js';
import { TimeZoneField, viewerTimeZone } from '../components/time-zone-select.js';
import { graphql } from '../graphql/generated/index.js';
import { createMutationForm } from '../lib/form-action.js';
import { usePageTitle } from '../lib/page-title.js';
import { createRoomInput } from '../lib/settings-form.js';
import { useViewer } from '../lib/viewer.js';

const ROOMS_PAGE_SIZE = 20;

const RoomsDocument = graphql(`
  query Rooms($first: Int!, $after: String) {
    rooms(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          name
          isShared
          viewerCanManage
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CreateRoomDocument = graphql(`
  mutation CreateRoom($input: CreateRoomInput!) {
    createRoom(input: $input) {
      __typename
      ... on CreateRoomSuccess {
        room {
          name
        }
      }
      ...ErrorMessageAndField
    }
  }
`);

export default function HomePage() {
  const viewer = useViewer();
  usePageTitle(() => 'Rooms');
  return (
    <div class="home">
      <h1>Rooms</h1>
      <Show
        when={viewer()?.isSignedIn === true}
        fallback={
          <>
            <OpenRoomForm />
            <SignInForm />
          </>
        }
      >
        <section class="card" aria-labelledby="rooms-title">
          <h2 id="rooms-title">Your rooms</h2>
          <RoomsList />
        </section>
        <CreateRoomForm />
        <OpenRoomForm />
      </Show>
    </div>
  );
}

/** Pages are loaded one after the other: each page renders the next when asked. */
function RoomsList() {
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  return (
    <ul class="rooms">
      <For each={cursors()}>
        {(after, index) => (
          <RoomsPage
            after={after}
            isLast={index() === cursors().length - 1}
            onMore={(cursor) => setCursors((known) => [...known, cursor])}
          />
        )}
      </For>
    </ul>
  );
}

function RoomsPage(props: {
  after: string | null;
  isLast: boolean;
  onMore: (cursor: string) => void;
}) {
  const [page] = createQuery({
    query: RoomsDocument,
    variables: { first: ROOMS_PAGE_SIZE, after: props.after },
  });
  return (
    <Loaded state={page} what="rooms">
      {(data) => (
        <>
          <Show when={props.after === null && data().rooms.edges.length === 0}>
            <li class="rooms__empty">No rooms yet. Create one below.</li>
          </Show>
          <For each={data().rooms.edges}>
            {(edge) => (
              <li class="rooms__item">
                <A href={`/${edge.node.name}`}>{edge.node.name}</A>
                <span class="badge">{edge.node.isShared ? 'Shared' : 'Private'}</span>
                <Show when={edge.node.viewerCanManage}>
                  <A href={`/${edge.node.name}/settings`} class="rooms__settings">
                    Settings<span class="visually-hidden"> of {edge.node.name}</span>
                  </A>
                </Show>
              </li>
            )}
          </For>
          <Show
            when={
              props.isLast && data().rooms.pageInfo.hasNextPage
                ? data().rooms.pageInfo.endCursor
                : null
            }
          >
            {(cursor) => (
              <li>
                <button
                  type="button"
                  class="button button--secondary"
                  onClick={() => {
                    props.onMore(cursor());
                  }}
                >
                  Show more rooms
                </button>
              </li>
            )}
          </Show>
        </>
      )}
    </Loaded>
  );
}

const NAME_HINT = 'Lower-case letters, digits and hyphens. It becomes the room’s link.';
const SHARED_HINT = 'Shared rooms are listed to everyone signed in.';

function CreateRoomForm() {
  const navigate = useNavigate();
  const create = createMutationForm({
    id: 'create-room',
    fields: { name: '', isShared: false, timezone: viewerTimeZone() },
    check: createRoomInput,
    mutation: CreateRoomDocument,
    variables: (input) => ({ input }),
    result: (data) => data.createRoom,
    success: 'CreateRoomSuccess',
    // The next step for a new room is its calendar.
    onSuccess: (created) => {
      navigate(`/${created.room.name}/settings`);
    },
  });

  return (
    <ActionForm
      action={create}
      title="Create a room"
      submitLabel={{ idle: 'Create room', pending: 'Creating…' }}
    >
      <TextField
        field={create.field('name')}
        label="Room name"
        hint={NAME_HINT}
        {...verbatimText}
        required
      />
      <CheckboxField field={create.field('isShared')} label="Shared room" hint={SHARED_HINT} />
      <TimeZoneField field={create.field('timezone')} />
    </ActionForm>
  );
}

function OpenRoomForm() {
  const navigate = useNavigate();
  const [name, setName] = createSignal('');
  const id = 'open-room-name';
  return (
    <form
      class="card"
      aria-labelledby="open-room-title"
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = name().trim().toLowerCase();
        if (trimmed !== '') navigate(`/${encodeURIComponent(trimmed)}`);
      }}
    >
      <h2 id="open-room-title">Go to a room</h2>
      <Field id={id} label="Room name">
        <input
          id={id}
          {...verbatimText}
          value={name()}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </Field>
      <button type="submit" class="button button--secondary">
        Open the lobby
      </button>
    </form>
  );
}
