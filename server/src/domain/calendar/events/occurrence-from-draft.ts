// A series' draft as the feed reader hands it out: an occurrence with its content hash, or a
// skipped event with the reason.
import { createHash } from 'node:crypto';
import type { SkippedEvent } from '../feed-reading.js';
import type { Occurrence } from './occurrence.js';
import type { OccurrenceDraft } from './series.js';

/** Hash of every stored field: equal hashes mean the stored row needs no update. */
function contentHash(occurrence: Omit<Occurrence, 'contentHash'>): string {
  const fields = JSON.stringify([
    occurrence.title,
    occurrence.description,
    occurrence.location,
    occurrence.startsAt.toISOString(),
    occurrence.endsAt.toISOString(),
    occurrence.isAllDay,
    occurrence.startDate,
    occurrence.endDate,
    occurrence.status,
    occurrence.organizer,
    occurrence.attendees,
  ]);
  return createHash('sha256').update(fields).digest('hex');
}

export function toOccurrence(draft: OccurrenceDraft): Occurrence {
  const { content } = draft;
  const occurrence = {
    uid: draft.uid,
    recurrenceId: draft.recurrenceId,
    title: content.title,
    description: content.description,
    location: content.location,
    links: content.links,
    startsAt: draft.startsAt,
    endsAt: draft.endsAt,
    isAllDay: draft.isAllDay,
    startDate: draft.startDate,
    endDate: draft.endDate,
    status:
      content.status === 'TENTATIVE' || content.status === 'CONFIRMED' ? content.status : null,
    organizer: content.organizer,
    attendees: content.attendees,
  };
  return { ...occurrence, contentHash: contentHash(occurrence) };
}

export function skippedDraft(draft: OccurrenceDraft, reason: SkippedEvent['reason']): SkippedEvent {
  return {
    uid: draft.uid,
    recurrenceId: draft.recurrenceId,
    title: draft.content.title,
    startsAt: draft.startsAt,
    reason,
  };
}
