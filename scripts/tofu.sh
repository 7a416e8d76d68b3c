#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy (no download site needed) and runs the
# provider's acceptance tests with it (`make testacc-tofu`; BUILD_ONLY=1 only builds).
# Idempotent: an existing bin/tofu of the wanted version is reused.
#
# OpenTofu cannot be built with a plain `go install ...@version` because its go.mod
# has a replace directive (hcl/v2 -> opentofu/hcl/v2). So we build it through a tiny
# wrapper module that requires OpenTofu and repeats that replace.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
# Keep in step with the replace in OpenTofu's own go.mod for TOFU_VERSION.
HCL_REPLACE="github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828"

tofu="$root/bin/tofu"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
use_empty_cli_config "$root"

# build_tofu WORK builds OpenTofu $TOFU_VERSION into $tofu through a wrapper module in WORK.
build_tofu() {
  local work=$1
  cat >"$work/go.mod" <<GOMOD
module tofubuild

go 1.26

require github.com/opentofu/opentofu $TOFU_VERSION

replace $HCL_REPLACE
GOMOD
  (
    cd "$work"
    go get "github.com/opentofu/opentofu/cmd/tofu@$TOFU_VERSION"
    # As OpenTofu's release builds do: without dev=no it calls itself "-dev".
    go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
      -o "$tofu" github.com/opentofu/opentofu/cmd/tofu
  )
}

build_unless_current "$tofu" "OpenTofu ${TOFU_VERSION}" build_tofu

if [ "${BUILD_ONLY:-0}" = "1" ]; then
  exit 0
fi

echo ">> acceptance tests under OpenTofu (TF_ACC_TERRAFORM_PATH=$tofu, TF_ACC_PROVIDER_HOST=registry.opentofu.org)"
TF_ACC=1 TF_ACC_TERRAFORM_PATH="$tofu" TF_ACC_PROVIDER_HOST=registry.opentofu.org \
  go test -count=1 -timeout "${TEST_TIMEOUT:-60m}" ${TESTARGS:-} ./internal/provider/...
