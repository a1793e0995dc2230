// Past meetings for managers: the room's ended meetings, the most recently ended first, with who came.
import { createQuery, useClient } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { graphql } from '../../graphql/generated/index.js';
import type { PastMeetingsQuery } from '../../graphql/generated/graphql.js';
import { createAction } from '../../lib/create-action.js';
import { describeAttendance, describeEndedBecause, meetingTitle } from '../../lib/lobby-wording.js';
import { fail, succeed } from '../../lib/outcome.js';
import { describeRequestError } from '../../lib/request.js';
import { formatDateTime, formatTimeRange } from '../../lib/time-format.js';
import { Loaded } from '../loaded.js';
import { Notice } from '../notice.js';

const PAGE_SIZE = 10;

const PastMeetingsDocument = graphql(`
  query PastMeetings($name: String!, $first: Int!, $after: String) {
    room(name: $name) {
      id
      meetingHistory(first: $first, after: $after) {
        edges {
          node {
            id
            title
            startsAt
            endsAt
            startedAt
            endedAt
            endReason
            attendance {
              sessions {
                id
                displayName
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

type History = NonNullable<NonNullable<PastMeetingsQuery['room']>['meetingHistory']>;
type PastMeeting = History['edges'][number]['node'];

export function PastMeetings(props: { roomName: string }) {
  const client = useClient();
  const [firstPage] = createQuery({
    query: PastMeetingsDocument,
    variables: () => ({ name: props.roomName, first: PAGE_SIZE }),
    requestPolicy: 'network-only',
  });
  // Older pages, asked for one "Show older" at a time, after the first page's last cursor.
  const [olderPages, setOlderPages] = createSignal<History[]>([]);
  const lastPage = () => olderPages().at(-1) ?? firstPage.data?.room?.meetingHistory ?? null;
  const meetings = () =>
    [firstPage.data?.room?.meetingHistory, ...olderPages()].flatMap(
      (page) => page?.edges.map((edge) => edge.node) ?? [],
    );

  const showOlder = createAction(async () => {
    const after = lastPage()?.pageInfo.endCursor ?? null;
    const result = await client
      .query(PastMeetingsDocument, { name: props.roomName, first: PAGE_SIZE, after })
      .toPromise();
    const page = result.data?.room?.meetingHistory;
    if (page === null || page === undefined) {
      return fail(describeRequestError(result.error));
    }
    setOlderPages((pages) => [...pages, page]);
    return succeed(page);
  });

  return (
    <section class="card" aria-labelledby="past-meetings-title">
      <h2 id="past-meetings-title">Past meetings</h2>
      <Loaded state={firstPage} what="past meetings">
        {() => (
          <Show when={meetings().length > 0} fallback={<p>No meeting has ended here yet.</p>}>
            <ol class="runs">
              <For each={meetings()}>{(meeting) => <PastMeetingSummary meeting={meeting} />}</For>
            </ol>
            <Show when={showOlder.formError()}>
              {(message) => <Notice tone="error">{message()}</Notice>}
            </Show>
            <Show when={lastPage()?.pageInfo.hasNextPage}>
              <button
                type="button"
                class="button button--secondary"
                disabled={showOlder.pending()}
                onClick={() => void showOlder.submit()}
              >
                {showOlder.pending() ? 'Loading…' : 'Show older meetings'}
              </button>
            </Show>
          </Show>
        )}
      </Loaded>
    </section>
  );
}

function PastMeetingSummary(props: { meeting: PastMeeting }) {
  const when = (label: string, instant: string | null) =>
    instant === null ? label : `${label} ${formatDateTime(instant)}`;
  return (
    <li class="run">
      <p class="run__headline">
        <strong>{meetingTitle(props.meeting.title)}</strong>
        <span>{formatTimeRange(props.meeting.startsAt, props.meeting.endsAt)}</span>
      </p>
      <p class="run__counts">
        <Show when={props.meeting.startedAt}>
          {(startedAt) => `${when('First join', startedAt())} · `}
        </Show>
        {when(describeEndedBecause(props.meeting.endReason), props.meeting.endedAt)}
      </p>
      <p class="run__counts">{describeAttendance(props.meeting.attendance?.sessions ?? [])}</p>
    </li>
  );
}
