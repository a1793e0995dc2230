// The two async iterators every subscriber holds, written out: with 10,000 subscribers per change,
// a general-purpose channel (Repeater) cost about as much as writing to the sockets (profiled).

type Result<Value> = IteratorResult<Value, undefined>;

const finished: Result<never> = { done: true, value: undefined };

type Reader<Value> = { resolve: (result: Result<Value>) => void; reject: (error: Error) => void };

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The values `listen` delivers, newest only: a reader that falls behind skips to the latest.
 * `listen` may instead fail (the next read throws, then the iterator is done); it returns how to
 * stop listening, which ending the iterator calls.
 */
export function latestValues<Value>(
  listen: (deliver: (value: Value) => void, fail: (error: unknown) => void) => () => void,
): AsyncGenerator<Value, undefined> {
  let newest: { value: Value } | undefined;
  let failure: Error | undefined;
  let reader: Reader<Value> | undefined;
  let ended = false;
  // Replaced by what listen() returns; listeners only fail later, never inside listen().
  let stopListening: () => void = () => undefined;
  const takeReader = () => {
    const taken = reader;
    reader = undefined;
    return taken;
  };
  const end = () => {
    if (ended) return;
    ended = true;
    newest = undefined;
    stopListening();
    takeReader()?.resolve(finished);
  };
  stopListening = listen(
    (value) => {
      if (ended) return;
      const read = takeReader();
      if (read === undefined) newest = { value };
      else read.resolve({ done: false, value });
    },
    (error) => {
      if (ended) return;
      const read = takeReader();
      if (read === undefined) failure = asError(error);
      else read.reject(asError(error));
      end();
    },
  );
  const iterator: AsyncGenerator<Value, undefined> = {
    next() {
      if (newest !== undefined) {
        const { value } = newest;
        newest = undefined;
        return Promise.resolve({ done: false, value });
      }
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve(finished);
      return new Promise((resolve, reject) => {
        reader = { resolve, reject };
      });
    },
    return() {
      end();
      return Promise.resolve(finished);
    },
    throw(error: unknown) {
      end();
      return Promise.reject(asError(error));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** An iterator reading with `next`; returning or throwing into it runs `end` first. */
function iteratorOf<Value>(
  next: () => Promise<Result<Value>>,
  end: () => Promise<unknown>,
): AsyncGenerator<Value, undefined> {
  const iterator: AsyncGenerator<Value, undefined> = {
    next,
    async return() {
      await end();
      return finished;
    },
    async throw(error: unknown) {
      await end();
      throw asError(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** `source`'s values through `map`, one at a time; ending the result ends the source. */
export function mapEvents<Value>(
  source: AsyncIterable<unknown>,
  map: (event: unknown) => Value | Promise<Value>,
): AsyncGenerator<Value, undefined> {
  const events = source[Symbol.asyncIterator]();
  return iteratorOf<Value>(
    async () => {
      const event = await events.next();
      if (event.done === true) return finished;
      return { done: false, value: await map(event.value) };
    },
    async () => events.return?.(),
  );
}

/**
 * `source`'s values until `listen` delivers a last one: then that value, and the source is ended
 * (a read in progress too). `listen` returns how to stop listening, which ending the iterator calls.
 */
export function endingWith<Value>(
  source: AsyncIterable<Value>,
  listen: (deliverLast: (value: Value) => void) => () => void,
): AsyncGenerator<Value, undefined> {
  const values = source[Symbol.asyncIterator]();
  let last: { value: Value } | undefined;
  let ended = false;
  const endSource = async () => {
    await values.return?.();
  };
  const stopListening = listen((value) => {
    if (ended || last !== undefined) return;
    last = { value };
    // The reader waiting on the source, if any, wakes up with `done` and takes `last` instead.
    endSource().catch(() => undefined);
  });
  const end = async () => {
    if (ended) return;
    ended = true;
    stopListening();
    await endSource();
  };
  return iteratorOf<Value>(async () => {
    if (ended) return finished;
    if (last === undefined) {
      const result = await values.next();
      if (result.done !== true) return { done: false, value: result.value };
    }
    const final = last;
    await end();
    return final === undefined ? finished : { done: false, value: final.value };
  }, end);
}
