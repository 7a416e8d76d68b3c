# Shell helpers shared by the scripts in this folder; source it.

# wait_for_line LABEL FILE PID SED_SCRIPT TRIES ERRFILE prints what
# `sed -n SED_SCRIPT FILE` first finds, polling every 0.1 s up to TRIES
# times: how the scripts learn the sandbox's address or a debug provider's
# reattach line. It fails, showing ERRFILE, when process PID exits first.
wait_for_line() {
  local label=$1 file=$2 pid=$3 script=$4 tries=$5 errfile=$6 value
  for _ in $(seq "$tries"); do
    value=$(sed -n "$script" "$file" 2>/dev/null || true)
    if [ -n "$value" ]; then
      printf '%s\n' "$value"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$errfile" >&2
      echo "$label exited before it was ready" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$label printed no line matching '$script'" >&2
  return 1
}

# use_empty_cli_config ROOT: Terraform and OpenTofu run with ROOT/bin/terraformrc-empty
# (no dev_overrides or credentials of the developer's) and never phone home.
use_empty_cli_config() {
  local root=$1
  mkdir -p "$root/bin"
  if [ ! -f "$root/bin/terraformrc-empty" ]; then
    echo '# empty on purpose' >"$root/bin/terraformrc-empty"
  fi
  export TF_CLI_CONFIG_FILE="$root/bin/terraformrc-empty" CHECKPOINT_DISABLE=1
}

# reports_version BIN WANT: BIN exists and the first line of `BIN version` is WANT. The
# output is read whole: `version | head -1` under pipefail can fail with SIGPIPE.
reports_version() {
  local bin=$1 want=$2 have
  [ -x "$bin" ] || return 1
  have=$("$bin" version 2>/dev/null || true)
  [ "${have%%$'\n'*}" = "$want" ]
}

# build_unless_current BIN WANT BUILD: unless BIN already reports WANT (reports_version),
# runs BUILD, a shell function, with a fresh work directory (removed on exit), and
# says what it built and how long it took: several minutes on a cold cache.
build_unless_current() {
  local bin=$1 want=$2 build=$3 started
  if reports_version "$bin" "$want"; then
    echo ">> using $bin ($want)"
    return 0
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  started=$(date +%s)
  echo ">> building $want in $work (several minutes on a cold cache)"
  "$build" "$work"
  echo ">> built $("$bin" version | head -1) in $(($(date +%s) - started))s"
}
