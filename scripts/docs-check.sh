#!/usr/bin/env bash
# Fails when docs/ is invalid (tfplugindocs validate) or stale (regenerating it from
# templates/, examples/ and the provider schema gives something different).
# tfplugindocs reads the schema with the terraform on PATH (offline; never pass --tf-version).
set -euo pipefail
cd "$(dirname "$0")/.."

tfplugindocs=(go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0)
export CHECKPOINT_DISABLE=1

echo ">> tfplugindocs validate"
mkdir -p bin
"${tfplugindocs[@]}" validate --provider-name netmaker >bin/docs-validate.log 2>&1 || {
  cat bin/docs-validate.log >&2
  echo "tfplugindocs validate failed" >&2
  exit 1
}

out=bin/docs-check
rm -rf "$out"
mkdir -p "$out"
echo ">> regenerating docs into $out"
"${tfplugindocs[@]}" generate --provider-name netmaker --rendered-website-dir "$out" >"$out.log" 2>&1 || {
  cat "$out.log" >&2
  exit 1
}

# Terraform before 1.10 has no ephemeral resources: its `providers schema -json`
# leaves them out, so tfplugindocs cannot render their pages. With such a
# terraform (the v1.5.7 fallback), compare everything else and say so.
exclude=()
tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p')
tf_minor=$(cut -d. -f2 <<<"$tf_version")
if [ "$(cut -d. -f1 <<<"$tf_version")" = 1 ] && [ "${tf_minor:-0}" -lt 10 ]; then
  echo ">> terraform $tf_version has no ephemeral resources: docs/ephemeral-resources is not compared (needs terraform >= 1.10)"
  exclude=(-x ephemeral-resources)
fi

echo ">> comparing docs/ with the regenerated copy"
if ! diff -ru "${exclude[@]}" docs "$out"; then
  echo "docs/ is stale: run 'make docs' and commit the result" >&2
  exit 1
fi
echo ">> docs/ is up to date"
