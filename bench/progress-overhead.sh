#!/usr/bin/env bash
# What the progress bar costs: each source scanned on a pseudo-terminal (script(1), so stderr is a
# TTY and the bar is drawn) with and without --no-progress, alternating, RUNS times each; prints
# the median wall times. bench/progress-overhead.sh SOURCE… (e.g. the bench/corpus.sh images;
# "cat:FILE" pipes FILE into stdin).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_one() { # $1: source, $2: extra flag or ""
  local src=$1 flag=$2 cmd
  if [[ $src == cat:* ]]; then cmd="cat '${src#cat:}' | node '$here/bin/elfscan.js' $flag --fail-on none --format json -o /dev/null -"
  else cmd="node '$here/bin/elfscan.js' $flag --fail-on none --format json -o /dev/null '$src'"; fi
  local t0 t1
  t0=$(date +%s.%N)
  env -u CI script -qec "$cmd" /dev/null >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}
printf '%s\t%s\t%s\n' source 'bar shown s' '--no-progress s'
for src in "$@"; do
  shown=(); off=()
  for _ in $(seq "$runs"); do
    shown+=("$(time_one "$src" '')")
    off+=("$(time_one "$src" --no-progress)")
  done
  printf '%s\t%s\t%s\n' "$(basename "${src#cat:}")" "$(printf '%s\n' "${shown[@]}" | median)" "$(printf '%s\n' "${off[@]}" | median)"
done
