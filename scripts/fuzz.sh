#!/usr/bin/env bash
# Runs every Go fuzz target in the module briefly (FUZZTIME each, default 10s).
# Targets are discovered with `go test -list`, so new ones are picked up automatically.
# Their seed corpora (testdata/fuzz/...) also run as ordinary tests in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-10s}"
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
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
  done
done < <(go list -f '{{.Dir}} {{.ImportPath}}' ./...)
if [ "$found" -eq 0 ]; then
  echo ">> no fuzz targets found"
else
  echo ">> $found fuzz targets ran for $fuzztime each without failure"
fi
