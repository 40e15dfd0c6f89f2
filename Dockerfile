# syntax=docker/dockerfile:1
# elfscan's own image, for every platform it publishes from one build machine: the TypeScript and
# the npm dependencies are platform-free and built once on the build machine; the Rust addon is
# cross-compiled for TARGETARCH (scripts/docker-rust-target.sh holds the table); the runtime stage
# only copies files, so no stage runs under emulation. The `selfcheck` target scans the finished
# image's filesystem with elfscan itself:
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t elfscan .                # the image
#   docker buildx build --platform linux/amd64,linux/arm64 --target selfcheck .        # elfscan passes its own scan
#
# docs/ci.md says how this file was checked and what a release still has to do.

# Node 24 (Active LTS); elfscan supports 22.15 and newer, and --build-arg NODE_VERSION=22 builds on 22.
ARG NODE_VERSION=24
ARG RUST_VERSION=1.95
ARG DEBIAN=bookworm

# --- JavaScript: compile TypeScript (needs the dev dependencies) ---------------------------------
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-${DEBIAN}-slim AS js
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# --- Runtime npm dependencies: plain JavaScript, so installed once for every platform ------------
# --ignore-scripts: nothing is compiled here for the build machine. A dependency that ever brings
# a native binary shows up as a finding of the selfcheck target.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-${DEBIAN}-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- The Rust sources, shared by both addon builds ------------------------------------------------
FROM --platform=$BUILDPLATFORM rust:${RUST_VERSION}-${DEBIAN} AS rust-src
WORKDIR /src
COPY scripts/docker-rust-target.sh /usr/local/bin/docker-rust-target.sh
COPY Cargo.toml Cargo.lock ./
COPY native ./native

# --- The addon for the image's platform, cross-compiled on the build machine ----------------------
FROM rust-src AS native
ARG TARGETARCH
ARG TARGETVARIANT
ARG BUILDARCH
RUN set -eu; \
    docker-rust-target.sh "$TARGETARCH" "$TARGETVARIANT" "$BUILDARCH" > /target.env; \
    . /target.env; \
    if [ -n "$CROSS_PKGS" ]; then \
      apt-get update; \
      apt-get install -y --no-install-recommends $CROSS_PKGS; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    rustup target add "$RUST_TARGET"; \
    cargo build --release --locked --target "$RUST_TARGET" -p elfscan-native \
      --config "target.$RUST_TARGET.linker=\"$LINKER\""; \
    mkdir -p /out; \
    cp "target/$RUST_TARGET/release/libelfscan_native.so" "/out/elfscan.$ADDON.node"

# --- The addon for the build machine, which runs the selfcheck ------------------------------------
FROM rust-src AS native-build-machine
ARG BUILDARCH
ARG BUILDVARIANT
RUN set -eu; \
    docker-rust-target.sh "$BUILDARCH" "$BUILDVARIANT" > /target.env; \
    . /target.env; \
    cargo build --release --locked -p elfscan-native; \
    mkdir -p /out; \
    cp target/release/libelfscan_native.so "/out/elfscan.$ADDON.node"

# --- The image: the target platform's Node with the files above, and nothing run ------------------
FROM node:${NODE_VERSION}-${DEBIAN}-slim AS runtime
ENV NODE_ENV=production
COPY --from=js /src/package.json /opt/elfscan/package.json
COPY --from=js /src/dist /opt/elfscan/dist
COPY --from=deps /src/node_modules /opt/elfscan/node_modules
COPY bin/elfscan.js /opt/elfscan/bin/elfscan.js
COPY --from=native /out/ /opt/elfscan/native/
USER node
WORKDIR /work
ENTRYPOINT ["node", "/opt/elfscan/bin/elfscan.js"]
CMD ["--help"]

# --- elfscan scans the image above as a root filesystem for its platform --------------------------
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-${DEBIAN}-slim AS selfcheck
ARG TARGETPLATFORM
COPY --from=js /src/package.json /opt/elfscan/package.json
COPY --from=js /src/dist /opt/elfscan/dist
COPY --from=deps /src/node_modules /opt/elfscan/node_modules
COPY bin/elfscan.js /opt/elfscan/bin/elfscan.js
COPY --from=native-build-machine /out/ /opt/elfscan/native/
COPY --from=runtime / /rootfs/
RUN node /opt/elfscan/bin/elfscan.js --platform "$TARGETPLATFORM" --no-progress /rootfs

# The default target is the image.
FROM runtime
