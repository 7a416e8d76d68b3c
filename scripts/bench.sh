#!/usr/bin/env bash
# Benchmarks the provider against its floor (`make bench`).
#
# For each N in BENCH_SIZES (default "100 1000") and each of BENCH_REPEAT
# (3) repetitions, six terraform commands run for every variant in
# BENCH_VARIANTS, interleaved (apply for each variant, then refresh-only
# plan for each, ...), so that the shared machine's noise hits all alike:
#   apply    N keys of mixed types (bench/keys.tf, count = N), -parallelism (BENCH_PARALLELISM, 10)
#   refresh  plan -refresh-only (must find no changes)
#   changes  plan with a tag added to every key (N in-place updates)
#   update   apply -refresh=false of that change (N PUTs), -parallelism as for apply
#   rotate   apply -refresh=false changing every regenerate_trigger (N rotations)
#   destroy  -refresh=false, -parallelism as for apply
# During update and rotate, every sandbox takes a real server's time
# (BENCH_LATENCY, default "real": netmakertest.RealServerLatency, per
# request and per key listed, one request at a time; "off" for none).
# Variants:
#   ours         the provider as shipped (SDK TRACE logs off when no log was asked for)
#   ours-sdklogs the provider with TF_LOG_SDK*=TRACE, i.e. the SDK's default logging (as before it chose)
#   floor        bench/floorprovider: the same framework, the real schema, validators and plan
#                modifiers, no ModifyPlan and no I/O (Create copies plan to state); SDK logging as the framework ships it
#   floor-quiet  the floor with the SDK's TRACE logs off, as ours turns them off
#   tfdata       terraform_data (bench/terraform_data/main.tf): no provider process at all
#   raw          bench/rawhttp on its own sandbox: the writes of update and rotate as raw HTTP at the
#                same parallelism (one list, then N PUTs or N regenerates), nothing else; it runs only
#                those two commands (its keys are made and deleted, untimed, around them)
# Every provider runs as Terraform launches it (dev_overrides to a built
# binary, never debug/reattach mode) behind a wrapper that runs it under
# /usr/bin/time -v: provider CPU is summed over all provider processes of
# a command (Terraform starts several), peak RSS is the largest. Each
# netmaker variant has its own sandbox (current generation, no faults), so
# lists hold only its own N keys; the sandbox counts requests
# (GET /sandbox/stats, reset before each command). After ours applies, the
# server must hold exactly N bench keys, none twice; after it destroys, none.
# For ours, a refresh-only plan with the provider built with -tags benchnaive
# (one list per read; internal/benchhooks) shows what the list cache saves.
# Medians over the repetitions are reported (each measure on its own).
# BENCH_PROFILE=1 builds ours and the floor with -tags benchprofile and
# keeps a CPU profile of every provider process; the top functions, merged
# per variant and command, go to bench/profiles/ (BENCH_PROFILE_OUT).
# Results go to bench/results.md (BENCH_OUT), followed by bench/notes.md.
# Logs stay in a temp directory, removed on success unless BENCH_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

TERRAFORM=${TERRAFORM:-terraform}
sizes=${BENCH_SIZES:-"100 1000"}
parallelism=${BENCH_PARALLELISM:-10}
repeat=${BENCH_REPEAT:-3}
# BENCH_REPEATS: one repetition count per size (e.g. "3 1"), overriding BENCH_REPEAT.
read -r -a repeats <<<"${BENCH_REPEATS:-}"
variants=${BENCH_VARIANTS:-"ours floor floor-quiet tfdata ours-sdklogs raw"}
latency=${BENCH_LATENCY:-real}
out=${BENCH_OUT:-$root/bench/results.md}
profile=${BENCH_PROFILE:-0}
profile_out=${BENCH_PROFILE_OUT:-$root/bench/profiles}
apply_timeout=${BENCH_APPLY_TIMEOUT:-900}
plan_timeout=${BENCH_PLAN_TIMEOUT:-600}
build_nice=${BENCH_BUILD_NICE:-5}

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (Debian package 'time') is needed to measure peak memory" >&2; exit 1; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done
# The provider's log levels depend on these: measure what users get by default.
for v in $(compgen -e | grep -E '^(TF_LOG|TF_ACC_LOG_PATH)' || true); do unset "$v"; done
unset TF_REATTACH_PROVIDERS BENCH_NAIVE NETMAKER_USERNAME NETMAKER_PASSWORD

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/netmaker-bench.XXXXXX")
sandbox_pids=()
cleanup() {
  local rc=$? pid
  for pid in "${sandbox_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" -eq 0 ] && [ "${BENCH_KEEP:-0}" != 1 ]; then
    rm -rf "$work"
  else
    echo "bench: logs kept in $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo ">> $(date -u +%H:%M:%S) [load $(cut -d' ' -f1 /proc/loadavg)] $*" >&2; }
now() { date +%s.%N; }
human_bytes() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.1f KiB", b / 1024 }'; }

tags=()
[ "$profile" = 1 ] && tags=(-tags benchprofile)
log "building the provider, the floor provider and the sandbox into $work/bin (nice -n $build_nice)"
mkdir -p "$work/bin"
nice -n "$build_nice" go build "${tags[@]}" -o "$work/bin/ours" .
naive_tags=benchnaive
[ "$profile" = 1 ] && naive_tags=benchnaive,benchprofile
nice -n "$build_nice" go build -tags "$naive_tags" -o "$work/bin/ours-naive" .
nice -n "$build_nice" go build "${tags[@]}" -o "$work/bin/floor" ./bench/floorprovider
nice -n "$build_nice" go build -o "$work/bin/netmaker-sandbox" ./internal/netmakertest/cmd/netmaker-sandbox
nice -n "$build_nice" go build -o "$work/bin/rawhttp" ./bench/rawhttp

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# setup_variant V: its directory $work/v/V with a CLI config, the terraform
# configuration, and (unless tfdata) a wrapper named like the provider that
# runs the variant's binary under /usr/bin/time -v.
declare -A kind host master
setup_variant() {
  local v=$1 d=$work/v/$1 binary env_line=""
  mkdir -p "$d/tf" "$d/bin"
  case "$v" in
    ours) kind[$v]=netmaker binary=$work/bin/ours ;;
    ours-sdklogs) kind[$v]=netmaker binary=$work/bin/ours env_line="TF_LOG_SDK=TRACE TF_LOG_SDK_FRAMEWORK=TRACE TF_LOG_SDK_PROTO=TRACE" ;;
    floor) kind[$v]=floor binary=$work/bin/floor ;;
    floor-quiet) kind[$v]=floor binary=$work/bin/floor env_line="NETMAKER_BENCH_FLOOR_QUIET=1" ;;
    tfdata) kind[$v]=tfdata ;;
    raw) kind[$v]=raw ;;
    *) echo "bench: unknown variant $v" >&2; exit 1 ;;
  esac
  if [ "${kind[$v]}" = tfdata ]; then
    cp bench/keys.tf "$d/tf/keys.tf"
    cp bench/terraform_data/main.tf "$d/tf/main.tf"
    echo '# empty: terraform_data needs no provider' >"$d/terraformrc"
    return
  fi
  if [ "${kind[$v]}" = raw ]; then
    start_sandbox "$v"
    return
  fi
  cp bench/keys.tf "$d/tf/keys.tf"
  cp bench/main.tf "$d/tf/main.tf"
  cat >"$d/bin/terraform-provider-netmaker" <<EOF
#!/bin/sh
binary="$binary"
[ "\$BENCH_NAIVE" = 1 ] && [ -x "$binary-naive" ] && binary="$binary-naive"
exec env $env_line /usr/bin/time -v -o "\$BENCH_TIME_DIR/provider-\$\$.time" "\$binary" "\$@"
EOF
  chmod +x "$d/bin/terraform-provider-netmaker"
  cat >"$d/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "netmaker-terraform/netmaker" = "$d/bin"
  }
  direct {}
}
EOF
  if [ "${kind[$v]}" = netmaker ]; then
    start_sandbox "$v"
  fi
}
# start_sandbox V: V's own sandbox (current generation, no faults, no latency).
start_sandbox() {
  local v=$1 d=$work/v/$1
  master[$v]="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  "$work/bin/netmaker-sandbox" -listen 127.0.0.1:0 -generation current -master-key "${master[$v]}" \
    >"$d/sandbox.out" 2>"$d/sandbox.err" &
  sandbox_pids+=($!)
  echo $! >"$d/sandbox.pid"
  host[$v]=$(wait_for_line "bench: the sandbox" "$d/sandbox.out" "$!" '1s/^NETMAKER_HOST=//p' 100 "$d/sandbox.err")
  log "$v: sandbox at ${host[$v]}"
}
for v in $variants; do setup_variant "$v"; done

api() { local v=$1; shift; curl -sf -H "Authorization: Bearer ${master[$v]}" "$@"; }
# server_keys V prints name<TAB>count of every bench-* name on V's sandbox.
server_keys() {
  api "$1" "${host[$1]}/api/v1/enrollment-keys" |
    jq -r '[.[] | select(.tags[0] // "" | startswith("bench-")) | .tags[0]] | group_by(.) | .[] | "\(.[0])\t\(length)"'
}
# verify_keys V N: exactly N keys named bench-*, none twice.
verify_keys() {
  local lines distinct dups
  lines=$(server_keys "$1")
  distinct=$(printf '%s' "$lines" | grep -c . || true)
  dups=$(printf '%s\n' "$lines" | awk -F'\t' '$2 > 1' | grep -c . || true)
  if [ "$distinct" -ne "$2" ] || [ "$dups" -ne 0 ]; then
    echo "bench: $1's sandbox holds $distinct distinct bench keys ($dups names more than once), want $2" >&2
    return 1
  fi
}
# has_sandbox V: V talks to a sandbox of its own.
has_sandbox() { [ "${kind[$1]}" = netmaker ] || [ "${kind[$1]}" = raw ]; }
# set_latency V MODEL: V's sandbox takes MODEL's time per request (off, real, ...).
set_latency() { has_sandbox "$1" && curl -sf -X POST --data "$2" "${host[$1]}/sandbox/latency" >/dev/null || true; }
# verify_tagged V N: N bench keys, each with its network's device tag x.
verify_tagged() {
  local tagged
  tagged=$(api "$1" "${host[$1]}/api/v1/enrollment-keys" |
    jq '[.[] | select(.tags[0] // "" | startswith("bench-")) | select(.groups == [.networks[0] + ".x"])] | length')
  if [ "$tagged" -ne "$2" ]; then
    echo "bench: $1's sandbox holds $tagged bench keys with the tag, want $2" >&2
    return 1
  fi
}
# bench_values V: the values of V's bench keys, sorted.
bench_values() {
  api "$1" "${host[$1]}/api/v1/enrollment-keys" | jq -r '.[] | select(.tags[0] // "" | startswith("bench-")) | .value' | sort
}
# verify_rotated V N BEFORE_FILE: N bench keys, none with a value of BEFORE_FILE.
verify_rotated() {
  verify_keys "$1" "$2"
  local kept
  kept=$(comm -12 "$3" <(bench_values "$1") | grep -c . || true)
  if [ "$kept" -ne 0 ]; then
    echo "bench: $kept of $1's bench keys kept their value through the rotation" >&2
    return 1
  fi
}
sandbox_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$(cat "$work/v/$1/sandbox.pid")/stat"; }

# The latency model as the sandbox reads BENCH_LATENCY (per request, per key listed), for the report.
latency_model=$latency
for v in $variants; do
  if has_sandbox "$v"; then
    latency_model=$(curl -sf -X POST --data "$latency" "${host[$v]}/sandbox/latency") || {
      echo "bench: the sandbox refuses BENCH_LATENCY=$latency" >&2
      exit 1
    }
    set_latency "$v" off
    break
  fi
done

time_field() { awk -F': ' -v k="$2" '$1 ~ k { print $2 }' "$1"; }
cpu_of() { awk -v u="$(time_field "$1" 'User time')" -v s="$(time_field "$1" 'System time')" 'BEGIN { printf "%.2f", u + s }'; }

# run V N REP CMD TIMEOUT ARGS...: one terraform command of variant V;
# appends a line to $work/records.tsv.
run() {
  local v=$1 n=$2 rep=$3 cmd=$4 limit=$5 d=$work/v/$1
  shift 5
  local tag=$n-$cmd-$rep times=$d/times/$n-$cmd-$rep logf=$d/$n-$cmd-$rep.log
  mkdir -p "$times"
  local s0=0 t0 t1 load
  load=$(cut -d' ' -f1 /proc/loadavg)
  local envs=(TF_CLI_CONFIG_FILE="$d/terraformrc" BENCH_TIME_DIR="$times")
  if has_sandbox "$v"; then
    envs+=(NETMAKER_HOST="${host[$v]}" NETMAKER_API_TOKEN="${master[$v]}")
    curl -sf -X POST "${host[$v]}/sandbox/stats/reset" >/dev/null
    s0=$(sandbox_cpu "$v")
  fi
  # raw runs bench/rawhttp ($@ are its arguments), the others terraform.
  local program=("$TERRAFORM") extra=(-input=false -no-color -var "n=$n")
  if [ "${kind[$v]}" = raw ]; then
    program=("$work/bin/rawhttp" -parallelism="$parallelism") extra=()
  fi
  [ "$cmd" = refresh-naive ] && envs+=(BENCH_NAIVE=1)
  if [ "$profile" = 1 ]; then
    mkdir -p "$d/prof/$n-$cmd-$rep"
    envs+=(NETMAKER_TF_CPUPROFILE_DIR="$d/prof/$n-$cmd-$rep")
  fi
  t0=$(now)
  (cd "$d/tf" && env "${envs[@]}" timeout "$limit" /usr/bin/time -v -o "$d/terraform-$tag.time" \
    "${program[@]}" "$@" "${extra[@]}") >"$logf" 2>&1 || {
    echo "bench: $v: ${program[*]} $* failed (log $logf):" >&2
    tail -n 30 "$logf" >&2
    return 1
  }
  t1=$(now)
  local stats="{}" scpu=0
  if has_sandbox "$v"; then
    stats=$(curl -sf "${host[$v]}/sandbox/stats")
    scpu=$(awk -v a="$s0" -v b="$(sandbox_cpu "$v")" 'BEGIN { printf "%.2f", b - a }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$v" "$cmd" "$rep" "$(jq -c . <<<"$stats")" >>"$work/routes.tsv"
  fi
  local pcpu=0 prss=0 nproc=0 f
  for f in "$times"/provider-*.time; do
    [ -e "$f" ] || continue
    nproc=$((nproc + 1))
    pcpu=$(awk -v a="$pcpu" -v b="$(cpu_of "$f")" 'BEGIN { printf "%.2f", a + b }')
    prss=$(awk -v a="$prss" -v b="$(time_field "$f" 'Maximum resident set size')" 'BEGIN { print (b > a ? b : a) }')
  done
  local wall tcpu
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  # terraform's rusage includes the provider processes it waited for.
  tcpu=$(awk -v a="$(cpu_of "$d/terraform-$tag.time")" -v p="$pcpu" 'BEGIN { printf "%.2f", a - p }')
  if [ "${kind[$v]}" = raw ]; then
    # The raw client's CPU and memory count as the provider's; there is no terraform.
    pcpu=$tcpu tcpu=0 nproc=1 prss=$(time_field "$d/terraform-$tag.time" 'Maximum resident set size')
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$v" "$cmd" "$rep" "$wall" "$tcpu" "$pcpu" \
    "$(awk -v k="$prss" 'BEGIN { printf "%.1f", k / 1024 }')" "$nproc" "$scpu" \
    "$(jq '."GET /api/v1/enrollment-keys" // 0' <<<"$stats")" "$(jq '[.[]] | add // 0' <<<"$stats")" \
    "$(jq '."POST /api/v1/enrollment-keys" // 0' <<<"$stats")" "$load" >>"$work/records.tsv"
  log "N=$n rep $rep $v $cmd: $wall s (terraform CPU $tcpu s, provider CPU $pcpu s in $nproc processes)"
  last_log=$logf
}

expect_in_log() { # expect_in_log PATTERN WHAT
  grep -q "$1" "$last_log" || { echo "bench: $2 (log $last_log):" >&2; tail -n 30 "$last_log" >&2; exit 1; }
}

: >"$work/records.tsv"
: >"$work/routes.tsv"
list_sizes=""
size_index=0
for n in $sizes; do
  reps=${repeats[$size_index]:-$repeat}
  size_index=$((size_index + 1))
  repeat_note="${repeat_note:+$repeat_note, }N=$n: $reps"
  for rep in $(seq "$reps"); do
    for v in $variants; do
      if [ "${kind[$v]}" = raw ]; then
        (cd "$work" && NETMAKER_HOST="${host[$v]}" NETMAKER_API_TOKEN="${master[$v]}" "$work/bin/rawhttp" -op create -n "$n" -parallelism="$parallelism")
        verify_keys "$v" "$n"
        continue
      fi
      run "$v" "$n" "$rep" apply "$apply_timeout" apply -auto-approve -parallelism="$parallelism"
      if [ "${kind[$v]}" = netmaker ]; then
        verify_keys "$v" "$n"
        if [ "$v" = ours ] && [ "$rep" = 1 ]; then
          list_sizes="${list_sizes:+$list_sizes, }N=$n: $(human_bytes "$(api ours "${host[ours]}/api/v1/enrollment-keys" | wc -c)")"
        fi
      fi
    done
    for v in $variants; do
      [ "${kind[$v]}" = raw ] && continue
      run "$v" "$n" "$rep" refresh "$plan_timeout" plan -refresh-only -lock=false
      expect_in_log "No changes" "the refresh-only plan found changes"
      if [ "$v" = ours ] && [ "$rep" = 1 ]; then
        run "$v" "$n" "$rep" refresh-naive "$plan_timeout" plan -refresh-only -lock=false
        expect_in_log "No changes" "the naive refresh-only plan found changes"
      fi
    done
    for v in $variants; do
      [ "${kind[$v]}" = raw ] && continue
      run "$v" "$n" "$rep" changes "$plan_timeout" plan -lock=false -var tag=x
      expect_in_log "Plan: 0 to add, $n to change, 0 to destroy" "the plan with changes is not $n updates"
    done
    for v in $variants; do
      set_latency "$v" "$latency"
      if [ "${kind[$v]}" = raw ]; then
        run "$v" "$n" "$rep" update "$apply_timeout" -op update -tag x
      else
        run "$v" "$n" "$rep" update "$apply_timeout" apply -auto-approve -refresh=false -parallelism="$parallelism" -var tag=x
        expect_in_log "Resources: 0 added, $n changed, 0 destroyed" "the update is not $n in-place changes"
      fi
      set_latency "$v" off
      if has_sandbox "$v"; then verify_keys "$v" "$n" && verify_tagged "$v" "$n"; fi
    done
    for v in $variants; do
      has_sandbox "$v" && bench_values "$v" >"$work/v/$v/values-before-rotation"
      set_latency "$v" "$latency"
      if [ "${kind[$v]}" = raw ]; then
        run "$v" "$n" "$rep" rotate "$apply_timeout" -op rotate
      else
        run "$v" "$n" "$rep" rotate "$apply_timeout" apply -auto-approve -refresh=false -parallelism="$parallelism" -var tag=x -var rotation=1
        expect_in_log "Resources: 0 added, $n changed, 0 destroyed" "the rotation is not $n in-place changes"
      fi
      set_latency "$v" off
      if has_sandbox "$v"; then verify_rotated "$v" "$n" "$work/v/$v/values-before-rotation"; fi
    done
    for v in $variants; do
      if [ "${kind[$v]}" = raw ]; then
        (cd "$work" && NETMAKER_HOST="${host[$v]}" NETMAKER_API_TOKEN="${master[$v]}" "$work/bin/rawhttp" -op delete -parallelism="$parallelism")
        verify_keys "$v" 0
        continue
      fi
      run "$v" "$n" "$rep" destroy "$apply_timeout" destroy -auto-approve -refresh=false -parallelism="$parallelism"
      [ "${kind[$v]}" = netmaker ] && verify_keys "$v" 0
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# medians.tsv: N variant command wall tcpu pcpu prss nproc scpu lists total creates (median of each).
awk -F'\t' '
  function median(s,   a, k, i, j, t) {
    k = split(s, a, " ")
    for (i = 2; i <= k; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  { key = $1 "\t" $2 "\t" $3; if (!(key in seen)) { seen[key] = 1; order[++m] = key }
    for (i = 5; i <= 13; i++) vals[key, i] = vals[key, i] " " $i }
  END { for (j = 1; j <= m; j++) { key = order[j]; line = key
    for (i = 5; i <= 13; i++) line = line "\t" median(vals[key, i]); print line } }
' "$work/records.tsv" >"$work/medians.tsv"
loads=$(awk -F'\t' 'NR == 1 || $14 < lo { lo = $14 } NR == 1 || $14 > hi { hi = $14 } END { printf "%s to %s", lo, hi }' "$work/records.tsv")

has() { [[ " $variants " == *" $1 "* ]]; }
# cell N V CMD FIELD: a median (field 4 = wall ... 12 = creates).
cell() { awk -F'\t' -v n="$1" -v v="$2" -v c="$3" -v f="$4" '$1 == n && $2 == v && $3 == c { print $f; exit }' "$work/medians.tsv"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.2f", a / b }'; }
secs() { [ -n "$1" ] && printf '%.1f s' "$1" || printf '–'; }
secs2() { [ -n "$1" ] && printf '%.2f s' "$1" || printf '–'; }

summary_rows() {
  local n c
  for n in $sizes; do
    for c in apply refresh changes destroy; do
      local o f fq td ol
      o=$(cell "$n" ours "$c" 4) f=$(cell "$n" floor "$c" 4) fq=$(cell "$n" floor-quiet "$c" 4)
      td=$(cell "$n" tfdata "$c" 4) ol=$(cell "$n" ours-sdklogs "$c" 4)
      echo "| $n | $c | $(secs "$o") | $(secs "$f") | **$(ratio "$o" "$f")** | $(secs "$fq") | $(ratio "$o" "$fq") | $(secs "$td") | $(secs "$ol") | $(ratio "$ol" "$f") |"
    done
  done
}
# total_cpu N V CMD: terraform + provider CPU seconds (medians).
total_cpu() { awk -v a="$(cell "$1" "$2" "$3" 5)" -v b="$(cell "$1" "$2" "$3" 6)" 'BEGIN { if (a == "") print ""; else printf "%.2f", a + b }'; }
cpu_summary_rows() {
  local n c
  for n in $sizes; do
    for c in apply refresh changes destroy; do
      local o f fq td ol
      o=$(total_cpu "$n" ours "$c") f=$(total_cpu "$n" floor "$c") fq=$(total_cpu "$n" floor-quiet "$c")
      td=$(total_cpu "$n" tfdata "$c") ol=$(total_cpu "$n" ours-sdklogs "$c")
      echo "| $n | $c | $(secs "$o") | $(secs "$f") | **$(ratio "$o" "$f")** | $(secs "$fq") | $(ratio "$o" "$fq") | $(secs "$td") | $(secs "$ol") | $(ratio "$ol" "$f") |"
    done
  done
}
cpu_rows() {
  local n c v
  for n in $sizes; do
    for c in apply refresh refresh-naive changes update rotate destroy; do
      for v in $variants; do
        local line
        line=$(awk -F'\t' -v n="$n" -v v="$v" -v c="$c" '$1 == n && $2 == v && $3 == c' "$work/medians.tsv")
        [ -n "$line" ] || continue
        IFS=$'\t' read -r _ _ _ wall tcpu pcpu prss nproc scpu _ <<<"$line"
        if [ "${kind[$v]}" = tfdata ]; then
          echo "| $n | $c | $v | $(secs "$wall") | $(secs "$tcpu") | – | – | – | – | – |"
        elif [ "${kind[$v]}" = raw ]; then
          echo "| $n | $c | $v | $(secs "$wall") | – | $(secs "$pcpu") (rawhttp) | – | 1 | $prss MiB | $(secs "$scpu") |"
        else
          local fl
          fl=$(cell "$n" floor "$c" 6)
          echo "| $n | $c | $v | $(secs "$wall") | $(secs "$tcpu") | $(secs "$pcpu") | $(ratio "$pcpu" "$fl") | $nproc | $prss MiB | $(secs "$scpu") |"
        fi
      done
    done
  done
}
request_rows() {
  local n c
  for n in $sizes; do
    for c in apply refresh refresh-naive changes update rotate destroy; do
      local line
      line=$(awk -F'\t' -v n="$n" -v c="$c" '$1 == n && $2 == "ours" && $3 == c' "$work/medians.tsv")
      [ -n "$line" ] || continue
      IFS=$'\t' read -r _ _ _ wall _ _ _ _ _ lists total creates <<<"$line"
      echo "| $n | $c | $lists | $total | $creates |"
    done
  done
}

# write_rows: update and rotate (latency on) against raw HTTP and the floors.
write_rows() {
  local n c
  for n in $sizes; do
    for c in update rotate; do
      local o r fq td sum
      o=$(cell "$n" ours "$c" 4) r=$(cell "$n" raw "$c" 4) fq=$(cell "$n" floor-quiet "$c" 4) td=$(cell "$n" tfdata "$c" 4)
      sum=$(awk -v a="$fq" -v b="$r" 'BEGIN { if (a == "" || b == "") print ""; else printf "%.2f", a + b }')
      echo "| $n | $c | $(secs "$o") | $(secs "$r") | **$(ratio "$o" "$r")** | $(secs "$fq") | $(ratio "$o" "$fq") | $(secs "$sum") | $(ratio "$o" "$sum") | $(secs "$td") |"
    done
  done
}
write_cpu_rows() {
  local n c
  for n in $sizes; do
    for c in update rotate; do
      local o fq op r
      o=$(total_cpu "$n" ours "$c") fq=$(total_cpu "$n" floor-quiet "$c")
      op=$(cell "$n" ours "$c" 6) r=$(cell "$n" raw "$c" 6)
      echo "| $n | $c | $(secs "$o") | $(secs "$fq") | **$(ratio "$o" "$fq")** | $(secs2 "$op") | $(secs2 "$r") | $(ratio "$op" "$r") |"
    done
  done
}
# route_rows: requests by route of ours and raw in update and rotate (first repetition).
route_rows() {
  local n c v
  for n in $sizes; do
    for c in update rotate; do
      for v in ours raw; do
        local stats
        stats=$(awk -F'\t' -v n="$n" -v v="$v" -v c="$c" '$1 == n && $2 == v && $3 == c && $4 == 1 { print $5; exit }' "$work/routes.tsv")
        [ -n "$stats" ] || continue
        echo "| $n | $c | $v | $(jq -r 'to_entries | sort_by(-.value) | map("\(.key): \(.value)") | join(", ")' <<<"$stats") |"
      done
    done
  done
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
{
  echo "# Benchmark: the provider against its floor"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'); variants: $variants; repetitions: $repeat_note."
  echo
  echo "- Machine: $(nproc) CPU cores ($cpu), $mem memory, $(uname -sr). **Shared**: other work ran at the same time."
  echo "  Load average before the run: $load_before; after: $load_after; 1-minute load at the start of each command: $loads."
  echo "  Wall times are noisy; CPU seconds less so; the interleaving exposes all variants to the same noise."
  echo "- $(go version | cut -d' ' -f3-), $(TF_CLI_CONFIG_FILE="$work/v/tfdata/terraformrc" "$TERRAFORM" version | head -1), terraform-plugin-framework $(go list -m -f '{{.Version}}' github.com/hashicorp/terraform-plugin-framework)"
  echo "- Providers run as Terraform launches them (dev_overrides to a built binary; not debug mode), each process under"
  echo "  /usr/bin/time -v: provider CPU is the sum over the command's provider processes, peak RSS the largest."
  echo "  Terraform CPU excludes the providers'. No TF_LOG* variable was set."
  echo "- ours: as shipped. ours-sdklogs: ours with TF_LOG_SDK, TF_LOG_SDK_FRAMEWORK, TF_LOG_SDK_PROTO=TRACE (the SDK's default, what ours did before it chose its log levels)."
  echo "  floor: bench/floorprovider, the same framework with the real provider and resource schemas (validators, plan modifiers,"
  echo "  defaults) and config validators, no ModifyPlan, no I/O; the SDK logging as the framework ships it. floor-quiet: the floor"
  echo "  with the SDK's TRACE logs off, as ours turns them off. tfdata: \`terraform_data\` with the same values (no provider process)."
  echo "- Sandbox: current generation, no faults, one per netmaker variant; configuration: bench/keys.tf (mixed unlimited / uses / time_bound keys)."
  echo "  apply and destroy: -parallelism=$parallelism; refresh: plan -refresh-only; changes: plan adding a tag to every key (N in-place updates); destroy: -refresh=false."
  echo "  update: apply -refresh=false of that change; rotate: apply -refresh=false changing every key's regenerate_trigger (both -parallelism=$parallelism,"
  echo "  with the sandbox latency \`$latency\`, see below). raw: bench/rawhttp making the same writes on its own sandbox, update and rotate only."
  [ "$profile" = 1 ] && echo "- BENCH_PROFILE=1: every provider process (ours and the floors alike) ran with Go's CPU profiler on (100 Hz sampling)."
  echo "- Every figure is the median of the repetitions (each measure on its own; refresh-naive ran once). One list of the keys: ${list_sizes}."
  echo
  echo "## Wall time: ours against the floor"
  echo
  echo "| N | command | ours | floor | ours / floor | floor-quiet | ours / floor-quiet | terraform_data | ours-sdklogs | ours-sdklogs / floor |"
  echo "|---|---------|------|-------|--------------|-------------|--------------------|----------------|--------------|----------------------|"
  summary_rows
  echo
  echo "## CPU seconds (terraform + provider): ours against the floor"
  echo
  echo "The same comparison in CPU seconds, which the machine's load disturbs far less than wall time."
  echo
  echo "| N | command | ours | floor | ours / floor | floor-quiet | ours / floor-quiet | terraform_data | ours-sdklogs | ours-sdklogs / floor |"
  echo "|---|---------|------|-------|--------------|-------------|--------------------|----------------|--------------|----------------------|"
  cpu_summary_rows
  echo
  echo "## CPU and memory per command"
  echo
  echo "| N | command | variant | wall time | terraform CPU | provider CPU | provider CPU / floor's | provider processes | provider peak RSS | sandbox CPU |"
  echo "|---|---------|---------|-----------|---------------|--------------|------------------------|--------------------|-------------------|-------------|"
  cpu_rows
  if has ours && has raw; then
    echo
    echo "## Writes to existing keys, with a real server's latency: ours against raw HTTP"
    echo
    echo "update (a device tag added to every key) and rotate (every regenerate_trigger changed) are \`terraform apply -refresh=false -parallelism=$parallelism\`;"
    echo "raw HTTP is bench/rawhttp sending the same writes at the same parallelism (one key list, then N PUTs or N regenerates) and nothing else."
    echo "While they run, every sandbox takes a real server's time (BENCH_LATENCY=$latency: ${latency_model%%,*} per request and ${latency_model#*,} per key listed,"
    echo "one request at a time; netmakertest.RealServerLatency says how it was calibrated); the floors have no server."
    echo "floor-quiet + raw HTTP adds Terraform's own time for the same apply (no I/O) to the server's: a reference, not a bound (they overlap)."
    echo
    echo "| N | command | ours | raw HTTP | ours / raw HTTP | floor-quiet | ours / floor-quiet | floor-quiet + raw HTTP | ours / (floor-quiet + raw) | terraform_data |"
    echo "|---|---------|------|----------|-----------------|-------------|--------------------|------------------------|----------------------------|----------------|"
    write_rows
    echo
    echo "CPU seconds of the same commands: ours (terraform + provider) against floor-quiet, and the provider's own CPU against the raw client's."
    echo
    echo "| N | command | ours | floor-quiet | ours / floor-quiet | ours' provider | raw HTTP client | provider / raw |"
    echo "|---|---------|------|-------------|--------------------|----------------|-----------------|----------------|"
    write_cpu_rows
    echo
    echo "Requests by route (counted by the sandboxes, first repetition):"
    echo
    echo "| N | command | variant | requests |"
    echo "|---|---------|---------|----------|"
    route_rows
  fi
  if has ours; then
    echo
    echo "## Requests (ours)"
    echo
    echo "Counted by the sandbox. refresh-naive: the provider built with -tags benchnaive, one list per read, against the list cache (refresh)."
    echo
    echo "| N | command | list calls | requests | create requests |"
    echo "|---|---------|------------|----------|-----------------|"
    request_rows
  fi
  if [ -f bench/notes.md ]; then
    echo
    cat bench/notes.md
  fi
} >"$out.tmp"
mv "$out.tmp" "$out"
cp "$work/records.tsv" "${out%.md}.tsv"
log "wrote $out and ${out%.md}.tsv"

if [ "$profile" = 1 ]; then
  mkdir -p "$profile_out"
  for v in $variants; do
    [ "${kind[$v]}" = tfdata ] && continue
    for n in $sizes; do
      for c in apply refresh changes destroy; do
        mapfile -t profs < <(find "$work/v/$v/prof" -path "*/$n-$c-[0-9]*/*.pprof" -size +0 2>/dev/null | sort)
        [ "${#profs[@]}" -gt 0 ] || continue
        go tool pprof -top -nodecount=40 "$work/bin/${kind[$v]/netmaker/ours}" "${profs[@]}" >"$profile_out/$v-$n-$c.top.txt" 2>/dev/null || true
        go tool pprof -top -cum -nodecount=60 "$work/bin/${kind[$v]/netmaker/ours}" "${profs[@]}" >"$profile_out/$v-$n-$c.cum.txt" 2>/dev/null || true
      done
    done
  done
  log "profiles in $profile_out"
fi
cat "$out"
