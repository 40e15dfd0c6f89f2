#!/usr/bin/env bash
# Step 4 of action.yml: fail the job when the scan found something at or above fail-on. Separate
# from the scan step so that the SARIF upload in between runs whatever was found.
set -euo pipefail

code=${EXIT_CODE:-}
case "$code" in
  0) exit 0 ;;
  1)
    printf '::error title=elfscan::findings at or above fail-on %s: %s error(s), %s warning(s)\n' "${FAIL_ON:-error}" "${ERRORS:-?}" "${WARNINGS:-?}"
    exit 1
    ;;
  *)
    printf '::error title=elfscan::the scan did not finish (exit code %s)\n' "${code:-missing}"
    exit 2
    ;;
esac
