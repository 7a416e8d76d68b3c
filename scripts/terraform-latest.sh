#!/usr/bin/env bash
# Builds Terraform TERRAFORM_LATEST_VERSION (default v1.15.0) from the Go module proxy into
# bin/terraform-latest, then (unless BUILD_ONLY=1) runs the provider's acceptance tests with it:
# `make terraform-latest` builds, `make testacc-latest` builds and tests.
#
# Terraform >= 1.14 cannot be built with a plain `go install ...@version`: its go.mod replaces
# nine remote-state backend modules (internal/backend/remote-state/{azure,consul,...}) and
# internal/legacy with directories the module zip does not contain. So we build it through a
# wrapper module that requires Terraform and replaces each of those module paths with a stand-in
# generated here: a package with the same import path whose New() returns the in-memory backend
# (those backends are unusable in this build; the tests use local state), and an empty package for
# internal/legacy. The list of replaced paths is read from Terraform's own go.mod, so a newer
# Terraform that drops or adds one still builds (or fails loudly on an unknown kind).
#
# Idempotent: an existing bin/terraform-latest that reports the wanted version is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

VERSION="${TERRAFORM_LATEST_VERSION:-v1.15.0}"
tf="$root/bin/terraform-latest"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
use_empty_cli_config "$root"

# build_terraform WORK builds Terraform $VERSION into $tf through a wrapper module in WORK.
build_terraform() {
  local work=$1
  src=$(go mod download -json github.com/hashicorp/terraform@"$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  # The local replaces in Terraform's go.mod: "replace <path> => ./<dir>".
  mapfile -t replaced < <(sed -n 's#^replace \(github.com/hashicorp/terraform/[^ ]*\) => \./.*#\1#p' "$src/go.mod")
  if [ "${#replaced[@]}" -eq 0 ]; then
    echo "!! no local replaces found in $src/go.mod: the stand-in scheme needs updating" >&2
    exit 1
  fi

  replaces=""
  for path in "${replaced[@]}"; do
    dir="$work/standin/${path#github.com/hashicorp/terraform/}"
    mkdir -p "$dir"
    printf 'module %s\n\ngo 1.25\n\nrequire github.com/hashicorp/terraform %s\n' "$path" "$VERSION" >"$dir/go.mod"
    pkg=$(basename "$path")
    case "$path" in
    */internal/backend/remote-state/*)
      cat >"$dir/backend.go" <<GO
// Package $pkg stands in for Terraform's $pkg state backend, which the module zip lacks.
// It answers with the in-memory backend; this Terraform is for tests with local state.
package $pkg

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/inmem"
)

func New() backend.Backend { return inmem.New() }
GO
      ;;
    */internal/legacy)
      printf '// Package legacy stands in for the module Terraform only uses in its tests.\npackage legacy\n' >"$dir/doc.go"
      ;;
    *)
      echo "!! Terraform $VERSION replaces $path, which this script has no stand-in for" >&2
      exit 1
      ;;
    esac
    replaces+="replace $path => ./standin/${path#github.com/hashicorp/terraform/}"$'\n'
  done

  cat >"$work/go.mod" <<GOMOD
module terraformbuild

go 1.26

require github.com/hashicorp/terraform $VERSION

$replaces
GOMOD
  (
    cd "$work"
    go get github.com/hashicorp/terraform@"$VERSION"
    # As Terraform's release builds do: without dev=no it calls itself "-dev".
    nice go build -trimpath -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$tf.tmp" github.com/hashicorp/terraform
    mv "$tf.tmp" "$tf"
  )
}

build_unless_current "$tf" "Terraform ${VERSION}" build_terraform

# For tools that look `terraform` up on PATH (tfplugindocs in make docs): bin/latest/terraform.
mkdir -p "$root/bin/latest"
ln -sfn ../terraform-latest "$root/bin/latest/terraform"

if [ "${BUILD_ONLY:-0}" = "1" ]; then
  exit 0
fi

echo ">> acceptance tests under $("$tf" version | head -1) (TF_ACC_TERRAFORM_PATH=$tf)"
TF_ACC=1 TF_ACC_TERRAFORM_PATH="$tf" \
  go test -count=1 -timeout "${TEST_TIMEOUT:-60m}" ${TESTARGS:-} ./internal/provider/... ./internal/docscheck/
