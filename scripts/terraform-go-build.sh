#!/usr/bin/env bash
# Build one Go `main` package from a module pinned at an exact version, the way
# `go install module/pkg@version` would, but through a throw-away "tools"
# module. That works where `go install pkg@version` does not:
#   * modules whose go.mod has `replace` directives (go install refuses them),
#   * module proxies that serve a version's .info/.mod/.zip but refuse the
#     module's `@v/list` (go install looks the list up for deprecations).
# The replace directives of the target module are copied into the tools module,
# so the build resolves exactly what the upstream release build resolves.
#
# Usage: terraform-go-build.sh <module-path> <vVERSION> <package-path> <output-file>
# e.g.   terraform-go-build.sh github.com/opentofu/opentofu v1.10.10 \
#            github.com/opentofu/opentofu/cmd/tofu /cache/tofu
#
# DBX_GO_BUILD_LDFLAGS, if set, is passed as -ldflags (e.g. OpenTofu's
# "-X github.com/opentofu/opentofu/version.dev=no" for a release-style version).
# Honours the usual Go environment (GOPROXY, GOMODCACHE, GOCACHE, GOFLAGS,
# GONOSUMDB, GOPRIVATE, GOTOOLCHAIN...). Writes the binary atomically: the
# output only appears once the build has succeeded.
# Exit codes: 0 ok, 2 usage, 3 no Go toolchain, 4 module download failed
# (the proxy refused or could not serve the version), 5 compile failed.
set -euo pipefail

log() { printf '[go-build] %s\n' "$*" >&2; }

if [ "$#" -ne 4 ]; then
  echo "usage: $0 <module-path> <vVERSION> <package-path> <output-file>" >&2
  exit 2
fi
module="$1" version="$2" package="$3" output="$4"
case "$version" in v*) ;; *) version="v$version" ;; esac

if ! command -v go >/dev/null 2>&1; then
  log "ERROR: no 'go' on PATH. Install Go (https://go.dev/dl/, 1.24 or newer) or provide a prebuilt binary."
  exit 3
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/dbx-go-build.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

export GOWORK=off
# Never let an ambient GOFLAGS=-mod=vendor/readonly break the tools module.
goflags_extra="-mod=mod"

log "$module@$version: resolving module (go $(go env GOVERSION), GOPROXY=$(go env GOPROXY))"
cd "$work"
go mod init dbx-observability/go-build-tools >/dev/null 2>&1

dl_json="$work/download.json"
if ! go mod download -json "$module@$version" >"$dl_json" 2>"$work/download.err"; then
  cat "$dl_json" "$work/download.err" >&2 || true
  log "ERROR: could not download $module@$version from the Go module proxy ($(go env GOPROXY))."
  exit 4
fi
# `go mod download -json` prints an Error field (and exit 0 on some versions).
if grep -q '"Error"' "$dl_json"; then
  cat "$dl_json" >&2
  log "ERROR: could not download $module@$version from the Go module proxy ($(go env GOPROXY))."
  exit 4
fi
gomod_file="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' "$dl_json" | head -n1)"
if [ -z "$gomod_file" ] || [ ! -f "$gomod_file" ]; then
  log "ERROR: go mod download did not report the go.mod of $module@$version"
  cat "$dl_json" >&2
  exit 4
fi

go mod edit -require="$module@$version"

# Copy the target module's replace directives (single-line and block form).
# Replacements by local path (=> ./dir) cannot be reproduced and are skipped.
awk '
  /^[[:space:]]*\/\// { next }
  /^replace[[:space:]]*\($/ { inblock = 1; next }
  inblock && /^\)/ { inblock = 0; next }
  inblock { print; next }
  /^replace[[:space:]]/ { sub(/^replace[[:space:]]+/, ""); print }
' "$gomod_file" | sed 's://.*$::' | while IFS= read -r line; do
  [ -n "${line//[[:space:]]/}" ] || continue
  lhs="$(echo "${line%%=>*}" | xargs)"
  rhs="$(echo "${line#*=>}" | xargs)"
  old_path="${lhs%% *}"; old_ver=""; [ "$lhs" != "$old_path" ] && old_ver="${lhs##* }"
  new_path="${rhs%% *}"; new_ver=""; [ "$rhs" != "$new_path" ] && new_ver="${rhs##* }"
  case "$new_path" in
    ./*|../*|/*) log "warning: skipping local-path replace '$line'"; continue ;;
  esac
  old="$old_path${old_ver:+@$old_ver}"
  new="$new_path${new_ver:+@$new_ver}"
  log "reproducing upstream replace: $old => $new"
  go mod edit -replace="$old=$new"
done

out_dir="$(dirname "$output")"
mkdir -p "$out_dir"
tmp_out="$out_dir/.$(basename "$output").partial.$$"
log "$module@$version: compiling $package (this takes a few minutes on a cold Go cache)"
start=$(date +%s)
ldflags=(); [ -n "${DBX_GO_BUILD_LDFLAGS:-}" ] && ldflags=(-ldflags "$DBX_GO_BUILD_LDFLAGS")
if ! go build $goflags_extra -trimpath ${ldflags[@]+"${ldflags[@]}"} -o "$tmp_out" "$package" 2>"$work/build.err"; then
  cat "$work/build.err" >&2
  rm -f "$tmp_out"
  if grep -qiE 'reading https?://|403|404|410|not available|no such host|dial tcp|verifying .*: ' "$work/build.err"; then
    log "ERROR: a dependency of $module@$version could not be downloaded (see above)."
    exit 4
  fi
  log "ERROR: compiling $package@$version failed (see above)."
  exit 5
fi
chmod 0755 "$tmp_out"
mv -f "$tmp_out" "$output"
log "$module@$version: built $output in $(( $(date +%s) - start ))s"
