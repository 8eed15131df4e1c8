# syntax=docker/dockerfile:1
# opamp-nest: build with the dev toolchain, ship only the compiled server and production dependencies.

# Node 24 LTS on Debian bookworm, pinned by digest: the multi-platform index of node:24-bookworm-slim
# (Node 24.19.0) as docker-library/repo-info records it (repos/node/remote/24-bookworm-slim.md). Re-pin to
# the current one with: docker buildx imagetools inspect node:24-bookworm-slim
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The web UI (ui/, built by Vite into dist/ui/ as part of npm run build).
COPY ui ./ui
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="opamp-nest" \
      org.opencontainers.image.description="OpAMP server framework on NestJS and Fastify, one server per Kubernetes node" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/opamp-nest/opamp-nest" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
# V8's young generation at most 2 × 16 MiB, Node 20's default: Node 22 and later let it grow to 2 × 64 MiB
# under load, which at 19,000 agents added about 5 KiB of RSS per agent (npm run bench -- --scale on Node 24:
# 15.5 KiB per agent before a GC; with this flag 10.8 in the same kind of run, 9.2 in the full one) for about
# 8 % more CPU per message at 15,000 HTTP messages a second. A DaemonSet pays memory on every node.
ENV NODE_OPTIONS="--max-semi-space-size=16"
WORKDIR /app
# Owned by root and read-only to the server (uid 1000): it cannot change the code it runs. Only the
# compiled server and web UI, its manifest and production dependencies; no tools/, test/, bench/ or examples/.
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# Fails the build if anything under /app is writable by group or others.
RUN [ -z "$(find /app -perm /022 -print -quit)" ]
# The image's unprivileged "node" user, numeric so the kubelet can check runAsNonRoot.
USER 1000:1000
EXPOSE 4320 4321 4322
# node is PID 1 and the server handles SIGTERM itself: it drains sessions, flushes pending
# InstrumentationInstance writes, removes its Unix socket, then exits.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
