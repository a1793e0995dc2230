// A form's state and submit: the values being typed, checked before anything is sent, one submit at
// a time, failures next to the field they are about (which gets the focus), and the last success.
import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { useClient } from '@urql/solid';
import { createSignal, type Accessor } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { createAction, type Action } from './create-action.js';
import type { Outcome } from './outcome.js';
import { runMutation, type Typed } from './request.js';

/** What the form element needs of a FormAction, whatever the form holds and submits. */
export type FormBinding = {
  /** Starts the ids of the form's title and fields. */
  id: string;
  pending: Accessor<boolean>;
  formError: Accessor<string | undefined>;
  /** Whether the last submit succeeded; cleared as the next one starts. */
  succeeded: Accessor<boolean>;
  onSubmit: (event: SubmitEvent) => Promise<void>;
};

/** One field of a form, for a field component: its id, value and error (read when rendered). */
export type FormField<T> = {
  readonly id: string;
  readonly error: string | undefined;
  value: Accessor<T>;
  setValue: (value: T) => void;
};

export type FormAction<Values, S, E> = Action<[], S, E> &
  FormBinding & {
    /** What is typed now. */
    values: Values;
    field: <Name extends keyof Values & string>(name: Name) => FormField<Values[Name]>;
  };

type FormOptions<Values, Input, S> = {
  id: string;
  /** The fields the form shows and what they start with; failures about others are the form's. */
  fields: Values;
  /** Checks what was typed here first, so mistakes show at once, and makes it what is sent. */
  check: (values: Values) => Outcome<Input>;
  onSuccess: (value: S) => void;
};

export function createFormAction<Values extends object, Input, S, E = never>(
  options: FormOptions<Values, Input, S> & {
    send: (input: Input) => Promise<Outcome<S, E>>;
  },
): FormAction<Values, S, E> {
  const [values, setValues] = createStore({ ...options.fields });
  const action = createAction(async (): Promise<Outcome<S, E>> => {
    const checked = options.check(values);
    return checked.ok ? options.send(checked.value) : checked;
  }, Object.keys(options.fields));
  const [succeeded, setSucceeded] = createSignal(false);
  const fieldId = (name: string) => `${options.id}-${name}`;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setSucceeded(false);
    const outcome = await action.submit();
    if (outcome === null) return;
    if (outcome.ok) {
      setSucceeded(true);
      options.onSuccess(outcome.value);
    } else if (outcome.field !== null) {
      // Keyboard users land where the fix is.
      document.getElementById(fieldId(outcome.field))?.focus();
    }
  };

  return {
    ...action,
    id: options.id,
    succeeded,
    onSubmit,
    values,
    field: (name) => ({
      id: fieldId(name),
      get error() {
        return action.fieldError(name);
      },
      value: () => values[name],
      setValue: (value) => {
        setValues(
          produce((draft) => {
            draft[name] = value;
          }),
        );
      },
    }),
  };
}

/** A form that sends what passed its checks as one mutation; its typed failures become messages. */
export function createMutationForm<
  Values extends object,
  Input,
  Data,
  Variables extends AnyVariables,
  Result extends Typed,
  SuccessTypename extends Result['__typename'],
>(
  options: FormOptions<Values, Input, Extract<Result, { __typename: SuccessTypename }>> & {
    mutation: TypedDocumentNode<Data, Variables>;
    variables: (input: Input) => Variables;
    result: (data: Data) => Result;
    success: SuccessTypename;
  },
): FormAction<Values, Extract<Result, { __typename: SuccessTypename }>, Result> {
  const client = useClient();
  return createFormAction({
    ...options,
    send: (input) =>
      runMutation(
        client,
        options.mutation,
        options.variables(input),
        options.result,
        options.success,
      ),
  });
}
