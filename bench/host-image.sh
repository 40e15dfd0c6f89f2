#!/usr/bin/env bash
# Builds a large, real image for measuring a whole scan: three layers taken from this machine's
# own /usr (bin, lib, share), written as a legacy docker-save tarball with plain layers and as the
# same tarball with gzip layers. Only for measurement; nothing here is committed.
# Usage: bench/host-image.sh OUTDIR   → OUTDIR/host-plain.tar, OUTDIR/host-gzip.tar
set -euo pipefail
out=${1:?usage: bench/host-image.sh OUTDIR}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layers=(usr/bin usr/lib usr/share)
for gz in plain gzip; do
  dir=$tmp/$gz
  mkdir -p "$dir"
  names=()
  diffs=()
  for i in "${!layers[@]}"; do
    tar -C / -cf "$dir/layer$i.tar" --hard-dereference "${layers[$i]}" 2>/dev/null || true
    diffs+=("\"sha256:$(sha256sum "$dir/layer$i.tar" | cut -d' ' -f1)\"")
    if [ "$gz" = gzip ]; then gzip -1 "$dir/layer$i.tar"; mv "$dir/layer$i.tar.gz" "$dir/layer$i.tar"; fi
    mkdir -p "$dir/l$i"
    mv "$dir/layer$i.tar" "$dir/l$i/layer.tar"
    names+=("\"l$i/layer.tar\"")
  done
  arch=$(dpkg --print-architecture)
  printf '{"architecture":"%s","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' "$arch" "$(IFS=,; echo "${diffs[*]}")" > "$dir/config.json"
  printf '[{"Config":"config.json","RepoTags":["host:usr"],"Layers":[%s]}]' "$(IFS=,; echo "${names[*]}")" > "$dir/manifest.json"
  tar -C "$dir" -cf "$out/host-$gz.tar" l0 l1 l2 config.json manifest.json
done
ls -l "$out"
