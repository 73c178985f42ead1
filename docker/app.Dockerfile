# syntax=docker/dockerfile:1.7
# One image per service, from one file (build context: the repository root):
#
#   docker build -f docker/app.Dockerfile --build-arg APP=predictor -t fin-lakehouse/predictor:0.1.0 .
#   docker build -f docker/app.Dockerfile --build-arg APP=predictor --build-arg VARIANT=gpu \
#     -t fin-lakehouse/predictor-gpu:0.1.0 .
#
# builder    Node 24 + Rust: the napi-rs Delta binding (its default features include `s3`: the same binding serves the
#            filesystem lake and the object-store lake of the cluster) and every TypeScript project.
# prod-deps  the production dependencies of APP's workspace only: no dev dependencies, no optional native packages
#            except, for the predictor, the TensorFlow.js backend of VARIANT (tfjs-node or tfjs-node-gpu).
# collect    the built dist/ folders and the binding, without sources, specs or Rust code.
#            Both run docker/assemble-runtime.sh, which k8s/tests also runs to boot each service from such a tree.
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
    npm run build:native -w @lakehouse/delta
# Libraries and apps only: test/ and k8s/tests are not in the build context beyond their package.json.
RUN npx tsc -b libs/*/tsconfig.json apps/*/tsconfig.json

FROM node:${NODE_VERSION}-bookworm AS prod-deps
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG APP
ARG VARIANT
WORKDIR /tmp/src
COPY --from=builder /src/package.json /src/package-lock.json ./
COPY --from=builder /src/libs/ libs/
COPY --from=builder /src/apps/ apps/
COPY --from=builder /src/test/package.json test/
COPY --from=builder /src/k8s/tests/package.json k8s/tests/
COPY docker/assemble-runtime.sh /usr/local/bin/
# Production dependencies of APP's workspace only (and the predictor's TensorFlow.js backend of VARIANT).
RUN --mount=type=cache,target=/root/.npm assemble-runtime.sh deps /tmp/src "$APP" /app "$VARIANT"

FROM builder AS collect
ARG APP
# The built dist/ folders and the binding, without sources, specs or Rust code.
RUN docker/assemble-runtime.sh dist /src "$APP" /out

FROM node:${NODE_VERSION}-bookworm-slim AS runtime-cpu

FROM ${CUDA_IMAGE} AS runtime-gpu
COPY --from=builder /usr/local/bin/node /usr/local/bin/node

# hadolint ignore=DL3006
FROM runtime-${VARIANT} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/ ./
COPY --from=collect /out/ ./
# The uid the manifests run as (runAsUser: 10001). It owns no file here: the code cannot be changed at run time.
USER 10001:10001
CMD ["node", "--enable-source-maps", "/app/main.js"]
