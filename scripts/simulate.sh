#!/usr/bin/env bash
# npm run simulate [-- --jobs N --days D --seed S]: a synthetic workspace on local Spark + Delta,
# run through the platform's notebooks and SQL (scripts/simulate/run.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-python.sh >/dev/null || { echo "[simulate] setup-python.sh failed" >&2; exit 1; }
exec .venv/bin/python scripts/simulate/run.py "$@"
