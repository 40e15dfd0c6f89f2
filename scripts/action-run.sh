#!/usr/bin/env bash
# Step 2 of action.yml: turn the action's inputs (INPUT_* variables, passed through env so that no
# input is ever pasted into a script) into one elfscan command line, run it once with a SARIF
# report, and write the step's outputs. Findings do not fail this step — action-gate.sh does that
# after the SARIF upload; a scan that could not run (exit 2) fails it at once.
set -uo pipefail
set -f # no pathname expansion: a glob in an input is the input

out() { printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }
fail() { printf '::error title=elfscan::%s\n' "$1"; exit 2; }
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }
# Comma- or newline-separated values as one comma-separated list.
joined() { local IFS=$'\n,' v list=(); for v in $1; do v=$(trim "$v"); [[ -n "$v" ]] && list+=("$v"); done; (IFS=,; printf '%s' "${list[*]:-}"); }

bin=${ELFSCAN_BIN:-elfscan}
fail_on=$(trim "${INPUT_FAIL_ON:-error}")
case "$fail_on" in error | warning | none) ;; *) fail "fail-on must be error, warning or none, not '$fail_on'" ;; esac

args=(--fail-on "$fail_on" --no-progress)
platform=$(joined "${INPUT_PLATFORM:-}")
[[ -n "$platform" ]] && args+=(--platform "$platform")
required=$(joined "${INPUT_REQUIRE_PLATFORMS:-}")
[[ -n "$required" ]] && args+=(--require-platforms "$required")
while IFS= read -r line; do
  line=$(trim "$line")
  [[ -n "$line" ]] && args+=(--ignore "$line")
done <<<"${INPUT_IGNORE:-}"
config=$(trim "${INPUT_CONFIG:-}")
[[ -n "$config" ]] && args+=(--config "$config")
case "$(trim "${INPUT_INSECURE_REGISTRY:-false}")" in
  true) args+=(--insecure-registry) ;;
  false | '') ;;
  *) fail "insecure-registry must be true or false" ;;
esac

sources=()
while IFS= read -r line; do
  line=$(trim "$line")
  [[ -n "$line" ]] && sources+=("$line")
done <<<"${INPUT_IMAGE:-}"
((${#sources[@]} > 0)) || fail "the image input is empty: give a tarball, an OCI layout directory or a registry reference"

upload=$(trim "${INPUT_UPLOAD_SARIF:-false}")
case "$upload" in true | false | '') ;; *) fail "upload-sarif must be true or false" ;; esac
sarif=$(trim "${INPUT_SARIF_FILE:-}")
if [[ -z "$sarif" ]]; then
  # The summary below reads the SARIF report; it is an output only when asked for.
  sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/elfscan-$$.sarif"
  [[ "$upload" == true ]] && out sarif-file "$sarif"
else
  out sarif-file "$sarif"
fi
args+=(--format sarif -o "$sarif")

if [[ "$bin" == *.js ]]; then cmd=(node "$bin"); else cmd=("$bin"); fi
printf 'elfscan'; printf ' %q' "${args[@]}" -- "${sources[@]}"; printf '\n'
"${cmd[@]}" "${args[@]}" -- "${sources[@]}"
code=$?
out exit-code "$code"

case "$code" in
  0 | 1)
    [[ -s "$sarif" ]] || fail "elfscan exited $code but wrote no report to $sarif"
    node "$(dirname "$0")/action-report.mjs" "$sarif" || exit 2
    exit 0
    ;;
  *)
    printf '::error title=elfscan::the scan could not run (exit %s): see the message above\n' "$code"
    exit "$code"
    ;;
esac
