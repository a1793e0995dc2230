// /: the rooms you can see and a new room for those signed in; the sign-in box for the others.
import { A, useNavigate } from '@solidjs/router';
import { createQuery, useClient } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { describedBy, Field, fieldId, focusField } from '../components/field.js';
import { Loaded } from '../components/loaded.js';
import { Notice } from '../components/notice.js';
import { SignInForm } from '../components/sign-in-form.js';
import { TimeZoneSelect, viewerTimeZone } from '../components/time-zone-select.js';
import { graphql } from '../graphql/generated/index.js';
import { createAction } from '../lib/create-action.js';
import { usePageTitle } from '../lib/page-title.js';
import { runMutation } from '../lib/request.js';
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
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
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

const CREATE_FORM = 'create-room';

function CreateRoomForm() {
  const client = useClient();
  const navigate = useNavigate();
  const [name, setName] = createSignal('');
  const [isShared, setIsShared] = createSignal(false);
  const [timezone, setTimezone] = createSignal(viewerTimeZone());

  const create = createAction(async () => {
    const checked = createRoomInput({ name: name(), isShared: isShared(), timezone: timezone() });
    if (!checked.ok) return checked;
    return runMutation(
      client,
      CreateRoomDocument,
      { input: checked.value },
      (data) => data.createRoom,
      'CreateRoomSuccess',
    );
  }, ['name', 'isShared', 'timezone']);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const outcome = await create.submit();
    if (outcome === null) return;
    // The next step for a new room is its calendar.
    if (outcome.ok) navigate(`/${outcome.value.room.name}/settings`);
    else focusField(CREATE_FORM, outcome.field);
  };

  const ids = {
    name: fieldId(CREATE_FORM, 'name'),
    isShared: fieldId(CREATE_FORM, 'isShared'),
    timezone: fieldId(CREATE_FORM, 'timezone'),
  };
  const nameHint = 'Lower-case letters, digits and hyphens. It becomes the room’s link.';
  const sharedHint = 'Shared rooms are listed to everyone signed in.';

  return (
    <form
      class="card"
      onSubmit={(event) => void submit(event)}
      novalidate
      aria-labelledby={`${CREATE_FORM}-title`}
    >
      <h2 id={`${CREATE_FORM}-title`}>Create a room</h2>
      <Field id={ids.name} label="Room name" hint={nameHint} error={create.fieldError('name')}>
        <input
          id={ids.name}
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
          required
          value={name()}
          onInput={(event) => setName(event.currentTarget.value)}
          {...describedBy(ids.name, nameHint, create.fieldError('name'))}
        />
      </Field>
      <Field
        id={ids.isShared}
        label="Shared room"
        hint={sharedHint}
        error={create.fieldError('isShared')}
        inline
      >
        <input
          id={ids.isShared}
          type="checkbox"
          checked={isShared()}
          onChange={(event) => setIsShared(event.currentTarget.checked)}
          {...describedBy(ids.isShared, sharedHint, create.fieldError('isShared'))}
        />
      </Field>
      <Field id={ids.timezone} label="Time zone" error={create.fieldError('timezone')}>
        <TimeZoneSelect
          id={ids.timezone}
          value={timezone()}
          onChange={setTimezone}
          {...describedBy(ids.timezone, undefined, create.fieldError('timezone'))}
        />
      </Field>
      <Show when={create.formError()}>
        {(message) => <Notice tone="error">{message()}</Notice>}
      </Show>
      <button type="submit" class="button" disabled={create.pending()}>
        {create.pending() ? 'Creating…' : 'Create room'}
      </button>
    </form>
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
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
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
