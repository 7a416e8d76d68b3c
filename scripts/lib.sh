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
