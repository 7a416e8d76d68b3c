#!/usr/bin/env bash
# Benchmarks `terraform plan -refresh-only` against the sandbox (`make bench`).
#
# For each N in BENCH_SIZES (default "100 1000"): apply N keys of mixed types
# (bench/main.tf, count = N) with -parallelism (BENCH_PARALLELISM, 10), check
# that the server holds exactly N keys named bench-* (none twice), then time
# refresh-only plans (BENCH_REPEAT, 3, per mode; the median is reported):
#   cached  the provider as shipped: all reads of a provider process share one list
#   naive   NETMAKER_TF_NAIVE_READS=1 (an undocumented switch): one list per read
# then destroy (-refresh=false) and check that no bench key is left.
# Every terraform command gets a fresh provider process in debug mode
# (TF_REATTACH_PROVIDERS) under /usr/bin/time -v, so that the provider's own
# peak RSS and CPU are measured apart from terraform's (also measured, as is
# the sandbox's CPU from /proc). Request counts come from the sandbox's
# GET /sandbox/stats, reset before each command.
# The sandbox is built and run from ./internal/netmakertest/cmd/netmaker-sandbox
# (current generation, no faults); terraform finds the provider through
# dev_overrides in a CLI config the script writes, so no init is needed.
# Results go to bench/results.md (BENCH_OUT), followed by bench/notes.md.
# Logs stay in a temp directory, removed on success unless BENCH_KEEP=1.
# Every terraform command has a timeout (BENCH_APPLY_TIMEOUT, BENCH_PLAN_TIMEOUT).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

TERRAFORM=${TERRAFORM:-terraform}
sizes=${BENCH_SIZES:-"100 1000"}
parallelism=${BENCH_PARALLELISM:-10}
repeat=${BENCH_REPEAT:-3} # refresh-only plans per mode and N; the median is reported
out=${BENCH_OUT:-$root/bench/results.md}
apply_timeout=${BENCH_APPLY_TIMEOUT:-900}
plan_timeout=${BENCH_PLAN_TIMEOUT:-600}

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (Debian package 'time') is needed to measure peak memory" >&2; exit 1; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/netmaker-bench.XXXXXX")
sandbox_pid=""
provider_pid=""
cleanup() {
  local rc=$?
  if [ -n "$provider_pid" ]; then kill -INT "$provider_pid" 2>/dev/null || true; fi
  if [ -n "$sandbox_pid" ]; then kill -TERM "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  if [ "$rc" -eq 0 ] && [ "${BENCH_KEEP:-0}" != 1 ]; then
    rm -rf "$work"
  else
    echo "bench: logs kept in $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo ">> $(date -u +%H:%M:%S) $*" >&2; }
now() { date +%s.%N; }
human_bytes() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.1f KiB", b / 1024 }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

log "building the provider and the sandbox into $work/bin"
mkdir -p "$work/bin" "$work/tf"
go build -o "$work/bin/terraform-provider-netmaker" .
go build -o "$work/bin/netmaker-sandbox" ./internal/netmakertest/cmd/netmaker-sandbox

master_key="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
"$work/bin/netmaker-sandbox" -listen 127.0.0.1:0 -generation current -master-key "$master_key" \
  >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
host=$(wait_for_line "bench: the sandbox" "$work/sandbox.out" "$sandbox_pid" '1s/^NETMAKER_HOST=//p' 100 "$work/sandbox.err")
log "sandbox at $host"

cat >"$work/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "netmaker-terraform/netmaker" = "$work/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export NETMAKER_HOST="$host" NETMAKER_API_TOKEN="$master_key"
unset NETMAKER_USERNAME NETMAKER_PASSWORD TF_REATTACH_PROVIDERS NETMAKER_TF_NAIVE_READS
cp bench/main.tf "$work/tf/main.tf"

tf() { # tf TIMEOUT LOG TIMEFILE ARGS...: terraform in the work dir under /usr/bin/time, output to LOG
  local limit=$1 logf=$2 timef=$3
  shift 3
  (cd "$work/tf" && timeout "$limit" /usr/bin/time -v -o "$timef" "$TERRAFORM" "$@" -no-color) >"$logf" 2>&1 || {
    echo "bench: terraform $* failed (log $logf):" >&2
    tail -n 30 "$logf" >&2
    return 1
  }
}
reset_stats() { curl -sf -X POST "$host/sandbox/stats/reset" >/dev/null; }
stats() { curl -sf "$host/sandbox/stats"; }
list_calls() { jq '."GET /api/v1/enrollment-keys" // 0'; }
total_requests() { jq '[.[]] | add // 0'; }
# server_keys prints name<TAB>count of every bench-* name on the server.
server_keys() {
  curl -sf -H "Authorization: Bearer $master_key" "$host/api/v1/enrollment-keys" |
    jq -r '[.[] | select(.tags[0] // "" | startswith("bench-")) | .tags[0]] | group_by(.) | .[] | "\(.[0])\t\(length)"'
}

# verify_keys N: exactly N keys named bench-*, none twice.
verify_keys() {
  local want=$1 lines distinct dups
  lines=$(server_keys)
  distinct=$(printf '%s' "$lines" | grep -c . || true)
  dups=$(printf '%s\n' "$lines" | awk -F'\t' '$2 > 1' | grep -c . || true)
  if [ "$distinct" -ne "$want" ] || [ "$dups" -ne 0 ]; then
    echo "bench: the server holds $distinct distinct bench keys ($dups names more than once), want $want" >&2
    return 1
  fi
}

# start_provider TAG MODE: the provider in debug mode under /usr/bin/time -v;
# sets provider_pid, time_pid and TF_REATTACH_PROVIDERS.
start_provider() {
  local tag=$1 mode=$2 naive=""
  [ "$mode" = naive ] && naive=1
  : >"$work/provider-$tag.out"
  env ${naive:+NETMAKER_TF_NAIVE_READS=1} /usr/bin/time -v -o "$work/provider-$tag.time" \
    "$work/bin/terraform-provider-netmaker" -debug >"$work/provider-$tag.out" 2>"$work/provider-$tag.err" &
  time_pid=$!
  local reattach
  reattach=$(wait_for_line "bench: the provider" "$work/provider-$tag.out" "$time_pid" \
    "s/^[[:space:]]*TF_REATTACH_PROVIDERS='\(.*\)'[[:space:]]*\$/\1/p" 300 "$work/provider-$tag.err") || return 1
  provider_pid=$(jq -r '.[].Pid' <<<"$reattach")
  export TF_REATTACH_PROVIDERS="$reattach"
}

# time_field FILE NAME: a field of /usr/bin/time -v output.
time_field() { awk -F': ' -v k="$2" '$1 ~ k { print $2 }' "$1"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
cpu_of() { awk -v u="$(time_field "$1" 'User time')" -v s="$(time_field "$1" 'System time')" 'BEGIN { printf "%.1f", u + s }'; }

# stop_provider TAG: interrupt the provider and wait for /usr/bin/time; sets
# rss (peak RSS, MiB) and pcpu (user + system CPU seconds).
stop_provider() {
  kill -INT "$provider_pid"
  wait "$time_pid" || true
  provider_pid=""
  unset TF_REATTACH_PROVIDERS
  local kb
  kb=$(time_field "$work/provider-$1.time" 'Maximum resident set size')
  [ -n "$kb" ] || { echo "bench: no peak RSS in $work/provider-$1.time" >&2; return 1; }
  rss=$(mib "$kb")
  pcpu=$(cpu_of "$work/provider-$1.time")
}

# sandbox_cpu: the sandbox's user + system CPU seconds so far.
sandbox_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$sandbox_pid/stat"; }

# phase TAG MODE TIMEOUT ARGS...: one terraform command with a fresh debug-mode
# provider. Sets wall, phase_stats, rss, pcpu, tcpu, trss, scpu.
phase() {
  local tag=$1 mode=$2 limit=$3 s0 t0 t1
  shift 3
  start_provider "$tag" "$mode"
  reset_stats
  s0=$(sandbox_cpu)
  t0=$(now)
  tf "$limit" "$work/$tag.log" "$work/terraform-$tag.time" "$@"
  t1=$(now)
  phase_stats=$(stats)
  scpu=$(awk -v a="$s0" -v b="$(sandbox_cpu)" 'BEGIN { printf "%.1f", b - a }')
  stop_provider "$tag"
  wall=$(elapsed "$t0" "$t1")
  tcpu=$(cpu_of "$work/terraform-$tag.time")
  trss=$(mib "$(time_field "$work/terraform-$tag.time" 'Maximum resident set size')")
  cpu_row="| $n | $tag | $wall s | $tcpu s | $pcpu s | $scpu s | $trss MiB | $rss MiB |"
}

rows=()
apply_rows=()
cpu_rows=()
list_sizes=""
for n in $sizes; do
  log "N=$n: apply (-parallelism=$parallelism)"
  phase "apply-$n" cached "$apply_timeout" apply -auto-approve -input=false -parallelism="$parallelism" -var "n=$n"
  cpu_rows+=("$cpu_row")
  verify_keys "$n"
  list_bytes=$(curl -sf -H "Authorization: Bearer $master_key" "$host/api/v1/enrollment-keys" | wc -c)
  apply_rows+=("| $n | $wall s | $(list_calls <<<"$phase_stats") | $(total_requests <<<"$phase_stats") | $(jq '."POST /api/v1/enrollment-keys" // 0' <<<"$phase_stats") | yes |")
  list_sizes="${list_sizes:+$list_sizes, }N=$n: $(human_bytes "$list_bytes")"
  log "N=$n: applied in $wall s; the server holds exactly $n bench keys; one list is $list_bytes bytes"

  for mode in cached naive; do
    # repeat times; the row is the run with the median wall time.
    : >"$work/reps.tsv"
    for r in $(seq "$repeat"); do
      phase "plan-$n-$mode-$r" "$mode" "$plan_timeout" plan -refresh-only -input=false -lock=false -var "n=$n"
      grep -q "No changes" "$work/plan-$n-$mode-$r.log" || { echo "bench: the refresh-only plan found changes:" >&2; tail -n 30 "$work/plan-$n-$mode-$r.log" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\n' "$wall" "$rss" "$(list_calls <<<"$phase_stats")" "$(total_requests <<<"$phase_stats")" "$cpu_row" >>"$work/reps.tsv"
    done
    IFS=$'\t' read -r wall rss lists total cpu_row < <(sort -g "$work/reps.tsv" | sed -n "$(((repeat + 1) / 2))p")
    cpu_rows+=("$(sed "s/ plan-$n-$mode-[0-9]* / plan-$n-$mode (median of $repeat) /" <<<"$cpu_row")")
    rows+=("| $n | $mode | $wall s | $lists | $total | $rss MiB | $(human_bytes $((lists * list_bytes))) |")
    log "N=$n $mode: plan $wall s, $lists list calls, $total requests, peak provider RSS $rss MiB"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$mode" "$wall" "$lists" "$total" "$rss" >>"$work/plans.tsv"
  done

  log "N=$n: destroy"
  phase "destroy-$n" cached "$apply_timeout" destroy -auto-approve -input=false -refresh=false -parallelism="$parallelism" -var "n=$n"
  cpu_rows+=("$cpu_row")
  verify_keys 0
  log "N=$n: destroyed in $wall s"
done

# Ratios naive / cached per N.
ratios=$(awk -F'\t' '
  $2 == "cached" { ct[$1] = $3; cl[$1] = $4; cr[$1] = $5; order[++k] = $1 }
  $2 == "naive"  { nt[$1] = $3; nl[$1] = $4; nr[$1] = $5 }
  END { for (i = 1; i <= k; i++) { n = order[i]
    printf "| %s | %.1fx | %.0fx | %.1fx |\n", n, (ct[n] > 0 ? nt[n] / ct[n] : 0), (cl[n] > 0 ? nl[n] / cl[n] : 0), (cr[n] > 0 ? nr[n] / cr[n] : 0) } }
' "$work/plans.tsv")

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
{
  echo "# Benchmark: refresh-only plans against the sandbox"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "- Machine: $(nproc) CPU cores ($cpu), $mem memory, $(uname -sr); load average before the run: $load_before (other work shares the machine: wall times are noisy, CPU seconds less so)"
  echo "- $(go version | cut -d' ' -f3-), $("$TERRAFORM" version | head -1)"
  echo "- Sandbox: current generation, no faults; configuration: bench/main.tf (mixed unlimited / uses / time_bound keys)"
  echo "- Each terraform command runs with a fresh provider process (debug mode, TF_REATTACH_PROVIDERS) under /usr/bin/time -v,"
  echo "  so peak RSS and CPU are the provider's alone. Requests are counted by the sandbox (GET /sandbox/stats)."
  echo "- cached: the provider as shipped. naive: NETMAKER_TF_NAIVE_READS=1, one list call per read (an undocumented switch)."
  echo "- Each refresh-only plan ran $repeat times per mode and N; the rows show the run with the median wall time."
  echo "- Bytes listed = list calls x the size of one list answer for N keys (${list_sizes})."
  echo
  echo "## terraform plan -refresh-only"
  echo
  echo "| N | mode | wall time | list calls per plan | requests per plan | peak provider RSS | bytes listed |"
  echo "|---|------|-----------|---------------------|-------------------|-------------------|--------------|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Ratio naive / cached:"
  echo
  echo "| N | wall time | list calls | requests |"
  echo "|---|-----------|------------|----------|"
  printf '%s\n' "$ratios"
  echo
  echo "## terraform apply -parallelism=$parallelism (creating N keys)"
  echo
  echo "A create uses the key its answer carries (list shape) and lists only to recover a lost answer, so an apply lists about once."
  echo
  echo "| N | wall time | list calls | requests | create requests | exactly N keys, no duplicate |"
  echo "|---|-----------|------------|----------|-----------------|------------------------------|"
  printf '%s\n' "${apply_rows[@]}"
  echo
  echo "## Where the time goes"
  echo
  echo "CPU seconds (user + system) of each process during each command; the machine has $(nproc) cores."
  echo
  echo "| N | command | wall time | terraform CPU | provider CPU | sandbox CPU | terraform peak RSS | provider peak RSS |"
  echo "|---|---------|-----------|---------------|--------------|-------------|--------------------|-------------------|"
  printf '%s\n' "${cpu_rows[@]}"
  if [ -f bench/notes.md ]; then
    echo
    cat bench/notes.md
  fi
} >"$out.tmp"
mv "$out.tmp" "$out"
log "wrote $out"
cat "$out"
