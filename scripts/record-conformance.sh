#!/usr/bin/env bash
# Records how a real Netmaker server answers a fixed list of exchanges, as the
# evidence that internal/netmakertest imitates it (issue 24).
#
#   NETMAKER_HOST=http://127.0.0.1:8081 NETMAKER_API_TOKEN=<master key> \
#     scripts/record-conformance.sh GENERATION        # v1.5 or current
#
# The server must be fresh (no network, key or user) and NETMAKER_API_TOKEN its
# master key. The exchanges (conformanceSteps in
# internal/netmakertest/conformance_record_test.go: networks, key list, create of
# every type and setting, update, regenerate, delete, the network-default route,
# error answers, 401s, login and access tokens) are written to
# internal/netmakertest/testdata/conformance/GENERATION/exchanges.json, or to
# $CONFORMANCE_OUT, with key values, tokens, credentials, the token host and
# instants replaced by placeholders named by role; the recorder refuses to
# write a file that holds a credential. TestConformance (in `make test`)
# replays them on the test server; CONFORMANCE_DIR=<folder> replays another
# recording (a folder with exchanges.json, or with GENERATION/exchanges.json).
#
# NETMAKER_SOURCE names what the server was built from; it defaults to the
# sources of the committed recordings:
#   v1.5     gravitl/netmaker tag v1.5.1, commit f8a0cfd74435169909490cca97ed3698cdb68e84
#   current  gravitl/netmaker branch develop, commit ce74df07499cf710d1a69c00fe127d013e59b6b5
#            (2026-06-01, "build(deps): bump go.opentelemetry.io/otel ... (#4031)")
# Fresh recordings from servers built from these sources, and their replay, are
# dated in internal/netmakertest/testdata/conformance/README.md (2026-12-07:
# equal to the committed ones, replay passed on v1.5 and current).
#
# A server from source: `CGO_ENABLED=1 go build` at the root of a checkout of
# gravitl/netmaker (about 5 minutes); run it with sqlite, Debian's mosquitto as
# its broker (without one it exits after about 30 s), TELEMETRY=off and
# PUBLIC_IP_SERVICE pointing at a loopback stub (it asks for its public IP
# whenever it makes a token).
set -euo pipefail

usage() { echo "usage: NETMAKER_HOST=... NETMAKER_API_TOKEN=... $0 v1.5|current" >&2; exit 2; }
[ $# -eq 1 ] || usage
generation=$1
case $generation in
  v1.5) default_source="gravitl/netmaker v1.5.1 (f8a0cfd74435169909490cca97ed3698cdb68e84)" ;;
  current) default_source="gravitl/netmaker develop (ce74df07499cf710d1a69c00fe127d013e59b6b5)" ;;
  *) echo "unknown generation '$generation': record v1.5 or current (v1.7 has no server to record)" >&2; usage ;;
esac
: "${NETMAKER_HOST:?set NETMAKER_HOST to the server's base URL, e.g. http://127.0.0.1:8081}"
: "${NETMAKER_API_TOKEN:?set NETMAKER_API_TOKEN to the server's master key}"

root=$(cd "$(dirname "$0")/.." && pwd)
out=${CONFORMANCE_OUT:-$root/internal/netmakertest/testdata/conformance/$generation}
mkdir -p "$out"
out=$(cd "$out" && pwd)

cd "$root"
CONFORMANCE_RECORD=$generation CONFORMANCE_OUT=$out \
  NETMAKER_SOURCE=${NETMAKER_SOURCE:-$default_source} \
  NETMAKER_HOST=$NETMAKER_HOST NETMAKER_API_TOKEN=$NETMAKER_API_TOKEN \
  go test ./internal/netmakertest/ -run '^TestRecordConformance$' -count=1 -v -timeout 10m
echo ">> recorded $generation into $out/exchanges.json; replay it with:"
echo "   CONFORMANCE_DIR=$out go test ./internal/netmakertest/ -run '^TestConformance$' -count=1"
