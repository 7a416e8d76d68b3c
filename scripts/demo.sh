#!/usr/bin/env bash
# `make demo`: builds the provider and the Netmaker sandbox, starts the sandbox,
# applies examples/demo with the freshly built provider (dev_overrides), rotates a
# key's token in place, prints the non-secret outputs, destroys everything and
# stops the sandbox. Works offline on a machine with Go and terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

terraform="${TERRAFORM:-$(command -v terraform || true)}"
if [ -z "$terraform" ]; then
  echo "demo: no terraform on PATH; run it through 'make demo', which installs one" >&2
  exit 1
fi

if [ -t 1 ]; then
  say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  say() { printf '\n==> %s\n' "$*"; }
fi

work="$root/.demo"
rm -rf "$work"
mkdir -p "$work/plugins" "$work/config"

say "building the provider into $work/plugins"
go build -o "$work/plugins/terraform-provider-netmaker" .

say "building the Netmaker sandbox (internal/netmakertest/cmd/netmaker-sandbox)"
go build -o "$work/netmaker-sandbox" ./internal/netmakertest/cmd/netmaker-sandbox

master_key="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
say "starting the sandbox (generation current) on a free port"
"$work/netmaker-sandbox" -listen 127.0.0.1:0 -generation current -master-key "$master_key" \
  >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
cleanup() {
  status=$?
  if kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "==> stopping the sandbox (pid $sandbox_pid)"
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "demo failed (exit $status); sandbox log: $work/sandbox.err" >&2
  fi
}
trap cleanup EXIT

host=$(wait_for_line "demo: the sandbox" "$work/sandbox.out" "$sandbox_pid" '1s/^NETMAKER_HOST=//p' 100 "$work/sandbox.err")
echo "sandbox listening at $host"

export NETMAKER_HOST="$host"
export NETMAKER_API_TOKEN="$master_key"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_CLI_CONFIG_FILE="$work/config/terraformrc"
cat >"$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/netmaker-terraform/netmaker" = "$work/plugins"
  }
  direct {}
}
RC
echo "terraform: $terraform ($("$terraform" version | head -1)); CLI config with dev_overrides: $TF_CLI_CONFIG_FILE"

cp -r examples/demo "$work/config-dir"
tf() { "$terraform" -chdir="$work/config-dir" "$@"; }

say "terraform apply: a network, a contractor key with a 720h TTL, a fleet key with regenerate_trigger = \"1\""
tf apply -auto-approve -input=false -no-color -compact-warnings -var rotation=1

say "outputs (non-secret)"
tf output -no-color
first_fingerprint=$(tf output -no-color -json fleet_key | sed -n 's/.*"token_fingerprint":"\([^"]*\)".*/\1/p')

say "terraform plan with regenerate_trigger = \"2\": an in-place update, no replacement"
tf plan -input=false -no-color -compact-warnings -var rotation=2 -out="$work/rotate.tfplan" | tee "$work/rotate-plan.txt"
if ! grep -q "0 to add, 1 to change, 0 to destroy" "$work/rotate-plan.txt"; then
  echo "demo: rotating the token should be exactly one in-place change" >&2
  exit 1
fi

say "terraform apply the rotation"
tf apply -input=false -no-color -compact-warnings "$work/rotate.tfplan"
tf output -no-color fleet_key
second_fingerprint=$(tf output -no-color -json fleet_key | sed -n 's/.*"token_fingerprint":"\([^"]*\)".*/\1/p')
if [ -z "$first_fingerprint" ] || [ "$first_fingerprint" = "$second_fingerprint" ]; then
  echo "demo: the fleet key's token did not change ($first_fingerprint -> $second_fingerprint)" >&2
  exit 1
fi
echo "fleet key token rotated in place: fingerprint $first_fingerprint -> $second_fingerprint (same id, same name)"

say "terraform plan: nothing left to do"
tf plan -input=false -no-color -detailed-exitcode -var rotation=2 >"$work/clean-plan.txt" || {
  cat "$work/clean-plan.txt"
  echo "demo: the plan after apply is not empty" >&2
  exit 1
}
echo "No changes."

if command -v curl >/dev/null; then
  say "sandbox request counts (GET $host/sandbox/stats)"
  curl -fsS "$host/sandbox/stats" || true
  echo
fi

say "terraform destroy"
tf destroy -auto-approve -input=false -no-color -compact-warnings -var rotation=2

say "demo finished"
