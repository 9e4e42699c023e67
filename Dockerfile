# syntax=docker/dockerfile:1
# The two services (Games, RGS) in one image; docker-compose.yml picks the command of each.
#   build:   compiles TypeScript with every dependency
#   deps:    production dependencies only (no TypeScript, Jest, mongodb-memory-server, browsers)
#   runtime: dist/ + production node_modules, run as the unprivileged `node` user
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared shared
COPY games games
COPY rgs rgs
COPY scripts scripts
COPY graphql graphql
COPY bench bench
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY package.json ./
# Files stay owned by root and read-only to the process: it runs as `node` (uid 1000).
USER node
EXPOSE 4000 4001
# Games by default; RGS: node dist/rgs/src/main.js (see docker-compose.yml).
CMD ["node", "dist/games/src/main.js"]
