// What every resolver receives: who is asking, and the process's services.
import type { Viewer } from '../domain/access.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { CredentialLifetime } from '../services/auth/authenticate.js';
import type { ServiceDependencies } from '../services/dependencies.js';
import type { RoomLobbies } from '../services/lobby/room-lobbies.js';
import type { DevelopmentTokenIssuer } from '../services/auth/development-token.js';

export type Context = {
  viewer: Viewer;
  /** Where the request came from, as per-address limits count it (http/client-address.ts). */
  clientAddress: string;
  /** What ends the viewer's credential during an operation: subscriptions end with it. */
  credentialLifetime: CredentialLifetime;
  prisma: PrismaClient;
  deps: ServiceDependencies;
  /** The API process's cached room lobbies, shared by queries and subscriptions. */
  roomLobbies: RoomLobbies;
  /** Issues a development token (embedded mode only); null where sign-in is external. */
  issueDevelopmentToken: DevelopmentTokenIssuer | null;
};
