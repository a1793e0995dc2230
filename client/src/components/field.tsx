// A labelled form control with its hint and error, wired together for screen readers.
import { Show, type JSX } from 'solid-js';

export function fieldId(formId: string, field: string): string {
  return `${formId}-${field}`;
}

/** The aria attributes for the control inside a Field with the same id, hint and error. */
export function describedBy(
  id: string,
  hint: string | undefined,
  error: string | undefined,
): { 'aria-describedby': string | undefined; 'aria-invalid': boolean } {
  const ids = [
    hint === undefined ? null : `${id}-hint`,
    error === undefined ? null : `${id}-error`,
  ];
  const joined = ids.filter((value) => value !== null).join(' ');
  return {
    'aria-describedby': joined === '' ? undefined : joined,
    'aria-invalid': error !== undefined,
  };
}

/** Moves focus to the field a failure is about, so keyboard users land where the fix is. */
export function focusField(formId: string, field: string | null): void {
  if (field === null) return;
  document.getElementById(fieldId(formId, field))?.focus();
}

export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  /** Checkboxes put their label after the box. */
  inline?: boolean;
  children: JSX.Element;
}) {
  const label = () => <label for={props.id}>{props.label}</label>;
  return (
    <div
      class="field"
      classList={{
        'field--inline': props.inline === true,
        'field--invalid': props.error !== undefined,
      }}
    >
      <Show when={props.inline !== true}>{label()}</Show>
      {props.children}
      <Show when={props.inline === true}>{label()}</Show>
      <Show when={props.hint}>
        {(hint) => (
          <p id={`${props.id}-hint`} class="field__hint">
            {hint()}
          </p>
        )}
      </Show>
      <Show when={props.error}>
        {(error) => (
          <p id={`${props.id}-error`} class="field__error">
            {error()}
          </p>
        )}
      </Show>
    </div>
  );
}
