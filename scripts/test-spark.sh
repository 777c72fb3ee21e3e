#!/usr/bin/env bash
# Lints and tests notebooks/ and sql/ on a real local Spark + Delta engine.
#   npm run test:spark [-- <extra pytest args>]
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-python.sh || { echo "[test-spark] setup-python.sh failed" >&2; exit 1; }

lint_dirs=(test/python)
[[ -d notebooks ]] && lint_dirs=(notebooks "${lint_dirs[@]}")
echo "[test-spark] ruff check ${lint_dirs[*]}"
.venv/bin/ruff check "${lint_dirs[@]}" || { echo "[test-spark] ruff failed" >&2; exit 1; }

echo "[test-spark] pytest test/python"
start=$(date +%s)
.venv/bin/python -m pytest test/python -q "$@"
rc=$?
echo "[test-spark] pytest finished in $(( $(date +%s) - start ))s (exit $rc)"
if [[ $rc -eq 5 ]]; then
  echo "[test-spark] ERROR: pytest collected no tests" >&2
  exit 1
fi
exit $rc
