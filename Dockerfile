# syntax=docker/dockerfile:1
# Build stage: install all dependencies and compile TypeScript.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY demo ./demo
RUN npm run build && npm prune --omit=dev

# Runtime stage: Node 22, git for the workspace, the Codex and Claude Code CLIs from the npm dependencies.
# bubblewrap and socat are Claude Code's sandbox for its Bash commands (no network, writes only in the worktree);
# a writing Claude run fails at start without them. bwrap needs user namespaces: Docker's default seccomp profile
# refuses them, so a deployment using `agent.backend: claude` runs the container with a profile that allows
# unshare/clone(CLONE_NEWUSER) (or `--security-opt seccomp=unconfined`); codex does not need it.
# `npm ci --ignore-scripts` leaves claude-code's bin/claude.exe a stub: the app runs the native binary of the
# platform package (@anthropic-ai/claude-code-linux-x64 or -linux-arm64) directly (src/agent/claude/binary.ts).
# The app starts as root inside the container so that it can run every agent under an unprivileged uid of its
# own (AGENT_ISOLATION=uid: it refuses to start if that cannot work); agents never run as root or as the app.
FROM node:22-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates tini bubblewrap socat \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    WORKSPACE_DIR=/data/workspace \
    AGENT_ISOLATION=uid
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
# Only the app: the demo's GitHub stand-in and the benchmarks stay out of the image.
COPY --from=build /app/dist/src ./dist/src
COPY package.json app.yml ./
COPY bin ./bin
# /app is root's and world-readable (agents run its codex binary); /data is made private to the app at start.
RUN mkdir -p /data && chmod 0700 /data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
