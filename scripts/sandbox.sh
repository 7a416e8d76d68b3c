#!/usr/bin/env bash
# `make sandbox`: builds the provider and the Netmaker sandbox (the repository's test server,
# internal/netmakertest, which reproduces Netmaker's API), starts the sandbox in the foreground
# with the networks the README's and the guides' snippets use, and prints the environment that
# points Terraform at it and at the freshly built provider (dev_overrides). Ctrl-C stops it; its
# keys live in memory and go with it.
#
# SANDBOX_GENERATION (current), SANDBOX_NETWORKS and SANDBOX_LISTEN (127.0.0.1:0, a free port)
# change what it starts; SANDBOX_DIR (./.sandbox) is where it builds and writes the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

generation="${SANDBOX_GENERATION:-current}"
networks="${SANDBOX_NETWORKS:-prod,office,ci,iot-network,lab}"
listen="${SANDBOX_LISTEN:-127.0.0.1:0}"
work="${SANDBOX_DIR:-$root/.sandbox}"
# The version terraform init finds in the filesystem mirror below.
version="${SANDBOX_PROVIDER_VERSION:-0.1.0}"
platform="$(go env GOOS)_$(go env GOARCH)"
mirror="$work/mirror"
rm -rf "$mirror"
mkdir -p "$work/plugins" "$mirror/registry.terraform.io/netmaker-terraform/netmaker/$version/$platform"

echo ">> building the provider into $work/plugins and the sandbox"
go build -o "$work/plugins/terraform-provider-netmaker" .
go build -o "$work/netmaker-sandbox" ./internal/netmakertest/cmd/netmaker-sandbox
cp "$work/plugins/terraform-provider-netmaker" \
  "$mirror/registry.terraform.io/netmaker-terraform/netmaker/$version/$platform/terraform-provider-netmaker_v$version"

# dev_overrides: every command uses the provider just built. The filesystem mirror lets
# terraform init (which still looks for a published version) succeed offline.
rc="$work/terraformrc"
cat >"$rc" <<RC
# Written by make sandbox: Terraform uses the provider built from this tree.
provider_installation {
  dev_overrides {
    "registry.terraform.io/netmaker-terraform/netmaker" = "$work/plugins"
  }
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/netmaker-terraform/netmaker"]
  }
  direct {
    exclude = ["registry.terraform.io/netmaker-terraform/netmaker"]
  }
}
RC

master_key="sandbox-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
: >"$work/sandbox.out"
"$work/netmaker-sandbox" -listen "$listen" -generation "$generation" -master-key "$master_key" \
  -networks "$networks" >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
stop() {
  trap - INT TERM
  kill -TERM "$sandbox_pid" 2>/dev/null || true
  wait "$sandbox_pid" 2>/dev/null || true
  rm -f "$work/env"
  echo
  echo ">> sandbox stopped"
  exit 0
}
trap stop INT TERM

host=$(wait_for_line "the sandbox" "$work/sandbox.out" "$sandbox_pid" '1s/^NETMAKER_HOST=//p' 300 "$work/sandbox.err")
cat >"$work/env" <<ENV
export NETMAKER_HOST=$host
export NETMAKER_API_TOKEN=$master_key
export TF_CLI_CONFIG_FILE=$rc
ENV

cat <<MSG

Netmaker sandbox ($generation generation) at $host, with networks ${networks//,/, }
(each with the enrollment key Netmaker generates for it).

In another shell, run these lines (or: . $work/env), then terraform init && terraform apply
in a directory holding the README's quick start:

$(cat "$work/env")

TF_CLI_CONFIG_FILE points Terraform at the provider built from this tree (dev_overrides, so
Terraform warns that overrides are in effect). Ctrl-C stops the sandbox.
MSG

# Returns when a signal cuts it short (then stop runs) or the sandbox exits: on Ctrl-C the
# terminal signals the sandbox too, which stops cleanly (status 0).
status=0
wait "$sandbox_pid" || status=$?
if [ "$status" -eq 0 ]; then
  stop
fi
cat "$work/sandbox.err" >&2
echo "the sandbox exited with status $status" >&2
exit "$status"
