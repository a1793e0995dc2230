// A submit action for forms and buttons: one run at a time, a pending flag, and its failure to show.
import { createSignal, type Accessor } from 'solid-js';
import type { Failure, Outcome } from './outcome.js';

export type Action<Args extends unknown[], S, E> = {
  /** Resolves to null when refused because a run is still pending. */
  submit: (...args: Args) => Promise<Outcome<S, E> | null>;
  pending: Accessor<boolean>;
  failure: Accessor<Failure<E> | null>;
  /** The message for one field of the form, if the last failure was about it. */
  fieldError: (field: string) => string | undefined;
  /** The message that belongs to no field the form shows. */
  formError: Accessor<string | undefined>;
};

export function createAction<Args extends unknown[], S, E = never>(
  run: (...args: Args) => Promise<Outcome<S, E>>,
  formFields: readonly string[] = [],
): Action<Args, S, E> {
  const [pending, setPending] = createSignal(false);
  const [failure, setFailure] = createSignal<Failure<E> | null>(null);
  // A plain flag, set before anything can re-render: a double click must never run twice.
  let running = false;

  const submit = async (...args: Args): Promise<Outcome<S, E> | null> => {
    if (running) return null;
    running = true;
    setPending(true);
    setFailure(null);
    try {
      const outcome = await run(...args);
      if (!outcome.ok) setFailure(() => outcome);
      return outcome;
    } finally {
      running = false;
      setPending(false);
    }
  };

  return {
    submit,
    pending,
    failure,
    fieldError: (field) => {
      const last = failure();
      return last !== null && last.field === field ? last.message : undefined;
    },
    formError: () => {
      const last = failure();
      if (last === null) return undefined;
      return last.field !== null && formFields.includes(last.field) ? undefined : last.message;
    },
  };
}
