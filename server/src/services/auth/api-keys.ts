// API keys: a user creates keys with at most the scopes of the credential they use; creating and
// revoking keys are changes, so both need a credential that may write.
import { canWrite, isAdmin, type ApiKeyScope, type Viewer } from '../../domain/access.js';
import { topics } from '../../domain/events.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import {
  ForbiddenError,
  NotFoundError,
  readOnlyCredentialMessage,
  ValidationError,
} from '../errors.js';
import { generateApiKeySecret, hashSecret, secretStart } from './api-key-secret.js';

type SignedIn = Extract<Viewer, { kind: 'user' }>;

export async function createApiKey(
  deps: Pick<ServiceDependencies, 'prisma'>,
  viewer: SignedIn,
  input: { name: string; scopes: readonly ApiKeyScope[] },
): Promise<{ apiKey: ApiKey; secret: string }> {
  if (!canWrite(viewer)) throw new ForbiddenError(readOnlyCredentialMessage);
  const name = input.name.trim();
  if (name === '' || name.length > 100) {
    throw new ValidationError('Name the key (1 to 100 characters)', 'name');
  }
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw new ValidationError('Choose at least one scope', 'scopes');
  if (scopes.includes('ADMIN') && !isAdmin(viewer)) {
    throw new ForbiddenError('Only admins can create keys with the ADMIN scope');
  }
  const beyondCredential = scopes.filter((scope) => !viewer.scopes.has(scope));
  if (beyondCredential.length > 0) {
    throw new ForbiddenError(
      `This credential cannot grant ${beyondCredential.join(', ')}: a key never exceeds the key that made it`,
    );
  }
  const secret = generateApiKeySecret();
  const apiKey = await deps.prisma.apiKey.create({
    data: {
      ownerId: viewer.userId,
      name,
      scopes,
      secretHash: hashSecret(secret),
      secretStart: secretStart(secret),
    },
  });
  return { apiKey, secret };
}

export async function revokeApiKey(
  deps: Pick<ServiceDependencies, 'prisma' | 'now' | 'events'>,
  viewer: Viewer,
  apiKeyId: string,
): Promise<ApiKey> {
  const key = await deps.prisma.apiKey.findUnique({ where: { id: apiKeyId } });
  const mayRevoke =
    key !== null && (isAdmin(viewer) || (viewer.kind === 'user' && viewer.userId === key.ownerId));
  if (key === null || !mayRevoke) throw new NotFoundError('No such API key');
  if (!canWrite(viewer)) throw new ForbiddenError(readOnlyCredentialMessage);
  if (key.revokedAt !== null) return key;
  return changeAndAnnounce(deps, async (transaction, announce) => {
    const revoked = await transaction.apiKey.update({
      where: { id: key.id },
      data: { revokedAt: deps.now() },
    });
    // Connections opened with the key, in every API process, end now rather than at their next check.
    announce({ topic: topics.apiKeys(), event: { type: 'apiKey.revoked', apiKeyId: key.id } });
    return revoked;
  });
}
