// Errors a meeting use case reports to its caller; the GraphQL layer maps each to a typed result.
import { ConflictError, NotFoundError } from '../errors.js';

export { NotFoundError };

/** Joining (or staying in) a meeting that has ended: the lobby offers the room's live one instead. */
export class MeetingEndedError extends Error {
  override name = 'MeetingEndedError';
  readonly meetingId: string;
  /** The room's live meeting at the time of the refusal, if there is one. */
  readonly liveMeetingId: string | null;
  constructor(meetingId: string, liveMeetingId: string | null) {
    super('This meeting has ended.');
    this.meetingId = meetingId;
    this.liveMeetingId = liveMeetingId;
  }
}

/** A heartbeat for a session that was closed (left, or silent too long) while its meeting goes on. */
export class SessionClosedError extends ConflictError {
  override name = 'SessionClosedError';
  constructor() {
    super('This session was closed; join the meeting again.');
  }
}
