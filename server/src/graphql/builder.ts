// The one Pothos builder: every GraphQL type file registers itself here.
import SchemaBuilder, { PothosValidationError, type SchemaTypes } from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID, resolveNodes } from '@pothos/plugin-relay';
import ScopeAuthPlugin, { ForbiddenError as ScopeAuthDenial } from '@pothos/plugin-scope-auth';
import { getNamedType, isAbstractType, isObjectType, type GraphQLResolveInfo } from 'graphql';
import { Prisma } from '../generated/prisma/client.js';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { ValidationError } from '../services/errors.js';
import { isUuid } from '../services/meetings/database.js';
import type { Context } from './context.js';

type GlobalId = { typename: string; id: string };

/** `nodes(ids)` loads each id on its own: a bounded number of them. */
export const MAX_NODES_PER_QUERY = 100;

/** What a malformed id decodes to: it names no type, so it finds nothing. */
const unreadableGlobalId: GlobalId = { typename: '', id: '' };

/**
 * Malformed ids (not base64 of "Type:uuid": every table is keyed by a uuid, and PostgreSQL answers
 * any other key with an error) decode instead of failing, so that `node(id)` answers them with null;
 * `globalID` arguments `for` a type still reject them as bad input (no type is named '').
 */
function decodeGlobalIdOrNothing(globalId: string): GlobalId {
  let decoded: GlobalId;
  try {
    decoded = decodeGlobalID(globalId);
  } catch (error) {
    if (error instanceof PothosValidationError) return unreadableGlobalId;
    throw error;
  }
  return isUuid(decoded.id) ? decoded : unreadableGlobalId;
}

/**
 * `node(id)` and each entry of `nodes(ids)` (DESIGN §1, §5): the object when it exists and the
 * viewer may read it, else null without an error, whether the id is malformed, names no Node type,
 * names nothing or names something the viewer may not read: a guessed id tells nothing.
 */
async function readableNode<Types extends SchemaTypes>(
  builder: PothosSchemaTypes.SchemaBuilder<Types>,
  context: Context,
  info: GraphQLResolveInfo,
  globalId: GlobalId,
): Promise<unknown> {
  const type = info.schema.getType(globalId.typename);
  const nodeInterface = getNamedType(info.returnType);
  if (
    !isObjectType(type) ||
    !isAbstractType(nodeInterface) ||
    !info.schema.isSubType(nodeInterface, type)
  ) {
    return null;
  }
  let node: unknown;
  try {
    // Pothos's own loader, one id at a time: its `resolveNodes` callback ignores the ids given to it.
    const [loaded] = await resolveNodes(builder, context, info, [globalId]);
    node = await loaded;
  } catch (error) {
    // prismaNode loads with findUniqueOrThrow: a missing row is "nothing", not a failure.
    const missing = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
    if (missing) return null;
    throw error;
  }
  if (node === null || node === undefined) return null;
  try {
    // The type's own authScopes, run by scope-auth in isTypeOf (runScopesOnType): the one rule.
    await type.isTypeOf?.(node, context, info);
  } catch (error) {
    if (error instanceof ScopeAuthDenial) return null;
    throw error;
  }
  return node;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { signedIn: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}>({
  // Scope-auth must come first so its checks wrap the other plugins' resolvers.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({ signedIn: context.viewer.kind === 'user' }),
    // A type's authScopes run wherever an object of it appears, node(id) included (readableNode).
    runScopesOnType: true,
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    cursorType: 'String',
    decodeGlobalID: decodeGlobalIdOrNothing,
    nodeQueryOptions: {
      resolve: (_root, { id }, context, info): Promise<unknown> =>
        readableNode(builder, context, info, id),
    },
    nodesQueryOptions: {
      resolve: (_root, { ids }, context, info): Promise<unknown>[] => {
        if (ids.length > MAX_NODES_PER_QUERY) {
          throw new ValidationError(
            `nodes(ids) takes at most ${MAX_NODES_PER_QUERY} ids, not ${ids.length}`,
            'ids',
          );
        }
        return ids.map((id) => readableNode(builder, context, info, id));
      },
    },
  },
  errors: {
    defaultTypes: [],
    // `fooBar` returns `FooBarResult`, a union of `FooBarSuccess` and its error types (DESIGN §5).
    directResult: true,
    defaultUnionOptions: {
      name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result`,
    },
  },
});
