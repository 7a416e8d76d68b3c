#!/usr/bin/env bash
# Fails when docs/ is invalid (tfplugindocs validate) or stale (regenerating it from
# templates/, examples/ and the provider schema gives something different), or when a region
# of README.md or templates/ that docgen renders from the code is stale.
# tfplugindocs reads the schema with the terraform on PATH (offline; never pass --tf-version),
# which must be 1.14 or later (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

tfplugindocs=(go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0)
export CHECKPOINT_DISABLE=1

# The docs are generated with Terraform >= 1.14 (make docs-check puts bin/terraform-latest
# first on PATH): older versions' `providers schema -json` leaves out resource identities,
# list resources and actions, so their pages would differ.
tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p')
tf_minor=$(cut -d. -f2 <<<"$tf_version")
if [ "$(cut -d. -f1 <<<"$tf_version")" = 1 ] && [ "${tf_minor:-0}" -lt 14 ]; then
  echo "docs-check needs terraform >= 1.14 on PATH (this is $tf_version): run it as make docs-check, which builds bin/terraform-latest" >&2
  exit 1
fi

echo ">> generated regions of README.md and templates/ (internal/docgen)"
go run ./internal/docgen/cmd/docgen -check

# A directory of its own per run: ./bin may be shared by several checkouts (a worktree's link).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo ">> tfplugindocs validate"
"${tfplugindocs[@]}" validate --provider-name netmaker >"$work/validate.log" 2>&1 || {
  cat "$work/validate.log" >&2
  echo "tfplugindocs validate failed" >&2
  exit 1
}

# tfplugindocs joins --rendered-website-dir to the provider directory: pass it relative.
out=$(realpath --relative-to=. "$work/docs")
echo ">> regenerating docs into $out"
"${tfplugindocs[@]}" generate --provider-name netmaker --rendered-website-dir "$out" >"$work/generate.log" 2>&1 || {
  cat "$work/generate.log" >&2
  exit 1
}

echo ">> comparing docs/ with the regenerated copy"
if ! diff -ru docs "$out"; then
  echo "docs/ is stale: run 'make docs' and commit the result" >&2
  exit 1
fi
echo ">> docs/ is up to date"
