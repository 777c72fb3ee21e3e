#!/usr/bin/env bash
# npm run bench:data: data-path cost ratios on local Spark + Delta (scripts/simulate/bench.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-python.sh >/dev/null || { echo "[bench:data] setup-python.sh failed" >&2; exit 1; }
exec .venv/bin/python scripts/simulate/bench.py "$@"
