#!/usr/bin/env bash
# Creates/updates the repo-root .venv used by the Spark + Delta tests (npm run test:spark).
#
# Idempotent and fast when up to date: re-installs only when test/python/requirements.txt
# or the Python minor version changed, tracked by a hash stamp inside .venv. Uses pip's
# normal cache. After an install it starts one local Spark session (spark_session.py
# --warm-up) so Delta's jars are fetched from Maven Central into the Ivy cache here, with a
# clear error, rather than inside the first test. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

REQ="test/python/requirements.txt"
VENV=".venv"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

log() { printf '[setup-python] %s\n' "$*"; }
die() { printf '[setup-python] ERROR: %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (Python 3.11 expected)"
command -v java >/dev/null 2>&1 || die "java not found: Spark 4 needs a JDK 17+ on PATH"
[[ -f "$REQ" ]] || die "$REQ is missing"

py_minor="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
want="$( { sha256sum "$REQ" | cut -d' ' -f1; echo "$py_minor"; } | sha256sum | cut -d' ' -f1)"

up_to_date() { [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; }

if up_to_date; then
  log "$VENV is up to date with $REQ"
  exit 0
fi

# Several engineers/scripts may run this at once: serialize installs into the shared .venv.
mkdir -p "$VENV"
exec 9>"$VENV/.setup.lock"
flock 9
if up_to_date; then  # another run finished the install while we waited
  log "$VENV is up to date with $REQ"
  exit 0
fi

venv_minor="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
if [[ "$venv_minor" != "$py_minor" ]]; then
  log "creating $VENV with $("$PYTHON" --version 2>&1)${venv_minor:+ (was Python $venv_minor)}"
  find "$VENV" -mindepth 1 -maxdepth 1 ! -name .setup.lock -exec rm -rf {} +
  "$PYTHON" -m venv "$VENV" || die "could not create $VENV"
fi

log "installing pinned requirements from $REQ (pip cache: $("$VENV/bin/python" -m pip cache dir 2>/dev/null || echo off))"
rm -f "$STAMP"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQ" \
  || die "pip install -r $REQ failed"
"$VENV/bin/python" -c 'import pyspark, delta, pytest' \
  || die "installed packages do not import"

log "warming up: one local Spark + Delta session (fetches Delta jars from Maven Central once)"
warm_log="$VENV/warm-up.log"
if ! (cd test/python && "../../$VENV/bin/python" spark_session.py --warm-up) >"$warm_log" 2>&1; then
  tail -n 40 "$warm_log" >&2
  die "Spark + Delta did not start (Java 17+? Maven Central reachable for the Delta jars?); full log: $warm_log"
fi
grep -E '^spark .* ok$' "$warm_log" | sed 's/^/[setup-python] /' || true

echo "$want" > "$STAMP"
log "done: pyspark $("$VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)'), delta-spark $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("delta-spark"))'), $("$VENV/bin/ruff" --version)"
