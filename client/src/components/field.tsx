// A labelled form control with its hint and error, wired together for screen readers, and the
// controls Lobby's forms use, each bound to one field of a form.
import { Show, splitProps, untrack, type JSX } from 'solid-js';
import type { FormField } from '../lib/form-action.js';

/** What the control inside a Field carries: the Field's id, and its hint and error for screen readers. */
export type FieldControl = {
  readonly id: string;
  readonly 'aria-describedby': string | undefined;
  readonly 'aria-invalid': boolean;
};

export function Field(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Checkboxes put their label after the box. */
  inline?: boolean;
  /** The control, given its attributes: spread them onto it (`<input {...control} />`). */
  children: JSX.Element | ((control: FieldControl) => JSX.Element);
}) {
  // Getters: the control follows the error as it comes and goes.
  const control: FieldControl = {
    get id() {
      return props.id;
    },
    get 'aria-describedby'() {
      const ids = [
        props.hint === undefined ? null : `${props.id}-hint`,
        props.error === undefined ? null : `${props.id}-error`,
      ];
      const joined = ids.filter((value) => value !== null).join(' ');
      return joined === '' ? undefined : joined;
    },
    get 'aria-invalid'() {
      return props.error !== undefined;
    },
  };
  const content = () => {
    const children = props.children;
    return typeof children === 'function' ? untrack(() => children(control)) : children;
  };
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
      {content()}
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

/** For keys, addresses and names that must be typed exactly: no autofill, spelling or capitals. */
export const verbatimText: Pick<
  JSX.InputHTMLAttributes<HTMLInputElement>,
  'autocomplete' | 'autocapitalize' | 'spellcheck'
> = { autocomplete: 'off', autocapitalize: 'none', spellcheck: false };

/** What a text field needs of its form field: null (nothing to edit) shows as empty. */
type TextFormField = Omit<FormField<string | null>, 'setValue'> & {
  setValue: (text: string) => void;
};

/** A one-line text field; other input attributes go to the input. */
export function TextField(
  props: Omit<
    JSX.InputHTMLAttributes<HTMLInputElement>,
    'id' | 'value' | 'onInput' | 'children'
  > & {
    field: TextFormField;
    label: string;
    hint?: string;
    /** Shown right after the input, such as a way to undo. */
    children?: JSX.Element;
  },
) {
  const [own, input] = splitProps(props, ['field', 'label', 'hint', 'children']);
  return (
    <Field {...own.field} label={own.label} hint={own.hint}>
      {(control) => (
        <>
          <input
            {...control}
            {...input}
            value={own.field.value() ?? ''}
            onInput={(event) => {
              own.field.setValue(event.currentTarget.value);
            }}
          />
          {own.children}
        </>
      )}
    </Field>
  );
}

export function CheckboxField(props: { field: FormField<boolean>; label: string; hint?: string }) {
  return (
    <Field {...props.field} label={props.label} hint={props.hint} inline>
      {(control) => (
        <input
          {...control}
          type="checkbox"
          checked={props.field.value()}
          onChange={(event) => {
            props.field.setValue(event.currentTarget.checked);
          }}
        />
      )}
    </Field>
  );
}

/** Keeps the text as typed: the form's check names what is wrong with it. */
export function WholeNumberField(props: {
  field: FormField<string>;
  label: string;
  hint: string;
  min: number;
  max: number;
}) {
  return (
    <Field {...props.field} label={props.label} hint={props.hint}>
      {(control) => (
        <input
          {...control}
          type="number"
          inputmode="numeric"
          min={props.min}
          max={props.max}
          step="1"
          value={props.field.value()}
          onInput={(event) => {
            props.field.setValue(event.currentTarget.value);
          }}
        />
      )}
    </Field>
  );
}
