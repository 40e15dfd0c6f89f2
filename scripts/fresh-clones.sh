#!/usr/bin/env bash
# Proves that the README's test command works on a fresh machine, N times in a row: each run is a
# new clone of this repository (at COMMIT, default HEAD) with no .cache/, node_modules/ or target/,
# and an empty elfscan cache (ELFSCAN_CACHE pointing at a new folder: no test images, no corpus
# downloads, no fetched Node), in which `npm ci && npm test` runs. Runs are sequential; each
# prints PASS or FAIL with its time, and the log of a failed run is kept. The npm cache (~/.npm)
# and the Debian packages the set-up installs are the machine's and stay.
#
#   scripts/fresh-clones.sh [N=10] [COMMIT=HEAD]
#
# Long: a cold run downloads ~1 GB of Debian and npm packages and two Node builds, builds the
# addon from scratch and runs the suite twice (README, "Run the tests", gives the time). Disk: a
# run needs ~3 GB while it lasts; a passed run's clone and cache are deleted.
set -uo pipefail

n=${1:-10}
repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel) || exit 2
commit=$(git -C "$repo" rev-parse --verify "${2:-HEAD}^{commit}") || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/elfscan-fresh-clones.XXXXXX")
# The command the README gives under "Run the tests" (test/packaging/readme-commands.test.ts keeps them equal).
command='npm ci && npm test'

echo "fresh-clones: $n runs of '$command' at ${commit:0:12}, logs in $work"
passed=0
times=()
for i in $(seq 1 "$n"); do
  run=$work/run-$i
  mkdir -p "$run/cache"
  git clone --quiet --no-checkout "$repo" "$run/elfscan" && git -C "$run/elfscan" checkout --quiet --detach "$commit" || {
    echo "fresh-clones: run $i: could not clone $repo"
    exit 2
  }
  start=$(date +%s)
  (cd "$run/elfscan" && ELFSCAN_CACHE=$run/cache bash -c "$command") >"$run/log" 2>&1
  status=$?
  seconds=$(($(date +%s) - start))
  times+=("$seconds")
  if [ "$status" = 0 ]; then
    passed=$((passed + 1))
    echo "fresh-clones: run $i: PASS in $((seconds / 60)) min $((seconds % 60)) s ($(grep -E '^  vitest on Node' "$run/log" | sed 's/^ *//' | paste -sd';' -))"
    rm -rf "$run/elfscan" "$run/cache"
  else
    echo "fresh-clones: run $i: FAIL (exit $status) in $((seconds / 60)) min $((seconds % 60)) s; log: $run/log"
    grep -E 'FAIL|failed|Error' "$run/log" | sed -n 's/^/    /; 1,5p'
  fi
done
echo "fresh-clones: $passed of $n passed; seconds per run: ${times[*]}"
[ "$passed" = "$n" ]
