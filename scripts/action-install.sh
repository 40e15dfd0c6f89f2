#!/usr/bin/env bash
# Step 1 of action.yml: make an elfscan to run and say where it is (output `bin`). With a version
# it comes from npm; without one, the action's own checkout is built — the way to use an
# unreleased commit (`uses: owner/elfscan@<sha>`), and it needs Rust, as GitHub's hosted runners have.
set -euo pipefail

out() { printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }
fail() { printf '::error title=elfscan::%s\n' "$1"; exit 1; }

version=${ELFSCAN_VERSION:-}
action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this from action.yml}

if [[ -n "$version" ]]; then
  # A version or dist-tag only: anything else (a path, a URL, a git spec) would install other code.
  [[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+-]*$ ]] || fail "version '$version' is not an npm version or dist-tag"
  npm install --global --no-audit --no-fund "elfscan@$version"
  command -v elfscan >/dev/null || fail "npm installed elfscan@$version but no elfscan command is on PATH"
  out bin elfscan
else
  command -v cargo >/dev/null || fail "building elfscan from the action's checkout needs Rust (cargo); set the action's version input to install a release from npm instead"
  (cd "$action_path" && npm ci --no-audit --no-fund && npm run build)
  out bin "$action_path/bin/elfscan.js"
fi
