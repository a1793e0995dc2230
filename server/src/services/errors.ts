// Errors a user can cause: services throw them, the GraphQL layer returns them as typed results.

export class ValidationError extends Error {
  override name = 'ValidationError';
  /** The input field at fault, when there is one (e.g. "url", "gracePeriodMinutes"). */
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.field = field;
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** What a READ-only credential is told when it tries to change anything. */
export const readOnlyCredentialMessage =
  'This credential may only read: use a key with the WRITE scope';

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
