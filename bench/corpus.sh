#!/usr/bin/env bash
# Builds the benchmark corpus of issue 6 from real packages, once per machine: a Debian bookworm
# arm64 root filesystem assembled from Debian's arm64 packages (apt resolves the dependencies
# against an empty package database, `apt-get download` fetches, `dpkg -x` unpacks) and a large
# node_modules tree installed with `npm install --cpu=arm64 --os=linux --ignore-scripts`, cut into
# four layers and written in every format elfscan reads (bench/corpus-images.mjs).
# Usage: bench/corpus.sh [OUTDIR]   (default bench/out/corpus; skipped when its stamp is current)
# Needs root for apt (adds the arm64 architecture); never run by the test suite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out/corpus}
# Two stages, each with its stamp: the layers (packages; bump LAYERS_VERSION when what goes into
# them changes) and the images made of them (redone whenever corpus-images.mjs changes).
LAYERS_VERSION=layers-v2
images_version="images $(sha256sum "$here/corpus-images.mjs" | cut -c1-16)"
if [ -f "$out/STAMP" ] && [ "$(cat "$out/STAMP")" = "$LAYERS_VERSION $images_version" ]; then
  echo "corpus is current: $out"
  exit 0
fi
if [ -f "$out/layers/STAMP" ] && [ "$(cat "$out/layers/STAMP")" = "$LAYERS_VERSION" ]; then
  node "$here/corpus-images.mjs" "$out/layers" "$out"
  echo "$LAYERS_VERSION $images_version" > "$out/STAMP"
  exit 0
fi
rm -rf "$out"
mkdir -p "$out"
work="$out/work"
mkdir -p "$work"

# Tools the corpus and the comparisons need; a fresh machine has none of them.
need=()
for t in zstd:zstd scanelf:pax-utils file:file tar:tar gzip:gzip; do
  command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if ! dpkg --print-foreign-architectures | grep -x arm64 >/dev/null; then # no -q: it may exit before dpkg is done (pipefail)
  dpkg --add-architecture arm64
fi
apt-get update -qq || echo "apt-get update reported errors (other architectures' lists); going on with the lists at hand"

# --- Debian bookworm arm64 root filesystem -----------------------------------------------------
# The package set of a typical application base image: the required packages, an interpreter or
# three, a compiler, git and the libraries they pull in.
roots=(base-files base-passwd bash coreutils dash debianutils diffutils dpkg findutils grep gzip
  hostname init-system-helpers libc-bin login mawk ncurses-base ncurses-bin passwd perl-base sed
  sysvinit-utils tar util-linux apt python3 python3-numpy perl git curl ca-certificates
  openssh-client nodejs gcc g++ make vim-tiny less procps iproute2 libpq5 libssl-dev
  imagemagick-6.q16)
apt_state="$work/apt-state"
mkdir -p "$apt_state"
: > "$apt_state/status"
# An empty dpkg database and arm64 as the only architecture: apt lists the whole closure.
apt-get -q -s -o Dir::State::status="$apt_state/status" -o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
  --no-install-recommends install "${roots[@]}" 2>/dev/null |
  sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\([a-z0-9]*\)\])\( \[\]\)\{0,1\}$/\1:\3=\2/p' | sed 's/:all=/=/' > "$work/packages.txt"
echo "debian: $(wc -l < "$work/packages.txt") arm64 packages"
grep -q '^libc6:arm64=' "$work/packages.txt" || { echo "the package list has no libc6" >&2; exit 1; }
debs="$work/debs"
mkdir -p "$debs"
(cd "$debs" && xargs -a "$work/packages.txt" -n 40 apt-get download -q >/dev/null)
rootfs="$work/rootfs"
mkdir -p "$rootfs"
for deb in "$debs"/*.deb; do dpkg -x "$deb" "$rootfs"; done
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
echo "debian rootfs: $(du -sh "$rootfs" | cut -f1), $(find "$rootfs" -type f | wc -l) files"

# --- node_modules of a large real application ---------------------------------------------------
app="$work/app"
mkdir -p "$app"
cat > "$app/package.json" <<'EOF'
{ "name": "bench-app", "version": "1.0.0", "private": true }
EOF
npm_pkgs=(next react react-dom typescript @swc/core esbuild sharp webpack webpack-cli @babel/core
  @babel/preset-env @babel/preset-react eslint jest @aws-sdk/client-s3 @aws-sdk/client-dynamodb
  googleapis prisma @prisma/client lodash moment rxjs @grpc/grpc-js protobufjs puppeteer-core vite
  rollup lightningcss @parcel/watcher @napi-rs/canvas better-sqlite3 express axios)
(cd "$app" && npm install --no-audit --no-fund --ignore-scripts --cpu=arm64 --os=linux --libc=glibc "${npm_pkgs[@]}" >/dev/null)
echo "node_modules: $(du -sh "$app/node_modules" | cut -f1), $(find "$app/node_modules" -type f | wc -l) files"

# --- four layers, as an image build would make them ---------------------------------------------
layers="$out/layers"
mkdir -p "$layers"
tarit() { # tarit NAME DIR PATHS… — deterministic PAX tars, like BuildKit's
  local name=$1 dir=$2
  shift 2
  tar -C "$dir" --format=posix --pax-option=delete=atime,delete=ctime --sort=name --owner=0 --group=0 \
    --numeric-owner --mtime=@0 -cf "$layers/$name.tar" "$@"
}
# 1: the Debian system but its shared libraries; 2: /usr/lib (the libraries, gcc, perl, python)
(cd "$rootfs" && ls -A | grep -vx usr > "$work/l1.list" && ls -A usr | grep -vx lib | sed 's|^|usr/|' >> "$work/l1.list")
tarit 1-debian-base "$rootfs" -T "$work/l1.list"
tarit 2-debian-usr-lib "$rootfs" usr/lib
# 3 and 4: the application's node_modules, split the way a two-step npm install would layer it
mkdir -p "$work/appfs/app"
mv "$app/node_modules" "$app/package.json" "$app/package-lock.json" "$work/appfs/app/"
(cd "$work/appfs" && ls -A app/node_modules | sort | awk 'NR % 2 == 1' | sed 's|^|app/node_modules/|' > "$work/l3.list")
(cd "$work/appfs" && { ls -A app/node_modules | sort | awk 'NR % 2 == 0' | sed 's|^|app/node_modules/|'; echo app/package.json; echo app/package-lock.json; } > "$work/l4.list")
tarit 3-node-modules-a "$work/appfs" -T "$work/l3.list"
tarit 4-node-modules-b "$work/appfs" -T "$work/l4.list"
ls -l "$layers"

# --- the formats -----------------------------------------------------------------------------
for f in "$layers"/*.tar; do
  gzip -6 -n -c "$f" > "${f%.tar}.tar.gz" &
  zstd -q -3 -T1 -c "$f" > "${f%.tar}.tar.zst" &
  wait
done
echo "$LAYERS_VERSION" > "$layers/STAMP"
node "$here/corpus-images.mjs" "$layers" "$out"
rm -rf "$work"
echo "$LAYERS_VERSION $images_version" > "$out/STAMP"
ls -l "$out"
