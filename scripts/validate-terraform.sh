#!/usr/bin/env bash
# Offline `terraform validate` (and a best-effort offline `terraform plan`) of the
# synthesized cdktf stacks against the real Databricks provider, installed from a
# local filesystem mirror. See docs/terraform-validation.md.
#
#   npm run validate:terraform                  # validate (+ plan) every cdktf.out/stacks/*/cdk.tf.json
#   npm run validate:terraform -- --self-test   # prove the validator catches broken configs
#
# Options:
#   --self-test          run the cases in test/fixtures/terraform/self-test-cases.json
#                        (and, if cdktf.out has a stack with a scheduled job, an invalid-enum
#                        mutation of that real stack; --stacks-dir changes where it looks)
#                        instead of validating cdktf.out
#   --stacks-dir DIR     validate DIR/*/cdk.tf.json instead of cdktf.out/stacks
#   --no-plan / --plan   skip / run the offline plan step (default: run; DBX_TF_PLAN=0 skips)
#   --keep-tmp           keep the temporary working directory (DBX_KEEP_TMP=1)
#   -h, --help
#
# Environment:
#   DBX_TF_CLI            auto (default) | terraform | tofu. auto = terraform from PATH if >= 1.5,
#                         else tofu from PATH if >= 1.6, else OpenTofu built from its Go module.
#                         tofu forces the OpenTofu path (PATH tofu, else the cached/built one).
#   DBX_TOFU_VERSION      OpenTofu version to build for the fallback (default 1.10.10)
#   DBX_PROVIDER_VERSION, DBX_PROVIDER_CACHE, DBX_PROVIDER_BINARY, DBX_PROVIDER_REBUILD:
#                         see scripts/build-provider.sh
#   DBX_ALLOW_PROVIDER_MISMATCH=1
#                         development only: when the stacks pin a different provider version
#                         than DBX_PROVIDER_VERSION, rewrite the pin in the temporary copies
#                         instead of failing. Results are then NOT authoritative for the pin.
#   DBX_SKIP_IF_PROVIDER_UNAVAILABLE=1
#                         exit 0 with "SKIPPED (nothing validated)" when the provider module cannot be
#                         downloaded (e.g. a proxy that refuses it). Off by default: then it is a failure.
#   DBX_VALIDATE_REPORT   where to write the JSON report (default: cdktf.out/terraform-validation-report.json
#                         when validating cdktf.out; none in --self-test mode)
#
# Exit status: 0 = every stack validated (plan ok or skipped); 1 = a stack failed, or a
# setup step (provider build / CLI / synth) failed; the failing step is printed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scripts="$repo_root/scripts"
json() { node "$scripts/terraform-json.mjs" "$@"; }

self_test=0
stacks_dir=""
run_plan="${DBX_TF_PLAN:-1}"
keep_tmp="${DBX_KEEP_TMP:-0}"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --self-test) self_test=1 ;;
    --stacks-dir) stacks_dir="${2:?--stacks-dir needs a directory}"; shift ;;
    --stacks-dir=*) stacks_dir="${1#*=}" ;;
    --no-plan) run_plan=0 ;;
    --plan) run_plan=1 ;;
    --keep-tmp) keep_tmp=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "validate-terraform: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

provider_version="${DBX_PROVIDER_VERSION:-1.99.0}"
provider_version="${provider_version#v}"
export DBX_PROVIDER_VERSION="$provider_version"
cache_root="${DBX_PROVIDER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dbx-observability/providers}"
tofu_version="${DBX_TOFU_VERSION:-1.10.10}"
tofu_version="${tofu_version#v}"

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
fail_setup() { # step, message
  printf '\nvalidate-terraform: FAILED at step "%s": %s\n' "$1" "$2" >&2
  exit 1
}
# Wall-clock milliseconds (bash 5 EPOCHREALTIME; whole seconds on older shells).
now() {
  local t="${EPOCHREALTIME:-}"
  if [ -n "$t" ]; then t="${t//[!0-9]/}"; echo $(( 10#$t / 1000 )); else echo $(( $(date +%s) * 1000 )); fi
}
since() { local d=$(( $(now) - $1 )); printf '%d.%ds' $(( d / 1000 )) $(( (d % 1000) / 100 )); }
with_timeout() { # seconds cmd...: coreutils timeout when available (not on stock macOS)
  local secs="$1"; shift
  if command -v timeout >/dev/null 2>&1; then timeout "$secs" "$@"; else "$@"; fi
}
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

command -v node >/dev/null 2>&1 || fail_setup "setup" "node is required (it is for the cdktf app anyway)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dbx-validate-terraform.XXXXXX")"
cleanup() {
  if [ "$keep_tmp" = "1" ]; then echo "(kept temporary directory $tmp)"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Terraform/OpenTofu run non-interactively, without update checks, and never
# with the ambient CLI config (e.g. TF_CLI_CONFIG_FILE=/root/.terraformrc).
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR TF_WORKSPACE TF_DATA_DIR 2>/dev/null || true

t_all=$(now)

# ---------------------------------------------------------------- 1. provider
step "[1/4] Databricks provider v$provider_version (cache: $cache_root)"
t0=$(now)
set +e
provider_bin="$(bash "$scripts/build-provider.sh")"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  if [ "$rc" -eq 4 ] && [ "${DBX_SKIP_IF_PROVIDER_UNAVAILABLE:-0}" = "1" ]; then
    printf '\nvalidate-terraform: SKIPPED (nothing validated): terraform-provider-databricks v%s could not be downloaded and DBX_SKIP_IF_PROVIDER_UNAVAILABLE=1\n' "$provider_version"
    exit 0
  fi
  fail_setup "provider build" "could not build or find terraform-provider-databricks v$provider_version (see messages above)"
fi
info "provider binary: $provider_bin ($(since "$t0"))"
provider_sha="$(sha256sum "$provider_bin" 2>/dev/null | cut -d' ' -f1 || echo unknown)"

# ---------------------------------------------------------------- 2. CLI
step "[2/4] Terraform CLI (DBX_TF_CLI=${DBX_TF_CLI:-auto})"
cli_version_of() { # binary -> x.y.z (first line "Terraform v1.11.4" / "OpenTofu v1.10.10")
  TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | head -n1 | sed -E 's/^[A-Za-z]+ v//; s/[[:space:]].*$//'
}
tofu_from_cache_or_build() {
  local dir="$cache_root/cli/opentofu/$tofu_version" bin v
  bin="$dir/tofu"
  if [ -x "$bin" ] && [ "$(cli_version_of "$bin")" = "$tofu_version" ]; then
    info "using cached OpenTofu $bin" >&2
    echo "$bin"; return 0
  fi
  command -v go >/dev/null 2>&1 || { echo "no Go toolchain to build OpenTofu with" >&2; return 1; }
  info "building OpenTofu v$tofu_version from github.com/opentofu/opentofu (Go module proxy) into $dir" >&2
  local t; t=$(now)
  DBX_GO_BUILD_LDFLAGS="-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    bash "$scripts/terraform-go-build.sh" github.com/opentofu/opentofu "v$tofu_version" \
      github.com/opentofu/opentofu/cmd/tofu "$bin" >&2 || return 1
  v="$(cli_version_of "$bin")"
  if [ "$v" != "$tofu_version" ]; then
    echo "built OpenTofu reports version '$v', expected $tofu_version" >&2; return 1
  fi
  info "built OpenTofu v$v in $(since "$t")" >&2
  echo "$bin"
}
use_tofu() {
  local p v
  if p="$(command -v tofu 2>/dev/null)"; then
    v="$(cli_version_of "$p")"
    if [ -n "$v" ] && version_ge "$v" 1.6.0; then cli_bin="$p"; cli_name=opentofu; return 0; fi
    info "ignoring tofu on PATH ($p, version '${v:-?}' < 1.6)"
  fi
  if ! cli_bin="$(tofu_from_cache_or_build)"; then
    fail_setup "CLI" "OpenTofu fallback: building github.com/opentofu/opentofu/cmd/tofu@v$tofu_version failed (see above). Install terraform >= 1.5 or tofu >= 1.6 on PATH, or set GOPROXY to a proxy that serves OpenTofu."
  fi
  cli_name=opentofu
}
cli_bin="" cli_name=""
case "${DBX_TF_CLI:-auto}" in
  auto)
    if p="$(command -v terraform 2>/dev/null)" && v="$(cli_version_of "$p")" && [ -n "$v" ] && version_ge "$v" 1.5.0; then
      cli_bin="$p"; cli_name=terraform
    else
      [ -n "${p:-}" ] && info "terraform on PATH is '${v:-unknown}' (< 1.5); falling back to OpenTofu"
      [ -z "${p:-}" ] && info "no terraform on PATH; falling back to OpenTofu"
      use_tofu
    fi ;;
  terraform)
    p="$(command -v terraform 2>/dev/null)" || fail_setup "CLI" "DBX_TF_CLI=terraform but no terraform on PATH"
    v="$(cli_version_of "$p")"
    { [ -n "$v" ] && version_ge "$v" 1.5.0; } || fail_setup "CLI" "terraform on PATH is '${v:-unknown}', need >= 1.5"
    cli_bin="$p"; cli_name=terraform ;;
  tofu|opentofu) info "DBX_TF_CLI=${DBX_TF_CLI}: forcing the OpenTofu fallback"; use_tofu ;;
  *) fail_setup "CLI" "DBX_TF_CLI must be auto, terraform or tofu (got '${DBX_TF_CLI}')" ;;
esac
cli_version="$(cli_version_of "$cli_bin")"
info "using $cli_name $cli_version ($cli_bin)"

# ---------------------------------------------------------------- 3. mirror + CLI config
step "[3/4] Filesystem mirror and CLI config"
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os="$(uname -s | tr '[:upper:]' '[:lower:]')" ;; esac
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
platform="${os}_${arch}"
mirror="$tmp/mirror"
# Unpacked layout: HOSTNAME/NAMESPACE/TYPE/VERSION/TARGET/terraform-provider-TYPE_vVERSION.
# cdktf writes source = "databricks/databricks", which Terraform resolves on
# registry.terraform.io and OpenTofu on registry.opentofu.org: populate both.
for host in registry.terraform.io registry.opentofu.org; do
  d="$mirror/$host/databricks/databricks/$provider_version/$platform"
  mkdir -p "$d"
  ln -s "$provider_bin" "$d/terraform-provider-databricks_v$provider_version" 2>/dev/null \
    || cp "$provider_bin" "$d/terraform-provider-databricks_v$provider_version"
done
cli_config="$tmp/cli.tfrc"
cat >"$cli_config" <<EOF
# Generated by scripts/validate-terraform.sh: install databricks/databricks only
# from the local mirror, never from a registry.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/databricks/databricks", "registry.opentofu.org/databricks/databricks"]
  }
  direct {
    exclude = ["registry.terraform.io/databricks/databricks", "registry.opentofu.org/databricks/databricks"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$cli_config" TOFU_CLI_CONFIG_FILE="$cli_config"
info "mirror: $mirror/{registry.terraform.io,registry.opentofu.org}/databricks/databricks/$provider_version/$platform/"
info "TF_CLI_CONFIG_FILE=$cli_config"

# ---------------------------------------------------------------- helpers per stack
# copy_stack SRC_DIR DST_DIR: the stack dir without Terraform state/working files.
copy_stack() {
  mkdir -p "$2"
  cp -R "$1/." "$2/"
  rm -rf "$2/.terraform" "$2/.terraform.lock.hcl" "$2"/*.tfstate "$2"/*.tfstate.* "$2/tfplan"
}

# pin_check DIR: handle a provider pin that differs from the built provider.
pin_check() {
  local f="$1/cdk.tf.json" req
  req="$(json required-version "$f")"
  if [ -n "$req" ] && [ "$req" != "$provider_version" ]; then
    if [ "${DBX_ALLOW_PROVIDER_MISMATCH:-0}" = "1" ]; then
      info "WARNING: stack pins databricks $req; validating against $provider_version (DBX_ALLOW_PROVIDER_MISMATCH=1, NOT authoritative)"
      json set-provider-version "$f" "$provider_version"
    else
      info "note: stack pins databricks '$req' but the mirror has $provider_version (set DBX_PROVIDER_VERSION to match)"
    fi
  fi
}

# tf_init DIR [extra args]: init; prints the output on failure.
tf_init() {
  local dir="$1"; shift
  if ! (cd "$dir" && "$cli_bin" init -input=false -no-color "$@" >"$dir/init.log" 2>&1); then
    sed 's/^/      /' "$dir/init.log"
    return 1
  fi
}

# tf_validate DIR OUT_JSON: validate -json (non-zero exit is expected for invalid configs).
tf_validate() {
  (cd "$1" && "$cli_bin" validate -json -no-color >"$2" 2>"$1/validate.err") || true
  if [ ! -s "$2" ]; then
    sed 's/^/      /' "$1/validate.err"
    echo '{"valid":false,"diagnostics":[{"severity":"error","summary":"validate produced no JSON output"}]}' >"$2"
  fi
}

# tf_plan SRC_DIR WORK_DIR CLASS_FILE: offline plan against a dummy workspace.
# Writes "ok ...", "api <reason>" (plan needs the API: skipped) or "error <reason>".
tf_plan() {
  local src="$1" dir="$2" class="$3" rc
  copy_stack "$src" "$dir"
  json prepare-plan "$dir/cdk.tf.json"
  [ "${DBX_ALLOW_PROVIDER_MISMATCH:-0}" = "1" ] && json set-provider-version "$dir/cdk.tf.json" "$provider_version"
  if ! tf_init "$dir"; then echo "error init for plan failed" >"$class"; return 0; fi
  set +e
  (
    cd "$dir"
    # Only the dummy workspace: drop every ambient Databricks/cloud credential.
    for v in $(compgen -e); do
      case "$v" in DATABRICKS_*|ARM_*|AZURE_*|GOOGLE_*) unset "$v" ;; esac
    done
    export DATABRICKS_HOST=https://dummy.invalid DATABRICKS_TOKEN=dummy DATABRICKS_CONFIG_FILE=/dev/null
    export DATABRICKS_HTTP_TIMEOUT_SECONDS=15 DATABRICKS_RETRY_TIMEOUT_SECONDS=15
    with_timeout 900 "$cli_bin" plan -refresh=false -input=false -lock=false -no-color -json -out=tfplan >plan.jsonl 2>plan.err
  )
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    if ! (cd "$dir" && "$cli_bin" show -json -no-color tfplan >show.json 2>show.err); then
      sed 's/^/      /' "$dir/show.err"; echo "error terraform show -json failed" >"$class"; return 0
    fi
    if json assert-create-only "$dir/show.json"; then
      json report-plan "$dir/plan.jsonl" "$class" >/dev/null
    else
      echo "error plan contains non-create actions on an empty state" >"$class"
    fi
    return 0
  fi
  json report-plan "$dir/plan.jsonl" "$class"
  if [ ! -s "$class" ] || [ "$(cut -c1-2 "$class")" = "ok" ]; then
    sed 's/^/      /' "$dir/plan.err" | tail -n 30
    echo "error plan exited $rc without a diagnostic" >"$class"
  fi
}

results="$tmp/results.jsonl"
: >"$results"
failures=()

# ================================================================ self-test
if [ "$self_test" = "1" ]; then
  step "[4/4] Self-test of the validator ($cli_name $cli_version, provider $provider_version)"
  cases_file="$repo_root/test/fixtures/terraform/self-test-cases.json"
  fixture_name="$(node -e 'process.stdout.write(require(process.argv[1]).fixture)' "$cases_file")"
  fixture="$repo_root/test/fixtures/terraform/$fixture_name"
  [ -f "$fixture/cdk.tf.json" ] || fail_setup "self-test" "fixture $fixture/cdk.tf.json missing"
  work="$tmp/selftest/validate"
  copy_stack "$fixture" "$work"
  pin_check "$work"
  cp "$work/cdk.tf.json" "$tmp/selftest/base.json"
  t0=$(now)
  tf_init "$work" -backend=false || fail_setup "init" "terraform init of the self-test fixture failed"
  info "init: ok ($(since "$t0"))"
  passed=0 failed=0
  n="$(node -e 'process.stdout.write(String(require(process.argv[1]).cases.length))' "$cases_file")"
  for ((i = 0; i < n; i++)); do
    # name|kind|expect|match, then the mutations as path<TAB>json lines
    node -e '
      const c = require(process.argv[1]).cases[+process.argv[2]];
      const fs = require("fs");
      fs.writeFileSync(process.argv[3], [c.name, c.kind || "validate", c.expect, c.match || ""].join("\n") + "\n");
      fs.writeFileSync(process.argv[4], Object.entries(c.set || {}).map(([p, v]) => p + "\t" + JSON.stringify(v)).map((l) => l + "\n").join(""));
    ' "$cases_file" "$i" "$tmp/case.meta" "$tmp/case.set"
    { read -r c_name; read -r c_kind; read -r c_expect; read -r c_match; } <"$tmp/case.meta"
    cp "$tmp/selftest/base.json" "$tmp/case.json"
    while IFS=$'\t' read -r path value; do
      [ -n "$path" ] || continue
      if [ "$value" = '"__DELETE__"' ]; then value=__DELETE__; fi
      json mutate "$tmp/case.json" "$tmp/case.json" "$path" "$value"
    done <"$tmp/case.set"
    echo "  case $((i + 1))/$n: $c_name"
    ok=0
    if [ "$c_kind" = "plan" ]; then
      if [ "$run_plan" != "1" ]; then echo "    SKIPPED (plan disabled)"; continue; fi
      pdir="$tmp/selftest/plan-$i"; psrc="$tmp/selftest/plan-src-$i"
      mkdir -p "$psrc"; cp "$tmp/case.json" "$psrc/cdk.tf.json"
      tf_plan "$psrc" "$pdir" "$tmp/case.class" >"$tmp/case.out" 2>&1 || true
      class="$(cat "$tmp/case.class" 2>/dev/null || echo 'error no result')"
      case "$c_expect" in
        plan-ok) [ "${class%% *}" = "ok" ] && ok=1 ;;
        plan-skipped) [ "${class%% *}" = "api" ] && echo "$class" | grep -qiE -- "$c_match" && ok=1 ;;
      esac
      echo "    plan result: $class"
      [ "$ok" = 1 ] || sed 's/^/  /' "$tmp/case.out"
    else
      cp "$tmp/case.json" "$work/cdk.tf.json"
      tf_validate "$work" "$tmp/case.validate.json"
      if [ "$c_expect" = "pass" ]; then
        json report-validate "$tmp/case.validate.json" | sed 's/^/  /' && ok=1
      else
        json expect-diag "$tmp/case.validate.json" "$c_match" && ok=1
      fi
    fi
    if [ "$ok" = 1 ]; then echo "    PASS"; passed=$((passed + 1)); else echo "    FAIL (expected $c_expect)"; failed=$((failed + 1)); fi
  done

  # The same invalid-enum mutation on a real synthesized stack, when one exists.
  real_stack=""
  for f in "${stacks_dir:-$repo_root/cdktf.out/stacks}"/*/cdk.tf.json; do
    [ -f "$f" ] || continue
    p="$(node -e '
      const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const jobs = (j.resource || {}).databricks_job || {};
      const k = Object.keys(jobs).find((n) => jobs[n].schedule);
      process.stdout.write(k ? `resource.databricks_job.${k}.schedule.pause_status` : "");
    ' "$f")"
    if [ -n "$p" ]; then real_stack="$f"; real_path="$p"; break; fi
  done
  if [ -n "$real_stack" ]; then
    sdir="$(dirname "$real_stack")"; sname="$(basename "$sdir")"
    echo "  case: synthesized stack '$sname': $real_path = \"SOMETIMES\" must fail"
    rwork="$tmp/selftest/real-$sname"
    copy_stack "$sdir" "$rwork"; pin_check "$rwork"
    ok=0
    if tf_init "$rwork" -backend=false; then
      json mutate "$rwork/cdk.tf.json" "$rwork/cdk.tf.json" "$real_path" '"SOMETIMES"'
      tf_validate "$rwork" "$tmp/real.validate.json"
      json expect-diag "$tmp/real.validate.json" "pause_status" && ok=1
    fi
    if [ "$ok" = 1 ]; then echo "    PASS"; passed=$((passed + 1)); else echo "    FAIL"; failed=$((failed + 1)); fi
  else
    echo "  (no synthesized stack with a scheduled databricks_job in ${stacks_dir:-cdktf.out/stacks}; real-stack mutation case skipped)"
  fi

  echo
  echo "validator self-test ($cli_name $cli_version, databricks provider $provider_version, $(since "$t_all"))"
  echo "self-test: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] || { echo "validate-terraform: FAILED at step \"self-test\"" >&2; exit 1; }
  exit 0
fi

# ================================================================ stacks
if [ -z "$stacks_dir" ]; then
  stacks_dir="$repo_root/cdktf.out/stacks"
  if ! ls "$stacks_dir"/*/cdk.tf.json >/dev/null 2>&1; then
    step "No synthesized stacks in cdktf.out/stacks: running npm run synth"
    (cd "$repo_root" && npm run synth) || fail_setup "synth" "npm run synth failed; nothing to validate"
  fi
  report="${DBX_VALIDATE_REPORT:-$repo_root/cdktf.out/terraform-validation-report.json}"
else
  stacks_dir="$(cd "$stacks_dir" && pwd)"
  report="${DBX_VALIDATE_REPORT:-}"
fi
stack_files=()
for f in "$stacks_dir"/*/cdk.tf.json; do [ -f "$f" ] && stack_files+=("$f"); done
[ "${#stack_files[@]}" -gt 0 ] || fail_setup "synth" "no */cdk.tf.json under $stacks_dir"

step "[4/4] Validating ${#stack_files[@]} stack(s) from $stacks_dir with $cli_name $cli_version + databricks $provider_version"
plan_note="plan disabled (--no-plan / DBX_TF_PLAN=0)"
[ "$run_plan" = "1" ] && plan_note="plan: offline, dummy workspace https://dummy.invalid, -refresh=false"
info "$plan_note"
for f in "${stack_files[@]}"; do
  sdir="$(dirname "$f")"; name="$(basename "$sdir")"
  echo
  echo "--- stack $name ($f)"
  work="$tmp/validate/$name"
  copy_stack "$sdir" "$work"
  pin_check "$work"
  status=ok failed_step="" plan_status="not run" init_t="" validate_t="" plan_t=""
  t0=$(now)
  if ! tf_init "$work" -backend=false; then
    echo "  init: FAILED ($cli_name init -backend=false, output above)"
    status=failed failed_step=init
  else
    init_t="$(since "$t0")"
    echo "  init: ok ($init_t)"
    t0=$(now)
    tf_validate "$work" "$work/validate.json"
    if json report-validate "$work/validate.json"; then
      validate_t="$(since "$t0")"
      echo "  validate time: $validate_t"
    else
      status=failed failed_step=validate
    fi
  fi
  if [ "$status" = ok ] && [ "$run_plan" = "1" ]; then
    t0=$(now)
    tf_plan "$sdir" "$tmp/plan/$name" "$tmp/plan-$name.class"
    class="$(cat "$tmp/plan-$name.class")"
    plan_t="$(since "$t0")"
    case "${class%% *}" in
      ok) plan_status="ok:${class#ok}"; echo "  plan: ok${class#ok} ($plan_t)" ;;
      api) plan_status="skipped: ${class#api }"; echo "  plan skipped: ${class#api } ($plan_t)" ;;
      *) plan_status="failed: ${class#error }"; echo "  plan: FAILED: ${class#error }"; status=failed; failed_step=plan ;;
    esac
  fi
  [ "$status" = ok ] || failures+=("$name ($failed_step)")
  json json-line "stack=$name" "status=$status" "failed_step=$failed_step" "plan=$plan_status" \
    "init_time=$init_t" "validate_time=$validate_t" "plan_time=$plan_t" >>"$results"
done

echo
echo "=== summary: $cli_name $cli_version, databricks provider $provider_version (sha256 ${provider_sha:0:16}...), $(since "$t_all")"
if [ "${DBX_ALLOW_PROVIDER_MISMATCH:-0}" = "1" ]; then
  echo "    NOT AUTHORITATIVE: DBX_ALLOW_PROVIDER_MISMATCH=1 re-pinned the stacks to provider $provider_version"
fi
if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  json report-write "$report" "$results" "cli=$cli_name" "cli_version=$cli_version" "cli_path=$cli_bin" \
    "provider_version=$provider_version" "provider_binary=$provider_bin" "provider_sha256=$provider_sha" \
    "authoritative=$([ "${DBX_ALLOW_PROVIDER_MISMATCH:-0}" = "1" ] && echo "false (DBX_ALLOW_PROVIDER_MISMATCH)" || echo true)" \
    "stacks_dir=$stacks_dir"
  echo "report: $report"
fi
if [ "${#failures[@]}" -gt 0 ]; then
  echo "validate-terraform: FAILED: ${failures[*]}" >&2
  exit 1
fi
echo "validate-terraform: all ${#stack_files[@]} stack(s) OK"
