// Calendar sync for managers: feed health, "Sync now" with the run's live states, and recent runs.
import { createSubscription, useClient } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { graphql } from '../../graphql/generated/index.js';
import type {
  RoomSettingsFragment,
  SyncRunDetailsFragment,
} from '../../graphql/generated/graphql.js';
import { createAction } from '../../lib/create-action.js';
import { runMutation } from '../../lib/request.js';
import {
  describeFeedHealth,
  describeSyncCounts,
  describeSyncError,
  describeSyncStatus,
  describeSyncTrigger,
  hasSyncCounts,
  isSyncRunFinished,
  mergeSyncRun,
} from '../../lib/sync-runs.js';
import { formatDateTime } from '../../lib/time-format.js';
import { Notice } from '../notice.js';

/** Registers the fragment with codegen; documents spread it by name. */
export const SyncRunDetailsFragmentDocument = graphql(`
  fragment SyncRunDetails on CalendarSyncRun {
    id
    status
    trigger
    queuedAt
    startedAt
    finishedAt
    eventsInFeed
    eventsMatched
    created
    updated
    removed
    restored
    errorCode
    errorMessage
  }
`);

const SyncRoomCalendarDocument = graphql(`
  mutation SyncRoomCalendar($roomId: ID!) {
    syncRoomCalendar(roomId: $roomId) {
      __typename
      ... on SyncRoomCalendarSuccess {
        run {
          ...SyncRunDetails
        }
      }
      ...ErrorMessage
      ... on RateLimitedError {
        retryAfterSeconds
      }
    }
  }
`);

const CalendarSyncDocument = graphql(`
  subscription CalendarSync($roomId: ID!) {
    calendarSync(roomId: $roomId) {
      ...SyncRunDetails
    }
  }
`);

type Calendar = NonNullable<RoomSettingsFragment['calendar']>;

export function SyncPanel(props: {
  roomId: string;
  calendar: Calendar | null | undefined;
  /** A run finished: the feed's health (failures, next sync) has changed. */
  onRunFinished: () => void;
}) {
  const client = useClient();
  const [liveRuns, setLiveRuns] = createSignal<SyncRunDetailsFragment[]>([]);
  const record = (run: SyncRunDetailsFragment) => {
    setLiveRuns((runs) => mergeSyncRun(runs, run));
  };
  createSubscription(
    { query: CalendarSyncDocument, variables: () => ({ roomId: props.roomId }) },
    (_previous, data) => {
      record(data.calendarSync);
      if (isSyncRunFinished(data.calendarSync.status)) props.onRunFinished();
      return data;
    },
  );
  const runs = () =>
    liveRuns().reduce((all, run) => mergeSyncRun(all, run), props.calendar?.recentSyncs ?? []);

  const syncNow = createAction(async () => {
    const outcome = await runMutation(
      client,
      SyncRoomCalendarDocument,
      { roomId: props.roomId },
      (data) => data.syncRoomCalendar,
      'SyncRoomCalendarSuccess',
    );
    if (outcome.ok) record(outcome.value.run);
    return outcome;
  });
  const retryAfter = () => {
    const error = syncNow.failure()?.error;
    return error?.__typename === 'RateLimitedError' ? error.retryAfterSeconds : null;
  };

  return (
    <section class="card" aria-labelledby="sync-title">
      <h2 id="sync-title">Sync</h2>
      <Show
        when={props.calendar?.url}
        fallback={<p>Set a calendar feed above, then its syncs show here.</p>}
      >
        <dl class="health">
          <dt>Feed health</dt>
          <dd>{describeFeedHealth(props.calendar?.consecutiveFailures ?? 0)}</dd>
          <dt>Next sync</dt>
          <dd>
            {props.calendar?.enabled !== true
              ? 'Not scheduled: following the calendar is turned off'
              : props.calendar.pausedReason !== null
                ? props.calendar.pausedReason
                : props.calendar.nextSyncAt === null
                  ? 'Not scheduled yet'
                  : formatDateTime(props.calendar.nextSyncAt)}
          </dd>
        </dl>
        <button
          type="button"
          class="button"
          disabled={syncNow.pending()}
          onClick={() => void syncNow.submit()}
        >
          {syncNow.pending() ? 'Asking…' : 'Sync now'}
        </button>
        <Show when={syncNow.formError()}>
          {(message) => (
            <Notice tone="error">
              {message()}
              {retryAfter() === null ? '' : ` Try again in ${retryAfter()} s.`}
            </Notice>
          )}
        </Show>
      </Show>
      <Show when={runs()[0]}>
        {(latest) => (
          <div class="latest-run" role="status">
            <h3>Latest sync</h3>
            <SyncRunSummary run={latest()} />
          </div>
        )}
      </Show>
      <Show when={runs().length > 1}>
        <h3>Earlier syncs</h3>
        <ol class="runs">
          <For each={runs().slice(1)}>
            {(run) => (
              <li>
                <SyncRunSummary run={run} />
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  );
}

function SyncRunSummary(props: { run: SyncRunDetailsFragment }) {
  const error = () => describeSyncError(props.run.errorCode, props.run.errorMessage);
  return (
    <div class={`run run--${props.run.status.toLowerCase()}`}>
      <p class="run__headline">
        <strong>{describeSyncStatus(props.run.status)}</strong>
        <span>
          {describeSyncTrigger(props.run.trigger)} ·{' '}
          <time datetime={props.run.queuedAt}>{formatDateTime(props.run.queuedAt)}</time>
        </span>
      </p>
      <Show when={hasSyncCounts(props.run.status)}>
        <p class="run__counts">{describeSyncCounts(props.run)}</p>
      </Show>
      <Show when={error()}>
        {(described) => (
          <p class="run__error">
            {described().explanation}
            <Show when={described().detail}>
              {(detail) => <span class="run__detail"> ({detail()})</span>}
            </Show>
          </p>
        )}
      </Show>
    </div>
  );
}
