// The two async iterators every subscriber holds, written out: with 10,000 subscribers per change,
// a general-purpose channel (Repeater) cost about as much as writing to the sockets (profiled).

type Result<Value> = IteratorResult<Value, undefined>;

const finished: Result<never> = { done: true, value: undefined };

/**
 * The values `listen` delivers, newest only: a reader that falls behind skips to the latest.
 * `listen` returns how to stop listening; ending the iterator calls it.
 */
export function latestValues<Value>(
  listen: (deliver: (value: Value) => void) => () => void,
): AsyncGenerator<Value, undefined> {
  let newest: { value: Value } | undefined;
  let reader: ((result: Result<Value>) => void) | undefined;
  let ended = false;
  const stopListening = listen((value) => {
    if (ended) return;
    if (reader === undefined) {
      newest = { value };
      return;
    }
    const read = reader;
    reader = undefined;
    read({ done: false, value });
  });
  const end = () => {
    if (ended) return;
    ended = true;
    newest = undefined;
    stopListening();
    reader?.(finished);
    reader = undefined;
  };
  const iterator: AsyncGenerator<Value, undefined> = {
    next() {
      if (newest !== undefined) {
        const { value } = newest;
        newest = undefined;
        return Promise.resolve({ done: false, value });
      }
      if (ended) return Promise.resolve(finished);
      return new Promise((resolve) => {
        reader = resolve;
      });
    },
    return() {
      end();
      return Promise.resolve(finished);
    },
    throw(error: unknown) {
      end();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
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
  const end = async (): Promise<Result<Value>> => {
    await events.return?.();
    return finished;
  };
  const iterator: AsyncGenerator<Value, undefined> = {
    async next() {
      const event = await events.next();
      if (event.done === true) return finished;
      return { done: false, value: await map(event.value) };
    },
    return: end,
    async throw(error: unknown) {
      await end();
      throw error instanceof Error ? error : new Error(String(error));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
