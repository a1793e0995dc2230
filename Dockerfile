# syntax=docker/dockerfile:1
# Lobby's image: one image for the API (default command), the worker and the one-shot migration.
# Build stage: every dependency, Prisma client generation, `npm run build` (shared/dist, server/dist,
# client/dist).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
# Scripts run below once the sources are in (postinstall needs the Prisma schema and the client).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run prisma:generate && npm run build

# Runtime stage: production dependencies, the compiled server, the built client, the migrations.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client/dist client/dist
# The migration process reads the schema and migrations from here.
COPY --from=build /app/prisma prisma
USER node
EXPOSE 4000
# The API's readiness (database and Redis); the worker and migration services turn it off.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# `lobby-compiled`: @lobby/shared as its compiled shared/dist (its sources are TypeScript).
CMD ["node", "--conditions=lobby-compiled", "--enable-source-maps", "--import", "./server/dist/processes/tracing.js", "server/dist/processes/api.js"]
