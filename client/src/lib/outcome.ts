// The result of anything a form submits: a value, or a message in plain words (next to a field if any).

export type Failure<E = never> = {
  ok: false;
  message: string;
  /** The input field the message is about, or null for the form as a whole. */
  field: string | null;
  /** The typed error result from the server, for callers that offer a way out (a live meeting). */
  error: E | null;
};

export type Outcome<S, E = never> = { ok: true; value: S } | Failure<E>;

export function fail(message: string, field: string | null = null): Failure {
  return { ok: false, message, field, error: null };
}

export function succeed<S>(value: S): { ok: true; value: S } {
  return { ok: true, value };
}
