#!/usr/bin/env bash
# Lints and tests notebooks/ and sql/ on a real local Spark + Delta engine.
#   npm run test:spark [-- <extra pytest args>]
#
# The suite runs on SPARK_WORKERS (default 2) pytest-xdist workers, each its own process with its
# own Spark session. Whole files are handed out as workers free up (--dist loadfile: a module's
# fixtures are built once), slowest first as listed in test/python/slow_first.txt, so the run
# ends when the slowest file does rather than when an unlucky static split does: most of a local
# Spark test's time is single-threaded driver, py4j and Delta-log work, so two sessions keep both
# cores busy. SPARK_WORKERS=0 runs in this process, no xdist.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-python.sh || { echo "[test-spark] setup-python.sh failed" >&2; exit 1; }

lint_dirs=(test/python scripts/simulate)
[[ -d notebooks ]] && lint_dirs=(notebooks "${lint_dirs[@]}")
echo "[test-spark] ruff check ${lint_dirs[*]}"
.venv/bin/ruff check "${lint_dirs[@]}" || { echo "[test-spark] ruff failed" >&2; exit 1; }

workers="${SPARK_WORKERS:-${SPARK_SHARDS:-2}}"
[[ "$workers" =~ ^[0-9]$ ]] || { echo "[test-spark] SPARK_WORKERS must be 0-9, got '$workers'" >&2; exit 2; }

# slow_first.txt names the slowest files in order (measured, see its header); then the rest, largest first
mapfile -t slow < <(grep -v '^\s*#' test/python/slow_first.txt | sed '/^\s*$/d')
for f in "${slow[@]}"; do
  [[ -f "test/python/$f" ]] || { echo "[test-spark] test/python/slow_first.txt names $f, which does not exist" >&2; exit 2; }
done
files=()
for f in "${slow[@]}"; do files+=("test/python/$f"); done
while read -r f; do
  [[ " ${slow[*]} " == *" $(basename "$f") "* ]] || files+=("$f")
done < <(ls -S test/python/test_*.py)

work="$(mktemp -d "${TMPDIR:-/tmp}/test-spark-XXXXXX")"
trap 'rm -rf "$work"' EXIT
dist=()
[[ "$workers" -gt 0 ]] && dist=(-n "$workers" --dist loadfile)
echo "[test-spark] pytest test/python: ${#files[@]} files on ${workers} worker(s)"
start=$(date +%s)
.venv/bin/python -m pytest "${files[@]}" "${dist[@]}" -q --basetemp="$work/tmp" --durations=40 "$@"
rc=$?
if [[ $rc -eq 5 ]]; then
  echo "[test-spark] ERROR: pytest collected no tests" >&2
  rc=1
fi
echo "[test-spark] pytest finished in $(( $(date +%s) - start ))s (exit $rc)"
exit $rc
