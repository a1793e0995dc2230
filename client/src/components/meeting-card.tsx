// One meeting as participants see it: title, when, who is there, and what they can do about it.
import { Show, type JSX } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import type { MeetingSummaryFragment } from '../graphql/generated/graphql.js';
import { describeParticipants, meetingTitle } from '../lib/lobby-wording.js';
import { formatStartedAgo, formatStartsIn, formatTimeRange } from '../lib/time-format.js';

/** Registers the fragment with codegen; documents spread it by name. */
export const MeetingSummaryFragmentDocument = graphql(`
  fragment MeetingSummary on Meeting {
    id
    title
    startsAt
    endsAt
    status
    participantCount
  }
`);

/** "Starts in 5 min" for what is coming, "Started 3 min ago" for what is on. */
export function MeetingTiming(props: {
  meeting: MeetingSummaryFragment;
  live: boolean;
  nowMs: number;
}) {
  const startsAtMs = () => Date.parse(props.meeting.startsAt);
  return (
    <p class="meeting__timing">
      <strong>
        {props.live
          ? formatStartedAgo(startsAtMs(), props.nowMs)
          : formatStartsIn(startsAtMs(), props.nowMs)}
      </strong>
      <span class="meeting__when">
        {formatTimeRange(props.meeting.startsAt, props.meeting.endsAt)}
      </span>
    </p>
  );
}

export function MeetingCard(props: {
  meeting: MeetingSummaryFragment;
  live: boolean;
  nowMs: number;
  /** The buttons for this meeting (join, …). */
  children?: JSX.Element;
}) {
  const titleId = () => `meeting-${props.meeting.id}-title`;
  return (
    <article
      class="meeting"
      classList={{ 'meeting--live': props.live }}
      aria-labelledby={titleId()}
    >
      <div class="meeting__body">
        <h3 id={titleId()} class="meeting__title">
          {meetingTitle(props.meeting.title)}
        </h3>
        <MeetingTiming meeting={props.meeting} live={props.live} nowMs={props.nowMs} />
        <p class="meeting__participants">{describeParticipants(props.meeting.participantCount)}</p>
      </div>
      <Show when={props.children}>
        <div class="meeting__actions">{props.children}</div>
      </Show>
    </article>
  );
}
