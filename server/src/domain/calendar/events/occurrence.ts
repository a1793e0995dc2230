// What the feed reader produces: one occurrence of an event, inside the sync window.

export type Attendee = {
  email: string | null;
  name: string | null;
  role: string | null;
  participationStatus: string | null;
  isOrganizer: boolean;
};

export type Occurrence = {
  uid: string;
  /** The occurrence's original start as ISO-8601 UTC for recurring series; '' for single events. */
  recurrenceId: string;
  title: string | null;
  description: string | null;
  location: string | null;
  /** The URL property and conference properties (CONFERENCE, X-GOOGLE-CONFERENCE, …). */
  links: string[];
  startsAt: Date;
  endsAt: Date;
  isAllDay: boolean;
  /** YYYY-MM-DD for all-day occurrences (endDate exclusive); null otherwise. */
  startDate: string | null;
  endDate: string | null;
  /** TENTATIVE, CONFIRMED or null (cancelled ones are never occurrences). */
  status: string | null;
  organizer: Attendee | null;
  /** Attendees, the organizer first (marked), nobody twice. */
  attendees: Attendee[];
  /** Hash of every stored field: equal hashes mean nothing to update. */
  contentHash: string;
};

/** A half-open time range [from, to). */
export type TimeWindow = { from: Date; to: Date };
