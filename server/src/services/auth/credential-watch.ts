// Open connections end when their credential does: an API key's revocation (an event that every
// API process hears) or a JWT's expiry (a timer at its `exp`).
import { topics } from '../../domain/events.js';
import type { EventBus } from '../../engines/events.js';
import type { CredentialLifetime } from './authenticate.js';

/** Why a credential ended: the WebSocket close code and reason, and what an operation is told. */
export type CredentialEnd = { closeCode: 4401 | 4403; closeReason: string; message: string };

export const credentialRevoked: CredentialEnd = {
  closeCode: 4403,
  closeReason: 'Forbidden: credential revoked',
  message: 'The API key was revoked',
};

export const credentialExpired: CredentialEnd = {
  closeCode: 4401,
  closeReason: 'Unauthorized: credential expired',
  message: 'The token expired',
};

export type CredentialWatch = {
  /**
   * Calls `onEnd` once, later (never inside this call), when the credential is revoked or expires;
   * returns how to stop watching.
   */
  watch(lifetime: CredentialLifetime, onEnd: (end: CredentialEnd) => void): () => void;
  close(): Promise<void>;
};

// setTimeout fires at once for delays beyond 2^31 - 1 ms (about 24.8 days): longer waits are chained.
const longestTimerMs = 2 ** 31 - 1;

/** Resolves once it hears revocations, so none published afterwards is missed. */
export async function createCredentialWatch(events: EventBus): Promise<CredentialWatch> {
  const endersByApiKey = new Map<string, Set<(end: CredentialEnd) => void>>();
  const unsubscribe = await events.subscribe(topics.apiKeys(), (event) => {
    if (event.type !== 'apiKey.revoked') return;
    for (const end of endersByApiKey.get(event.apiKeyId) ?? []) end(credentialRevoked);
  });

  return {
    watch({ expiresAt, apiKeyId }, onEnd) {
      let timer: NodeJS.Timeout | undefined;
      let watching = true;
      const stop = () => {
        watching = false;
        clearTimeout(timer);
        if (apiKeyId === null) return;
        const enders = endersByApiKey.get(apiKeyId);
        enders?.delete(end);
        if (enders?.size === 0) endersByApiKey.delete(apiKeyId);
      };
      const end = (why: CredentialEnd) => {
        if (!watching) return;
        stop();
        onEnd(why);
      };
      if (apiKeyId !== null) {
        const enders = endersByApiKey.get(apiKeyId) ?? new Set();
        enders.add(end);
        endersByApiKey.set(apiKeyId, enders);
      }
      if (expiresAt !== null) {
        const arm = () => {
          const remainingMs = expiresAt.getTime() - Date.now();
          timer = setTimeout(
            () => {
              if (expiresAt.getTime() <= Date.now()) end(credentialExpired);
              else arm();
            },
            Math.min(Math.max(remainingMs, 0), longestTimerMs),
          );
          // An open connection keeps the process alive, not the timer of its credential.
          timer.unref();
        };
        arm();
      }
      return stop;
    },
    async close() {
      endersByApiKey.clear();
      await unsubscribe();
    },
  };
}
