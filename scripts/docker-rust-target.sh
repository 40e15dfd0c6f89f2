#!/bin/sh
# Used by the Dockerfile: turns Docker's platform words (TARGETARCH, TARGETVARIANT, and the
# BUILDARCH that runs the build) into what cross-building the addon needs, as shell assignments:
#   RUST_TARGET   the Rust target triple
#   ADDON         napi-rs's platform name — the addon file is elfscan.$ADDON.node, as src/native.ts loads it
#   LINKER        the C compiler that links for the target (Debian's <triplet>-gcc)
#   CROSS_PKGS    Debian packages to install for that, empty when the target is the build machine
# One table, shared by the target and the build machine's addon; tested in test/packaging/.
# Usage: docker-rust-target.sh <arch> [<variant>] [<build-arch>]
set -eu

arch=${1:?usage: docker-rust-target.sh <arch> [<variant>] [<build-arch>]}
variant=${2:-}
build=${3:-$arch}

case "$arch/$variant" in
  amd64/ | amd64/v1 | amd64/v2 | amd64/v3 | amd64/v4) rust=x86_64-unknown-linux-gnu addon=linux-x64-gnu gnu=x86_64-linux-gnu deb=amd64 ;;
  arm64/ | arm64/v8) rust=aarch64-unknown-linux-gnu addon=linux-arm64-gnu gnu=aarch64-linux-gnu deb=arm64 ;;
  arm/v7) rust=armv7-unknown-linux-gnueabihf addon=linux-arm-gnueabihf gnu=arm-linux-gnueabihf deb=armhf ;;
  ppc64le/) rust=powerpc64le-unknown-linux-gnu addon=linux-ppc64-gnu gnu=powerpc64le-linux-gnu deb=ppc64el ;;
  s390x/) rust=s390x-unknown-linux-gnu addon=linux-s390x-gnu gnu=s390x-linux-gnu deb=s390x ;;
  *)
    echo "docker-rust-target.sh: no elfscan image for linux/$arch${variant:+/$variant} (amd64, arm64, arm/v7, ppc64le and s390x are built)" >&2
    exit 1
    ;;
esac

pkgs=
if [ "$arch" != "$build" ]; then
  pkgs="gcc-$(echo "$gnu" | tr _ -) libc6-dev-$deb-cross"
fi

echo "RUST_TARGET=$rust"
echo "ADDON=$addon"
echo "LINKER=$gnu-gcc"
echo "CROSS_PKGS='$pkgs'"
