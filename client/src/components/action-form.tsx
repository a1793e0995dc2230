// The form around a FormAction: its title, its fields, what went wrong or right, and its button.
import { Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import type { FormBinding } from '../lib/form-action.js';
import { Notice } from './notice.js';

export function ActionForm(props: {
  action: FormBinding;
  title: string;
  /** A form inside a titled section: an h3 title, and no card of its own. */
  nested?: boolean;
  /** The class of a nested form; others are cards. */
  class?: string;
  /** Shown once a submit succeeded, until the next one. */
  successMessage?: string;
  /** The button's text, and what it says while the form is being sent. */
  submitLabel: { idle: string; pending: string };
  /** The button of a form that is not the page's main way to go on. */
  secondary?: boolean;
  children: JSX.Element;
}) {
  const titleId = () => `${props.action.id}-title`;
  return (
    <form
      class={props.nested === true ? props.class : 'card'}
      onSubmit={(event) => void props.action.onSubmit(event)}
      novalidate
      aria-labelledby={titleId()}
    >
      <Dynamic component={props.nested === true ? 'h3' : 'h2'} id={titleId()}>
        {props.title}
      </Dynamic>
      {props.children}
      <Show when={props.action.formError()}>
        {(message) => <Notice tone="error">{message()}</Notice>}
      </Show>
      <Show when={props.action.succeeded() ? props.successMessage : undefined}>
        {(message) => <Notice tone="success">{message()}</Notice>}
      </Show>
      <button
        type="submit"
        class="button"
        classList={{ 'button--secondary': props.secondary === true }}
        disabled={props.action.pending()}
      >
        {props.action.pending() ? props.submitLabel.pending : props.submitLabel.idle}
      </button>
    </form>
  );
}
