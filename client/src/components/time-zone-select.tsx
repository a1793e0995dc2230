// A time zone picker over every IANA zone the browser knows.
import { For } from 'solid-js';
import type { FormField } from '../lib/form-action.js';
import { Field } from './field.js';

let knownTimeZones: readonly string[] | undefined;

function timeZones(): readonly string[] {
  // Some engines leave "UTC" out of the list, yet it is the rooms' default.
  knownTimeZones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];
  return knownTimeZones;
}

/** The browser's own zone: the natural default for a new room. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function TimeZoneSelect(props: {
  id: string;
  value: string;
  onChange: (timezone: string) => void;
  'aria-describedby'?: string | undefined;
  'aria-invalid'?: boolean;
}) {
  const options = () =>
    timeZones().includes(props.value) ? timeZones() : [props.value, ...timeZones()];
  return (
    <select
      id={props.id}
      aria-describedby={props['aria-describedby']}
      aria-invalid={props['aria-invalid']}
      onChange={(event) => {
        props.onChange(event.currentTarget.value);
      }}
    >
      {/* `selected` per option: a select's value cannot be set before its options exist. */}
      <For each={options()}>
        {(timezone) => (
          <option value={timezone} selected={timezone === props.value}>
            {timezone}
          </option>
        )}
      </For>
    </select>
  );
}

export function TimeZoneField(props: { field: FormField<string>; hint?: string }) {
  return (
    <Field {...props.field} label="Time zone" hint={props.hint}>
      {(control) => (
        <TimeZoneSelect {...control} value={props.field.value()} onChange={props.field.setValue} />
      )}
    </Field>
  );
}
