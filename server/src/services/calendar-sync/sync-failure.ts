// Why a sync failed, as a run records it: every error a sync meets becomes one typed failure.
import { SafeFetchError } from '../../adapters/safe-fetch/index.js';
import { FeedParseError } from '../../domain/calendar/read-feed.js';
import type { CalendarSyncErrorCode } from '../../generated/prisma/client.js';

export class SyncFailure extends Error {
  constructor(
    readonly code: CalendarSyncErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function toSyncFailure(error: unknown): SyncFailure {
  if (error instanceof SyncFailure) return error;
  if (error instanceof SafeFetchError) {
    return new SyncFailure(error.code, error.message, error.retryAfterSeconds);
  }
  if (error instanceof FeedParseError) {
    return new SyncFailure('PARSE_FAILED', `The feed could not be read: ${error.message}`);
  }
  return new SyncFailure('INTERNAL', 'An internal error stopped this sync; it will be retried');
}
