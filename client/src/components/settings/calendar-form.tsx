// The room's calendar feed: its URL (a secret, shown masked), whether to follow it, and how often.
import { useClient } from '@urql/solid';
import { createSignal, Show, untrack } from 'solid-js';
import { graphql } from '../../graphql/generated/index.js';
import type { RoomSettingsFragment } from '../../graphql/generated/graphql.js';
import { createAction } from '../../lib/create-action.js';
import { runMutation } from '../../lib/request.js';
import {
  calendarInput,
  maskFeedUrl,
  SYNC_INTERVAL_MINUTES_MAX,
  SYNC_INTERVAL_MINUTES_MIN,
} from '../../lib/settings-form.js';
import { describedBy, Field, fieldId, focusField } from '../field.js';
import { Notice } from '../notice.js';

const SetRoomCalendarDocument = graphql(`
  mutation SetRoomCalendar($input: SetRoomCalendarInput!) {
    setRoomCalendar(input: $input) {
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

const FORM = 'calendar';
const FIELDS = ['url', 'enabled', 'syncIntervalMinutes'] as const;
const DEFAULT_SYNC_INTERVAL_MINUTES = 5;

export function CalendarForm(props: { room: RoomSettingsFragment; onSaved: () => void }) {
  const client = useClient();
  const initial = untrack(() => props.room.calendar);
  const storedUrl = () => props.room.calendar?.url ?? null;
  /** null while the stored URL is kept; the text being typed once "Change" was pressed. */
  const [newUrl, setNewUrl] = createSignal<string | null>(storedUrl() === null ? '' : null);
  const [enabled, setEnabled] = createSignal(initial?.enabled ?? true);
  const [syncInterval, setSyncInterval] = createSignal(
    String(initial?.syncIntervalMinutes ?? DEFAULT_SYNC_INTERVAL_MINUTES),
  );
  const [saved, setSaved] = createSignal(false);

  const save = createAction(async () => {
    const checked = calendarInput(
      { url: newUrl(), enabled: enabled(), syncIntervalMinutes: syncInterval() },
      storedUrl() !== null,
    );
    if (!checked.ok) return checked;
    return runMutation(
      client,
      SetRoomCalendarDocument,
      { input: { roomId: props.room.id, ...checked.value } },
      (data) => data.setRoomCalendar,
      'SetRoomCalendarSuccess',
    );
  }, FIELDS);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setSaved(false);
    const outcome = await save.submit();
    if (outcome === null) return;
    if (outcome.ok) {
      setNewUrl(null);
      setSaved(true);
      props.onSaved();
    } else focusField(FORM, outcome.field);
  };

  const ids = {
    url: fieldId(FORM, 'url'),
    enabled: fieldId(FORM, 'enabled'),
    syncIntervalMinutes: fieldId(FORM, 'syncIntervalMinutes'),
  };
  const urlHint =
    'The calendar’s private address (https, http, webcal or webcals). Events that link to this room become meetings.';
  const intervalHint = `How often Lobby reads the feed, ${SYNC_INTERVAL_MINUTES_MIN} to ${SYNC_INTERVAL_MINUTES_MAX} minutes.`;

  const changeUrl = () => {
    setNewUrl('');
    queueMicrotask(() => document.getElementById(ids.url)?.focus());
  };

  return (
    <form
      class="card"
      onSubmit={(event) => void submit(event)}
      novalidate
      aria-labelledby={`${FORM}-title`}
    >
      <h2 id={`${FORM}-title`}>Calendar feed</h2>
      <Show
        when={newUrl() === null ? storedUrl() : null}
        fallback={
          <Field id={ids.url} label="Feed URL" hint={urlHint} error={save.fieldError('url')}>
            <input
              id={ids.url}
              type="url"
              inputmode="url"
              autocomplete="off"
              spellcheck={false}
              placeholder="https://calendar.example.com/…/basic.ics"
              value={newUrl() ?? ''}
              onInput={(event) => setNewUrl(event.currentTarget.value)}
              {...describedBy(ids.url, urlHint, save.fieldError('url'))}
            />
            <Show when={storedUrl() !== null}>
              <button type="button" class="button button--link" onClick={() => setNewUrl(null)}>
                Keep the current URL
              </button>
            </Show>
          </Field>
        }
      >
        {(url) => (
          <div class="field">
            <span class="field__label" id={`${ids.url}-label`}>
              Feed URL
            </span>
            <p class="masked" aria-labelledby={`${ids.url}-label`}>
              <code>{maskFeedUrl(url())}</code>{' '}
              <button type="button" class="button button--link" onClick={changeUrl}>
                Change
              </button>
            </p>
            <p class="field__hint">Hidden because it usually contains a private key.</p>
          </div>
        )}
      </Show>
      <Field
        id={ids.enabled}
        label="Follow this calendar"
        error={save.fieldError('enabled')}
        inline
      >
        <input
          id={ids.enabled}
          type="checkbox"
          checked={enabled()}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
          {...describedBy(ids.enabled, undefined, save.fieldError('enabled'))}
        />
      </Field>
      <Field
        id={ids.syncIntervalMinutes}
        label="Sync every (minutes)"
        hint={intervalHint}
        error={save.fieldError('syncIntervalMinutes')}
      >
        <input
          id={ids.syncIntervalMinutes}
          type="number"
          inputmode="numeric"
          min={SYNC_INTERVAL_MINUTES_MIN}
          max={SYNC_INTERVAL_MINUTES_MAX}
          step="1"
          value={syncInterval()}
          onInput={(event) => setSyncInterval(event.currentTarget.value)}
          {...describedBy(
            ids.syncIntervalMinutes,
            intervalHint,
            save.fieldError('syncIntervalMinutes'),
          )}
        />
      </Field>
      <Show when={save.formError()}>{(message) => <Notice tone="error">{message()}</Notice>}</Show>
      <Show when={saved()}>
        <Notice tone="success">
          {enabled()
            ? 'Calendar settings saved. A sync has been queued.'
            : 'Calendar settings saved.'}
        </Notice>
      </Show>
      <button type="submit" class="button" disabled={save.pending()}>
        {save.pending() ? 'Saving…' : 'Save calendar settings'}
      </button>
    </form>
  );
}
