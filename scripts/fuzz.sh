#!/usr/bin/env bash
# Runs every Go fuzz target in the module briefly (FUZZTIME each, default 10s).
# Targets are discovered with `go test -list`, so new ones are picked up automatically.
# Their seed corpora (testdata/fuzz/...) also run as ordinary tests in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-10s}"

# corpus_files lists what the target's corpus folder holds: go test -fuzz writes a
# failing input there before it fails.
corpus_files() { ls "$1/testdata/fuzz/$2" 2>/dev/null || true; }

# fuzz_one fails when go test finds a failing input. Under load, go test -fuzz
# sometimes exits non-zero with no input written (a worker caught by the -fuzztime
# deadline mid-run: "--- FAIL" and nothing else). That run is tried once more, and the
# target fails only if it fails again.
fuzz_one() {
  local dir=$1 pkg=$2 target=$3 before attempt
  for attempt in 1 2; do
    before=$(corpus_files "$dir" "$target")
    if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"; then
      return 0
    fi
    if [ "$(corpus_files "$dir" "$target")" != "$before" ]; then
      echo ">> $target: failing input written to $dir/testdata/fuzz/$target" >&2
      return 1
    fi
    [ "$attempt" -eq 1 ] && echo ">> $target failed with no failing input written (the toolchain's deadline flake): once more" >&2
  done
  return 1
}
found=0
while read -r dir pkg; do
  # Compile only packages whose tests declare a fuzz target.
  grep -qs '^func Fuzz' "$dir"/*_test.go || continue
  # `go test -list` prints matching names, then an "ok" line; keep the names.
  listed=$(go test -list '^Fuzz' "$pkg")
  targets=$(grep '^Fuzz' <<<"$listed" || true)
  for target in $targets; do
    found=$((found + 1))
    echo ">> fuzz $pkg $target for $fuzztime"
    fuzz_one "$dir" "$pkg" "$target"
  done
done < <(go list -f '{{.Dir}} {{.ImportPath}}' ./...)
if [ "$found" -eq 0 ]; then
  echo ">> no fuzz targets found"
else
  echo ">> $found fuzz targets ran for $fuzztime each without failure"
fi
