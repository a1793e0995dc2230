// Shows a query's data once it is there, and otherwise what is happening: loading, or why it failed.
import type { CombinedError } from '@urql/core';
import { Match, Switch, type Accessor, type JSX } from 'solid-js';
import { describeRequestError } from '../lib/request.js';
import { Notice } from './notice.js';

export function Loaded<Data>(props: {
  state: { data?: Data; error?: CombinedError; fetching: boolean };
  /** What is being loaded, for the loading message ("the room"). */
  what: string;
  children: (data: Accessor<NonNullable<Data>>) => JSX.Element;
}) {
  return (
    <Switch fallback={<p class="loading">Loading {props.what}…</p>}>
      <Match when={props.state.data}>{(data) => props.children(data)}</Match>
      <Match when={props.state.error}>
        {(error) => <Notice tone="error">{describeRequestError(error())}</Notice>}
      </Match>
    </Switch>
  );
}
