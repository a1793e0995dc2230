// The room's calendar feed: its URL (a secret, shown masked), whether to follow it, and how often.
import { SYNC_INTERVAL_MINUTES_MAX, SYNC_INTERVAL_MINUTES_MIN } from '@lobby/shared/sync-interval';
import { Show, untrack } from 'solid-js';
import { graphql } from '../../graphql/generated/index.js';
import type { RoomSettingsFragment } from '../../graphql/generated/graphql.js';
import { createMutationForm } from '../../lib/form-action.js';
import { calendarInput, maskFeedUrl } from '../../lib/settings-form.js';
import { ActionForm } from '../action-form.js';
import { CheckboxField, TextField, verbatimText, WholeNumberField } from '../field.js';

const SetRoomCalendarDocument = graphql(`
  mutation SetRoomCalendar($input: SetRoomCalendarInput!) {
    setRoomCalendar(input: $input) {
      __typename
      ...ErrorMessageAndField
    }
  }
`);

const DEFAULT_SYNC_INTERVAL_MINUTES = 5;
const URL_HINT =
  'The calendar’s private address (https, http, webcal or webcals). Events that link to this room become meetings.';
const INTERVAL_HINT = `How often Lobby reads the feed, ${SYNC_INTERVAL_MINUTES_MIN} to ${SYNC_INTERVAL_MINUTES_MAX} minutes.`;

export function CalendarForm(props: { room: RoomSettingsFragment; onSaved: () => void }) {
  const initial = untrack(() => props.room.calendar);
  const storedUrl = () => props.room.calendar?.url ?? null;

  const save = createMutationForm({
    id: 'calendar',
    fields: {
      /** null while the stored URL is kept; the text being typed once "Change" was pressed. */
      url: storedUrl() === null ? '' : null,
      enabled: initial?.enabled ?? true,
      syncIntervalMinutes: String(initial?.syncIntervalMinutes ?? DEFAULT_SYNC_INTERVAL_MINUTES),
    },
    check: (values) => calendarInput(values, storedUrl() !== null),
    mutation: SetRoomCalendarDocument,
    variables: (input) => ({ input: { roomId: props.room.id, ...input } }),
    result: (data) => data.setRoomCalendar,
    success: 'SetRoomCalendarSuccess',
    onSuccess: () => {
      keepStoredUrl();
      props.onSaved();
    },
  });
  const url = save.field('url');
  const savedMessage = () =>
    save.values.enabled
      ? 'Calendar settings saved. A sync has been queued.'
      : 'Calendar settings saved.';

  const keepStoredUrl = () => {
    url.setValue(null);
  };
  const changeUrl = () => {
    url.setValue('');
    queueMicrotask(() => document.getElementById(url.id)?.focus());
  };

  return (
    <ActionForm
      action={save}
      title="Calendar feed"
      successMessage={savedMessage()}
      submitLabel={{ idle: 'Save calendar settings', pending: 'Saving…' }}
    >
      <Show
        when={url.value() === null ? storedUrl() : null}
        fallback={
          <TextField
            field={url}
            label="Feed URL"
            hint={URL_HINT}
            type="url"
            inputmode="url"
            {...verbatimText}
            placeholder="https://calendar.example.com/…/basic.ics"
          >
            <Show when={storedUrl() !== null}>
              <button type="button" class="button button--link" onClick={keepStoredUrl}>
                Keep the current URL
              </button>
            </Show>
          </TextField>
        }
      >
        {(stored) => (
          <div class="field">
            <span class="field__label" id={`${url.id}-label`}>
              Feed URL
            </span>
            <p class="masked" aria-labelledby={`${url.id}-label`}>
              <code>{maskFeedUrl(stored())}</code>{' '}
              <button type="button" class="button button--link" onClick={changeUrl}>
                Change
              </button>
            </p>
            <p class="field__hint">Hidden because it usually contains a private key.</p>
          </div>
        )}
      </Show>
      <CheckboxField field={save.field('enabled')} label="Follow this calendar" />
      <WholeNumberField
        field={save.field('syncIntervalMinutes')}
        label="Sync every (minutes)"
        hint={INTERVAL_HINT}
        min={SYNC_INTERVAL_MINUTES_MIN}
        max={SYNC_INTERVAL_MINUTES_MAX}
      />
    </ActionForm>
  );
}
