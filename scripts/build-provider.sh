#!/usr/bin/env bash
# Build (or reuse) the Databricks Terraform provider binary, cached by version.
#
#   bash scripts/build-provider.sh            # prints the cached binary's path on stdout
#
# Environment:
#   DBX_PROVIDER_VERSION  provider version to build (default 1.99.0, the version
#                         @cdktf/provider-databricks 15.16.1 binds)
#   DBX_PROVIDER_CACHE    cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/dbx-observability/providers);
#                         the binary lands in $DBX_PROVIDER_CACHE/<version>/terraform-provider-databricks_v<version>
#   DBX_PROVIDER_BINARY   air-gapped: path to a provider binary copied from another machine
#                         (an official release binary or one built with this script). It is
#                         sanity-checked and copied into the cache instead of building.
#   DBX_PROVIDER_REBUILD  1 = ignore a cached binary and build again
#
# The build needs Go >= 1.24 and a Go module proxy that serves
# github.com/databricks/terraform-provider-databricks@v<version> and its dependencies
# (GOPROXY may point at an internal mirror). Messages go to stderr, the path to stdout.
# Exit status: 0 ok; 4 the module (or a dependency) could not be downloaded; 1 other failures.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${DBX_PROVIDER_VERSION:-1.99.0}"
version="${version#v}"
cache_root="${DBX_PROVIDER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dbx-observability/providers}"
dir="$cache_root/$version"
bin="$dir/terraform-provider-databricks_v$version"
module="github.com/databricks/terraform-provider-databricks"
min_size=$((20 * 1024 * 1024)) # real builds are ~50-150 MB; anything tiny is a broken copy

log() { printf '[provider] %s\n' "$*" >&2; }

file_size() { stat -c %s "$1" 2>/dev/null || stat -f %z "$1"; }

# A binary is usable when it is executable, plausibly sized, and its
# `version` subcommand (the provider prints its own version and exits) says $version.
sane() {
  local f="$1" size reported
  [ -f "$f" ] && [ -x "$f" ] || { log "  $f: missing or not executable"; return 1; }
  size="$(file_size "$f")"
  [ "$size" -ge "$min_size" ] || { log "  $f: only $size bytes"; return 1; }
  if command -v timeout >/dev/null 2>&1; then
    reported="$(timeout 60 "$f" version 2>/dev/null | head -n1 | tr -d '[:space:]' || true)"
  else
    reported="$("$f" version 2>/dev/null | head -n1 | tr -d '[:space:]' || true)"
  fi
  reported="${reported#v}"
  if [ "$reported" != "$version" ]; then
    log "  $f: reports version '${reported:-<nothing>}', expected $version"
    return 1
  fi
  return 0
}

write_info() {
  local how="$1"
  {
    echo "version=$version"
    echo "source=$how"
    echo "size=$(file_size "$bin")"
    if command -v sha256sum >/dev/null 2>&1; then echo "sha256=$(sha256sum "$bin" | cut -d' ' -f1)"; fi
    if command -v go >/dev/null 2>&1; then echo "go=$(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"; fi
    echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$dir/build-info.txt"
}

# An explicitly given binary wins over a different cached one.
if [ -n "${DBX_PROVIDER_BINARY:-}" ] && [ -e "$bin" ] && ! cmp -s "$DBX_PROVIDER_BINARY" "$bin"; then
  log "DBX_PROVIDER_BINARY differs from the cached binary; replacing the cached one"
  rm -f "$bin"
fi

if [ "${DBX_PROVIDER_REBUILD:-0}" != "1" ] && [ -e "$bin" ]; then
  if sane "$bin"; then
    log "using cached provider $bin ($(file_size "$bin") bytes, reports $version)"
    echo "$bin"
    exit 0
  fi
  log "cached provider at $bin is not usable; replacing it"
  rm -f "$bin"
fi

if [ -n "${DBX_PROVIDER_BINARY:-}" ]; then
  log "installing provider from DBX_PROVIDER_BINARY=$DBX_PROVIDER_BINARY"
  sane "$DBX_PROVIDER_BINARY" || {
    log "ERROR: DBX_PROVIDER_BINARY is not a terraform-provider-databricks $version binary for this platform"
    exit 1
  }
  mkdir -p "$dir"
  cp "$DBX_PROVIDER_BINARY" "$bin.partial.$$"
  chmod 0755 "$bin.partial.$$"
  mv -f "$bin.partial.$$" "$bin"
  write_info "copied from $DBX_PROVIDER_BINARY"
  echo "$bin"
  exit 0
fi

log "building $module@v$version from the Go module proxy into $dir"
start=$(date +%s)
set +e
bash "$here/terraform-go-build.sh" "$module" "v$version" "$module" "$bin"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  log "ERROR: building the Databricks provider v$version failed (exit $rc)."
  if [ "$rc" -eq 4 ]; then
    log "  The Go module proxy ($(go env GOPROXY 2>/dev/null || echo '?')) did not serve $module@v$version"
    log "  or one of its dependencies. Options:"
    log "    * point GOPROXY at a proxy/mirror that has it, e.g. GOPROXY=https://goproxy.internal.example,direct"
    log "    * copy a provider binary from a connected machine and run with"
    log "        DBX_PROVIDER_BINARY=/path/to/terraform-provider-databricks_v$version"
    log "      (see docs/terraform-validation.md, 'Air-gapped')"
    exit 4
  fi
  exit 1
fi
if ! sane "$bin"; then
  log "ERROR: the freshly built provider at $bin failed its sanity check"
  exit 1
fi
write_info "built with go from $module@v$version in $(( $(date +%s) - start ))s"
log "built provider $bin in $(( $(date +%s) - start ))s"
echo "$bin"
