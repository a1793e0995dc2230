// What every resolver receives: who is asking, and the process's services.
import type { Viewer } from '../domain/access.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export type Context = {
  viewer: Viewer;
  prisma: PrismaClient;
};
