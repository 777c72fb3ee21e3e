#!/usr/bin/env bash
# Lints and tests notebooks/ and sql/ on a real local Spark + Delta engine.
#   npm run test:spark [-- <extra pytest args>]
#
# The suite runs as SPARK_SHARDS (default 2) pytest processes side by side, each with its own
# Spark session and temp dir, over a fixed split of the test files (largest first, dealt
# round-robin): most of a local Spark test's time is single-threaded driver, py4j and Delta-log
# work, so two sessions keep both cores busy. Each shard's output is printed in full when it ends;
# the run fails if any shard fails or collects nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-python.sh || { echo "[test-spark] setup-python.sh failed" >&2; exit 1; }

lint_dirs=(test/python scripts/simulate)
[[ -d notebooks ]] && lint_dirs=(notebooks "${lint_dirs[@]}")
echo "[test-spark] ruff check ${lint_dirs[*]}"
.venv/bin/ruff check "${lint_dirs[@]}" || { echo "[test-spark] ruff failed" >&2; exit 1; }

shards="${SPARK_SHARDS:-2}"
[[ "$shards" =~ ^[1-9]$ ]] || { echo "[test-spark] SPARK_SHARDS must be 1-9, got '$shards'" >&2; exit 2; }
mapfile -t files < <(ls -S test/python/test_*.py)
work="$(mktemp -d "${TMPDIR:-/tmp}/test-spark-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "[test-spark] pytest test/python: ${#files[@]} files in $shards shard(s)"
start=$(date +%s)
pids=()
for ((s = 0; s < shards; s++)); do
  mine=()
  for ((i = s; i < ${#files[@]}; i += shards)); do mine+=("${files[$i]}"); done
  .venv/bin/python -m pytest "${mine[@]}" -q --basetemp="$work/tmp-$s" "$@" \
    >"$work/shard-$s.log" 2>&1 &
  pids+=($!)
done
rc=0
for ((s = 0; s < shards; s++)); do
  wait "${pids[$s]}"
  code=$?
  echo "---- [test-spark] shard $((s + 1))/$shards (exit $code)"
  cat "$work/shard-$s.log"
  if [[ $code -eq 5 ]]; then
    echo "[test-spark] ERROR: shard $((s + 1)) collected no tests" >&2
    code=1
  fi
  [[ $code -ne 0 ]] && rc=1
done
echo "[test-spark] pytest finished in $(( $(date +%s) - start ))s (exit $rc)"
exit $rc
