# syntax=docker/dockerfile:1
# processor image. Build from the repository root: docker build -f docker/processor.Dockerfile -t pipeline-processor .
# Built and run by `npm run test:containers` (tools/containers/test.sh); see README "Docker".

FROM node:20-bookworm AS build
# canvas (chartjs-node-canvas) compiles against Cairo and Pango.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config python3 \
    libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
# patches/: npm ci's postinstall applies them (patch-package), e.g. kafkajs's faster record encoding.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN NX_NO_CLOUD=true npm ci --no-audit --no-fund
COPY . .
# The apps' build targets (inferred from webpack.config.js) build for production by default (`npx nx show project
# <app>`). All three in one step: the build stage is the same in the three Dockerfiles, so a compose build runs it once.
RUN NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npx nx run-many -t build -p generator processor reporter --outputStyle=static \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libjpeg62-turbo libgif7 librsvg2-2 \
 && rm -rf /var/lib/apt/lists/*
# Containers are reached through their network: listen on every interface (the apps default to 127.0.0.1).
ENV HOST=0.0.0.0 NODE_ENV=production NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=32" PROCESSOR_PORT=3001 STORAGE_URL=file:///data
WORKDIR /app
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/dist/apps/processor ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3001
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PROCESSOR_PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# --heap-growing-percent: see tools/run-pipeline.sh (NODE_OPTIONS refuses it).
CMD ["node", "--heap-growing-percent=100", "main.js"]
