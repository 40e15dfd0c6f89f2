#!/usr/bin/env bash
# Times whole scans and reports peak RSS: bench/scan-time.sh IMAGE… (runs each 3 times, prints
# the median wall time and the largest max RSS). Build the images first (bench/host-image.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
for img in "$@"; do
  times=(); rss=0
  for _ in 1 2 3; do
    out=$( { /usr/bin/time -f '%e %M' node "$here/bin/elfscan.js" --fail-on none --format json -o /dev/null "$img" >/dev/null; } 2>&1 | tail -1)
    times+=("${out% *}"); r=${out#* }; [ "$r" -gt "$rss" ] && rss=$r
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  printf '%s\t%s s (median of 3)\t%d MB max RSS\t%s bytes\n' "$(basename "$img")" "$median" $((rss / 1024)) "$(stat -c %s "$img")"
done
