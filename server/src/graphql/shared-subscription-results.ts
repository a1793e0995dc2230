// Ten thousand subscribers of one room get the same lobby object on each change: executing their
// selection once per (event, operation, variables, viewer) and sharing the result is what lets one
// process serve them all within a second (DESIGN §6).
import {
  createSourceEventStream,
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { isAsyncIterable, type Plugin, type PromiseOrValue } from 'graphql-yoga';
import type { Viewer } from '../domain/access.js';
import type { Context } from './context.js';
import { mapEvents } from '../lib/async-iterators.js';

/** Everything about the caller that a result can depend on: equal keys may share results. */
function viewerKey(viewer: Viewer): string {
  if (viewer.kind === 'anonymous') return 'anonymous';
  return JSON.stringify([
    viewer.userId,
    viewer.isAdmin,
    [...viewer.scopes].sort(),
    viewer.credential,
  ]);
}

export function useSharedSubscriptionResults(): Plugin<Context> {
  // Keyed by the event object: a result lives as long as the event it was made from.
  const resultsByEvent = new WeakMap<object, Map<string, PromiseOrValue<ExecutionResult>>>();
  // Yoga's parser cache hands out one DocumentNode per query text.
  const documentIds = new WeakMap<DocumentNode, number>();
  let documentCount = 0;

  const documentId = (document: DocumentNode): number => {
    let id = documentIds.get(document);
    if (id === undefined) {
      documentCount += 1;
      id = documentCount;
      documentIds.set(document, id);
    }
    return id;
  };

  const subscribeSharing = (viewer: Viewer) => async (args: ExecutionArgs) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const operationKey = JSON.stringify([
      documentId(args.document),
      args.operationName ?? null,
      args.variableValues ?? null,
      viewerKey(viewer),
    ]);
    return mapEvents(source, (event) => {
      if (typeof event !== 'object' || event === null) {
        return execute({ ...args, rootValue: event });
      }
      let results = resultsByEvent.get(event);
      if (results === undefined) {
        results = new Map();
        resultsByEvent.set(event, results);
      }
      let result = results.get(operationKey);
      if (result === undefined) {
        result = execute({ ...args, rootValue: event });
        results.set(operationKey, result);
      }
      return result;
    });
  };

  return {
    onSubscribe({ args, setSubscribeFn }) {
      setSubscribeFn(subscribeSharing(args.contextValue.viewer));
    },
  };
}
