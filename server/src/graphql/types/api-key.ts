import { isAdmin, isSignedIn, type ApiKeyScope } from '../../domain/access.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { ApiKeyScope as ApiKeyScopeValues } from '../../generated/prisma/enums.js';
import { createApiKey, revokeApiKey } from '../../services/auth/api-keys.js';
import { ForbiddenError } from '../../services/errors.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { commonErrors } from './errors.js';

// The database's enum, as in calendar.ts; domain/access.ts lists the same scopes for the checks.
const ApiKeyScopeEnum = builder.enumType(ApiKeyScopeValues, { name: 'ApiKeyScope' });

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  authScopes: (key, context) =>
    isAdmin(context.viewer) ||
    (context.viewer.kind === 'user' && context.viewer.userId === key.ownerId),
  fields: (t) => ({
    name: t.exposeString('name'),
    scopes: t.expose('scopes', { type: [ApiKeyScopeEnum] }),
    secretStart: t.exposeString('secretStart', {
      description: 'The first characters of the secret, to tell keys apart',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
  }),
});

/** The key a mutation's payload names, loaded as the selection asks. */
function loadPayloadKey(
  query: { include?: Prisma.ApiKeyInclude; select?: Prisma.ApiKeySelect },
  payload: { apiKeyId: string },
  _args: unknown,
  context: Context,
) {
  return context.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: payload.apiKeyId } });
}

const CreateApiKeySuccess = builder
  .objectRef<{ apiKeyId: string; secret: string }>('CreateApiKeySuccess')
  .implement({
    fields: (t) => ({
      apiKey: t.prismaField({ type: 'ApiKey', resolve: loadPayloadKey }),
      secret: t.exposeString('secret', { description: 'Shown once: store it now' }),
    }),
  });

const RevokeApiKeySuccess = builder
  .objectRef<{ apiKeyId: string }>('RevokeApiKeySuccess')
  .implement({
    fields: (t) => ({
      apiKey: t.prismaField({ type: 'ApiKey', resolve: loadPayloadKey }),
    }),
  });

builder.prismaObjectFields('User', (t) => ({
  apiKeys: t.relation('apiKeys', {
    query: { orderBy: { createdAt: 'desc' } },
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeySuccess,
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { viewer } = context;
      if (!isSignedIn(viewer)) throw new ForbiddenError('Sign in to create API keys');
      const scopes: ApiKeyScope[] = input.scopes;
      const created = await createApiKey(context.deps, viewer, { name: input.name, scopes });
      return { apiKeyId: created.apiKey.id, secret: created.secret };
    },
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeySuccess,
    errors: { types: [...commonErrors] },
    args: { id: t.arg.globalID({ required: true, for: ApiKeyRef }) },
    resolve: async (_root, { id }, context) => {
      const key = await revokeApiKey(context.deps, context.viewer, id.id);
      return { apiKeyId: key.id };
    },
  }),
}));
