// What every resolver receives: who is asking, and the process's services.
import type { Viewer } from '../domain/access.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { ServiceDependencies } from '../services/dependencies.js';
import type { LiveUpdates } from './live-updates.js';

export type Context = {
  viewer: Viewer;
  prisma: PrismaClient;
  deps: ServiceDependencies;
  live: LiveUpdates;
  /** Issues a development token (embedded mode only); null where sign-in is external. */
  issueDevelopmentToken: ((displayName: string) => Promise<string>) | null;
};
