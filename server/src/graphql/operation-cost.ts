// The cost of an operation follows the sizes of the lists it asks for: a field costs 1, and what it
// selects costs once per item it can return, so nested lists multiply (DESIGN §5, issue 11.4).
import {
  getNamedType,
  getNullableType,
  isListType,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The most an operation may cost; the lobby client's largest query costs a few hundred. */
export const MAX_OPERATION_COST = 5000;
/** What a connection returns when neither `first` nor `last` is given (Pothos's default). */
export const DEFAULT_CONNECTION_SIZE = 20;
/** The items a list with no size argument is assumed to hold (meetings of a lobby, attendees). */
export const UNSIZED_LIST_ESTIMATE = 10;

const positiveCount = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

/** How many items a field can return: a caller asking for 1,000 is charged for 1,000. */
function itemsOf({ type, field, args }: Parameters<ComplexityEstimator>[0]): number {
  const returned = getNamedType(field.type);
  if (returned.name.endsWith('Connection')) {
    return positiveCount(args.first) ?? positiveCount(args.last) ?? DEFAULT_CONNECTION_SIZE;
  }
  // A connection's `edges` were counted on the connection field itself.
  if (type.name.endsWith('Connection')) return 1;
  if (!isListType(getNullableType(field.type))) return 1;
  if (Array.isArray(args.ids)) return args.ids.length;
  return positiveCount(args.first) ?? UNSIZED_LIST_ESTIMATE;
}

const listSizeEstimator: ComplexityEstimator = (options) =>
  1 + options.childComplexity * itemsOf(options);

/** The cost of one operation of a document, or undefined when its variables do not coerce. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      ...(operationName !== undefined && { operationName }),
      estimators: [listSizeEstimator],
    });
  } catch {
    // Variables that do not coerce: execution refuses them with its own, clearer error.
    return undefined;
  }
}

function refusal(cost: number) {
  const error = createGraphQLError(
    `Query cost limit of ${MAX_OPERATION_COST} exceeded, found ${cost}: ask for fewer items (first) or less nesting`,
    { extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: MAX_OPERATION_COST } },
  );
  return { errors: [error] };
}

const costOf = (args: {
  schema: GraphQLSchema;
  document: DocumentNode;
  variableValues?: unknown;
  operationName?: string | null;
}) =>
  operationCost(
    args.schema,
    args.document,
    typeof args.variableValues === 'object' && args.variableValues !== null
      ? Object.fromEntries(Object.entries(args.variableValues))
      : undefined,
    args.operationName ?? undefined,
  );

/** Refuses, before any resolver runs, an operation (query, mutation, subscription) over budget. */
export function useOperationCostLimit(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = costOf(args);
      if (cost !== undefined && cost > MAX_OPERATION_COST) setResultAndStopExecution(refusal(cost));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const cost = costOf(args);
      if (cost !== undefined && cost > MAX_OPERATION_COST) setResultAndStopExecution(refusal(cost));
    },
  };
}
