// The room's own settings: who sees it listed, its time zone, how long an empty meeting lingers.
import { GRACE_PERIOD_MINUTES_MAX } from '@lobby/shared/room-settings';
import { untrack } from 'solid-js';
import { graphql } from '../../graphql/generated/index.js';
import type { RoomSettingsFragment } from '../../graphql/generated/graphql.js';
import { createMutationForm } from '../../lib/form-action.js';
import { roomSettingsInput } from '../../lib/settings-form.js';
import { ActionForm } from '../action-form.js';
import { CheckboxField, WholeNumberField } from '../field.js';
import { TimeZoneField } from '../time-zone-select.js';

const UpdateRoomDocument = graphql(`
  mutation UpdateRoom($input: UpdateRoomInput!) {
    updateRoom(input: $input) {
      __typename
      ...ErrorMessageAndField
    }
  }
`);

const SHARED_HINT =
  'Shared rooms are listed to everyone signed in. Anyone with the link can always come in.';
const TIMEZONE_HINT = 'Used for calendar events whose times carry no time zone.';
const GRACE_HINT = `How long a meeting stays open after the last person leaves, 0 to ${GRACE_PERIOD_MINUTES_MAX} minutes.`;

export function RoomSettingsForm(props: { room: RoomSettingsFragment; onSaved: () => void }) {
  // Edits start from the room as loaded; later reloads must not overwrite what is being typed.
  const initial = untrack(() => props.room);
  const save = createMutationForm({
    id: 'room-settings',
    fields: {
      isShared: initial.isShared,
      timezone: initial.timezone,
      gracePeriodMinutes: String(initial.gracePeriodMinutes),
    },
    check: roomSettingsInput,
    mutation: UpdateRoomDocument,
    variables: (input) => ({ input: { id: props.room.id, ...input } }),
    result: (data) => data.updateRoom,
    success: 'UpdateRoomSuccess',
    onSuccess: () => {
      props.onSaved();
    },
  });

  return (
    <ActionForm
      action={save}
      title="Room"
      successMessage="Room settings saved."
      submitLabel={{ idle: 'Save room settings', pending: 'Saving…' }}
    >
      <CheckboxField field={save.field('isShared')} label="Shared room" hint={SHARED_HINT} />
      <TimeZoneField field={save.field('timezone')} hint={TIMEZONE_HINT} />
      <WholeNumberField
        field={save.field('gracePeriodMinutes')}
        label="Grace period (minutes)"
        hint={GRACE_HINT}
        min={0}
        max={GRACE_PERIOD_MINUTES_MAX}
      />
    </ActionForm>
  );
}
