# syntax=docker/dockerfile:1
# Switchyard's container image: docs/containers.md explains it; test/deploy/container-image.test.ts checks it.
#   docker build -t switchyard .
#   docker run -p 5000:5000 -v ./switchyard.yaml:/etc/switchyard/switchyard.yaml:ro -e OPENAI_API_KEY switchyard

# Node 20 LTS on Debian bookworm, slim.
ARG NODE_IMAGE=node:20-bookworm-slim

# Stage 1: compile the TypeScript (needs the dev dependencies, which the image does not ship).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Stage 2: what runs: production dependencies, the compiled code, tini for signals, a user without privileges.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY examples/switchyard.yaml /etc/switchyard/switchyard.yaml
# Listen on every interface inside the container; the rest as the CLI's defaults (override with -e).
ENV SWITCHYARD_HOST=0.0.0.0 \
    SWITCHYARD_PORT=5000 \
    SWITCHYARD_WORKERS=2 \
    SWITCHYARD_CONFIG=/etc/switchyard/switchyard.yaml
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SWITCHYARD_PORT || 5000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini is PID 1: it passes SIGTERM, SIGINT and SIGHUP (reload) to the gateway and reaps exited processes.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "bin/switchyard.js", "start"]
