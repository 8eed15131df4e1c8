# syntax=docker/dockerfile:1
# opamp-nest: build with the dev toolchain, ship only the compiled server and production dependencies.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The image's unprivileged "node" user (uid 1000); the DaemonSet also sets runAsNonRoot.
USER node
EXPOSE 4320 4321
# node is PID 1 and the server handles SIGTERM itself: it drains sessions, flushes pending
# InstrumentationInstance writes, removes its Unix socket, then exits.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
