// Read process.env directly: `env()` throws when DATABASE_URL is unset, which would break
// `prisma generate` on machines with no database configured.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
