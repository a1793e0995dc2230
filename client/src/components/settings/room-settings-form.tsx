// The room's own settings: who sees it listed, its time zone, how long an empty meeting lingers.
import { useClient } from '@urql/solid';
import { createSignal, Show, untrack } from 'solid-js';
import { graphql } from '../../graphql/generated/index.js';
import type { RoomSettingsFragment } from '../../graphql/generated/graphql.js';
import { createAction } from '../../lib/create-action.js';
import { runMutation } from '../../lib/request.js';
import { GRACE_PERIOD_MINUTES_MAX, roomSettingsInput } from '../../lib/settings-form.js';
import { describedBy, Field, fieldId, focusField } from '../field.js';
import { Notice } from '../notice.js';
import { TimeZoneSelect } from '../time-zone-select.js';

const UpdateRoomDocument = graphql(`
  mutation UpdateRoom($input: UpdateRoomInput!) {
    updateRoom(input: $input) {
      __typename
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

const FORM = 'room-settings';
const FIELDS = ['isShared', 'timezone', 'gracePeriodMinutes'] as const;

export function RoomSettingsForm(props: { room: RoomSettingsFragment; onSaved: () => void }) {
  const client = useClient();
  // Edits start from the room as loaded; later reloads must not overwrite what is being typed.
  const initial = untrack(() => props.room);
  const [isShared, setIsShared] = createSignal(initial.isShared);
  const [timezone, setTimezone] = createSignal(initial.timezone);
  const [gracePeriod, setGracePeriod] = createSignal(String(initial.gracePeriodMinutes));
  const [saved, setSaved] = createSignal(false);

  const save = createAction(async () => {
    const checked = roomSettingsInput({
      isShared: isShared(),
      timezone: timezone(),
      gracePeriodMinutes: gracePeriod(),
    });
    if (!checked.ok) return checked;
    return runMutation(
      client,
      UpdateRoomDocument,
      { input: { id: props.room.id, ...checked.value } },
      (data) => data.updateRoom,
      'UpdateRoomSuccess',
    );
  }, FIELDS);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setSaved(false);
    const outcome = await save.submit();
    if (outcome === null) return;
    if (outcome.ok) {
      setSaved(true);
      props.onSaved();
    } else focusField(FORM, outcome.field);
  };

  const ids = {
    isShared: fieldId(FORM, 'isShared'),
    timezone: fieldId(FORM, 'timezone'),
    gracePeriodMinutes: fieldId(FORM, 'gracePeriodMinutes'),
  };
  const sharedHint =
    'Shared rooms are listed to everyone signed in. Anyone with the link can always come in.';
  const timezoneHint = 'Used for calendar events whose times carry no time zone.';
  const graceHint = `How long a meeting stays open after the last person leaves, 0 to ${GRACE_PERIOD_MINUTES_MAX} minutes.`;

  return (
    <form
      class="card"
      onSubmit={(event) => void submit(event)}
      novalidate
      aria-labelledby={`${FORM}-title`}
    >
      <h2 id={`${FORM}-title`}>Room</h2>
      <Field
        id={ids.isShared}
        label="Shared room"
        hint={sharedHint}
        error={save.fieldError('isShared')}
        inline
      >
        <input
          id={ids.isShared}
          type="checkbox"
          checked={isShared()}
          onChange={(event) => setIsShared(event.currentTarget.checked)}
          {...describedBy(ids.isShared, sharedHint, save.fieldError('isShared'))}
        />
      </Field>
      <Field
        id={ids.timezone}
        label="Time zone"
        hint={timezoneHint}
        error={save.fieldError('timezone')}
      >
        <TimeZoneSelect
          id={ids.timezone}
          value={timezone()}
          onChange={setTimezone}
          {...describedBy(ids.timezone, timezoneHint, save.fieldError('timezone'))}
        />
      </Field>
      <Field
        id={ids.gracePeriodMinutes}
        label="Grace period (minutes)"
        hint={graceHint}
        error={save.fieldError('gracePeriodMinutes')}
      >
        <input
          id={ids.gracePeriodMinutes}
          type="number"
          inputmode="numeric"
          min="0"
          max={GRACE_PERIOD_MINUTES_MAX}
          step="1"
          value={gracePeriod()}
          onInput={(event) => setGracePeriod(event.currentTarget.value)}
          {...describedBy(ids.gracePeriodMinutes, graceHint, save.fieldError('gracePeriodMinutes'))}
        />
      </Field>
      <Show when={save.formError()}>{(message) => <Notice tone="error">{message()}</Notice>}</Show>
      <Show when={saved()}>
        <Notice tone="success">Room settings saved.</Notice>
      </Show>
      <button type="submit" class="button" disabled={save.pending()}>
        {save.pending() ? 'Saving…' : 'Save room settings'}
      </button>
    </form>
  );
}
