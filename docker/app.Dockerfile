# syntax=docker/dockerfile:1.7
# One image per service, from one file (build context: the repository root):
#
#   docker build -f docker/app.Dockerfile --build-arg APP=predictor -t fin-lakehouse/predictor:0.1.0 .
#   docker build -f docker/app.Dockerfile --build-arg APP=predictor --build-arg VARIANT=gpu \
#     -t fin-lakehouse/predictor-gpu:0.1.0 .
#
# builder    Node 24 + Rust: the napi-rs Delta binding (with the `s3` feature, since the lake lives in an object store)
#            and every TypeScript project.
# prod-deps  the production dependencies of APP's workspace only: no dev dependencies, no optional native packages
#            except, for the predictor, the TensorFlow.js backend of VARIANT (tfjs-node or tfjs-node-gpu).
# collect    the built dist/ folders and the binding, without sources, specs or Rust code.
# runtime    node:<version>-bookworm-slim (cpu) or the CUDA runtime with the same Node binary (gpu); runs as uid 10001
#            and owns none of its files, so it works under readOnlyRootFilesystem.
ARG NODE_VERSION=24.21.0
ARG RUST_VERSION=1.95
ARG VARIANT=cpu
# tfjs-node-gpu 4.x loads libtensorflow 2.9, built for CUDA 11 and cuDNN 8.
ARG CUDA_IMAGE=nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04

FROM rust:${RUST_VERSION}-bookworm AS rust

FROM node:${NODE_VERSION}-bookworm AS builder
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY --from=rust /usr/local/cargo /usr/local/cargo
COPY --from=rust /usr/local/rustup /usr/local/rustup
ENV CARGO_HOME=/usr/local/cargo RUSTUP_HOME=/usr/local/rustup PATH=/usr/local/cargo/bin:$PATH \
    LAKEHOUSE_CACHE=/cache CARGO_TARGET_DIR=/cache/cargo-target ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN --mount=type=cache,target=/cache --mount=type=cache,target=/usr/local/cargo/registry \
    npm run build:native -w @lakehouse/delta -- --features s3
# Libraries and apps only: test/ and k8s/tests are not in the build context beyond their package.json.
RUN npx tsc -b libs/*/tsconfig.json apps/*/tsconfig.json

FROM node:${NODE_VERSION}-bookworm AS prod-deps
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG APP
ARG VARIANT
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN test -n "$APP" || { echo "--build-arg APP=<ingestor|refiner|predictor|publisher|maintainer> is required" >&2; exit 1; }
WORKDIR /tmp/src
COPY --from=builder /src/libs/ libs/
COPY --from=builder /src/apps/ apps/
COPY --from=builder /src/test/package.json test/
COPY --from=builder /src/k8s/tests/package.json k8s/tests/
# npm needs every workspace's package.json to read the lockfile; it installs the dependencies of APP's only.
RUN find libs apps test k8s -name node_modules -prune -o -name package.json -exec install -D {} /app/{} \;
WORKDIR /app
COPY --from=builder /src/package.json /src/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --omit=dev --omit=optional --workspace "@lakehouse/$APP" --include-workspace-root=false
# The predictor's TensorFlow.js backend, installed beside the tree and merged in without replacing what the lockfile
# pinned (tfjs-node and tfjs-node-gpu expose the same API; libs/model loads whichever is present). npm 11 blocks
# dependency install scripts by default; this one fetches libtensorflow, so it is allowed by name.
RUN --mount=type=cache,target=/root/.npm \
    if [ "$APP" = predictor ]; then \
      case "$VARIANT" in \
        cpu) backend=@tensorflow/tfjs-node ;; \
        gpu) backend=@tensorflow/tfjs-node-gpu ;; \
        *) echo "VARIANT must be cpu or gpu, not $VARIANT" >&2; exit 1 ;; \
      esac; \
      mkdir -p /tmp/backend && echo '{"private":true}' >/tmp/backend/package.json \
      && npm install --prefix /tmp/backend --no-audit --no-fund --omit=dev --no-package-lock \
           --allow-scripts="$backend" "$backend@4.22.0" \
      && cp -rn /tmp/backend/node_modules/. /app/node_modules/; \
    fi

FROM builder AS collect
ARG APP
RUN mkdir -p /out/libs "/out/apps/$APP" \
 && for lib in libs/*/; do \
      mkdir -p "/out/$lib" && cp -r "$lib/dist" "/out/$lib/"; \
      if [ -d "$lib/native" ]; then cp -r "$lib/native" "/out/$lib/"; fi; \
    done \
 && cp -r "apps/$APP/dist" "/out/apps/$APP/" \
 && find /out \( -name '*.spec.js' -o -name '*.spec.js.map' -o -name '*.spec.d.ts' -o -name '*.int-spec.*' \
      -o -name '*.tsbuildinfo' \) -delete

FROM node:${NODE_VERSION}-bookworm-slim AS runtime-cpu

FROM ${CUDA_IMAGE} AS runtime-gpu
COPY --from=builder /usr/local/bin/node /usr/local/bin/node

# hadolint ignore=DL3006
FROM runtime-${VARIANT} AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/ ./
COPY --from=collect /out/ ./
RUN ln -s "apps/$APP/dist/main.js" /app/main.js
# The uid the manifests run as (runAsUser: 10001). It owns no file here: the code cannot be changed at run time.
USER 10001:10001
CMD ["node", "--enable-source-maps", "/app/main.js"]
