# syntax=docker/dockerfile:1
#
# One image for the three services of the stack (auth, orders, inventory). The image holds the
# three built apps; the command chooses which one runs (docker-compose.yml sets it per service):
#   docker build -t service-trust:local .
#   docker run ... service-trust:local                                   # auth (the default)
#   docker run ... service-trust:local node apps/orders/dist/main.js     # orders
#   docker run ... service-trust:local node apps/inventory/dist/main.js  # inventory
# Every setting comes from the environment (docs/configuration.md); secrets as *_FILE paths to
# mounted files. The image holds no key material, no secrets and no demo identities.

# --- manifests: package.json of the root and of every workspace, at their paths, plus the lockfile.
# (COPY cannot keep the folders of a glob; copying them here lets the npm ci layers below be
# cached until a manifest or the lockfile changes, not on every source change.)
FROM node:24-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -type f -print \
    | xargs cp --parents -t /manifests

# --- build: all dependencies, then the three apps and the libraries they use, built by Nx as
# `npm run build` does (it orders the libraries by their imports).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY --from=manifests /manifests/ ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build --outputStyle=static \
      --projects=@service-trust/auth,@service-trust/orders,@service-trust/inventory \
 && mkdir /out \
 && for dir in apps/auth apps/orders apps/inventory libs/*; do \
      if [ -d "$dir/dist" ]; then cp --parents -r "$dir/dist" /out/; fi; \
    done \
 && find /out -name '*.tsbuildinfo' -delete

# --- runtime: production dependencies only, the compiled code, a non-root user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# Young-generation cap, as tools/stack/services.ts (SERVICE_NODE_OPTIONS): less idle memory.
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /out/ ./
# Code and dependencies stay owned by root and read-only for the service's user.
USER node
EXPOSE 3000 3001 3002
# Liveness of whichever service runs here, on its PORT (slim images have no curl: Node's fetch).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/auth/dist/main.js"]
