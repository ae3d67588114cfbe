# Build stage: every dependency (TypeScript, tsc-alias), `npm run build` into dist/, then the dev
# dependencies pruned so node_modules holds only what the built JavaScript needs.
FROM node:20-bookworm-slim AS build
# better-sqlite3 (the embedded event store) builds from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Final stage: the built JavaScript and the production dependencies only (no TypeScript, no transpiler, no
# compiler toolchain); the same base image, so better-sqlite3's native binding built above fits.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# API and worker in one process; docker/compose.yml runs them apart (start:prod:api, start:prod:worker).
CMD ["npm", "run", "start:prod"]
