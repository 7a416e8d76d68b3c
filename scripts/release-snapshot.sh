#!/usr/bin/env bash
# `make release-snapshot`: what goreleaser does with .goreleaser.yml for a release, without
# publishing, then checks the result as the Terraform Registry would:
#   - a zip per platform of .goreleaser.yml holding terraform-provider-netmaker_v<version>
#     (built with CGO_ENABLED=0, -trimpath, -ldflags "-s -w -X main.version=<version>") and the
#     README and CHANGELOG (goreleaser's default archive files);
#   - terraform-provider-netmaker_<version>_manifest.json (terraform-registry-manifest.json);
#   - terraform-provider-netmaker_<version>_SHA256SUMS over the zips and the manifest;
#   - terraform-provider-netmaker_<version>_SHA256SUMS.sig, a detached binary signature made with a
#     throwaway RSA key generated for the run (its public key is left beside it, *_signing-key.asc);
# then verifies the signature with that public key alone, the checksums, the manifest, and that
# each zip holds exactly the binary and the two files, a static binary for its platform (its Go
# build information) that reports its version: run with -version where this machine can run it
# (always its own platform), found in the binary elsewhere.
#
# goreleaser itself (v2.18.2) cannot be built here: it needs Go >= 1.27.1 and this is 1.26. This
# script does its steps instead and refuses to run when .goreleaser.yml says something it does not
# implement (see expect_config below), so the two cannot drift apart silently.
#
# RELEASE_PLATFORMS="linux_amd64 darwin_arm64" builds only those (CI's cheap form); each must be
# one of .goreleaser.yml's. VERSION overrides the snapshot version. Output: dist/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

config=.goreleaser.yml
project=terraform-provider-netmaker
dist="$root/dist"
started=$(date +%s)
# Each step's line says when it started, in seconds since the script did.
say() { echo ">> [$(($(date +%s) - started))s] $*"; }

for tool in gpg gpgv zip unzip sha256sum git; do
  command -v "$tool" >/dev/null || {
    echo "release-snapshot: needs $tool (Debian: apt-get install gnupg zip unzip coreutils git)" >&2
    exit 1
  }
done

# --- The configuration this script implements ---------------------------------------------------
expect_config() {
  local line
  for line in \
    'project_name: terraform-provider-netmaker' \
    '- go mod tidy' \
    '- CGO_ENABLED=0' \
    '- -trimpath' \
    '- "-s -w -X main.version={{ .Version }}"' \
    'binary: "{{ .ProjectName }}_v{{ .Version }}"' \
    '- formats: [zip]' \
    'name_template: "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"' \
    '- glob: terraform-registry-manifest.json' \
    'name_template: "{{ .ProjectName }}_{{ .Version }}_manifest.json"' \
    'name_template: "{{ .ProjectName }}_{{ .Version }}_SHA256SUMS"' \
    'algorithm: sha256' \
    '- artifacts: checksum' \
    '- "--detach-sign"'; do
    if ! grep -qF -- "$line" "$config"; then
      echo "release-snapshot: $config no longer says '$line', which this script implements: update scripts/release-snapshot.sh" >&2
      exit 1
    fi
  done
}
expect_config

# The goos and goarch lists of the build, and its ignore pairs, from the configuration's
# builds section ("- value" items under "goos:" and "goarch:", "- goos: x" / "goarch: y" pairs).
config_targets() {
  awk '
    /^[^ #]/ { in_builds = ($0 ~ /^builds:/) }
    !in_builds { next }
    /^ +goos:$/   { list = "goos"; next }
    /^ +goarch:$/ { list = "goarch"; next }
    /^ +ignore:$/ { list = "ignore"; next }
    /^ +[a-z_]+:/ && list != "ignore" { list = "" }
    list == "goos"   && /^ +- / { v = $2; gsub(/"/, "", v); os[++nos] = v }
    list == "goarch" && /^ +- / { v = $2; gsub(/"/, "", v); arch[++narch] = v }
    list == "ignore" && /^ +- goos:/ { ig_os = $3 }
    list == "ignore" && /^ +goarch:/ { v = $2; gsub(/"/, "", v); ignored[ig_os "_" v] = 1 }
    END {
      for (i = 1; i <= nos; i++) for (j = 1; j <= narch; j++) {
        t = os[i] "_" arch[j]
        if (!(t in ignored)) print t
      }
    }' "$config"
}
mapfile -t configured < <(config_targets)
if [ "${#configured[@]}" -lt 2 ]; then
  echo "release-snapshot: found ${#configured[@]} build targets in $config; the parser needs updating" >&2
  exit 1
fi
# goreleaser skips the pairs Go cannot build (darwin/arm, and windows/arm since Go 1.26).
mapfile -t buildable < <(go tool dist list | tr / _)
targets=()
for t in "${configured[@]}"; do
  if printf '%s\n' "${buildable[@]}" | grep -qx "$t"; then
    targets+=("$t")
  else
    say "skipping $t: $(go version | cut -d' ' -f3) cannot build it (goreleaser skips it too)"
  fi
done
if [ -n "${RELEASE_PLATFORMS:-}" ]; then
  for t in $RELEASE_PLATFORMS; do
    if ! printf '%s\n' "${targets[@]}" | grep -qx "$t"; then
      echo "release-snapshot: RELEASE_PLATFORMS names $t, which is not a platform $config builds here" >&2
      exit 1
    fi
  done
  read -r -a targets <<<"$RELEASE_PLATFORMS"
fi

# --- Version, as a goreleaser snapshot names it --------------------------------------------------
if commit=$(git rev-parse --short HEAD 2>/dev/null); then
  commit_time=$(git log -1 --format=%ct)
  tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || echo v0.0.0)
else
  commit=local commit_time=$(date +%s) tag=v0.0.0
fi
version="${VERSION:-${tag#v}-SNAPSHOT-$commit}"
say "$project $version: ${#targets[@]} platforms: ${targets[*]}"

# --- before hooks: go mod tidy (checked, not applied: a release is made from a tidy tree) -------
say "go mod tidy -diff"
go mod tidy -diff

# --- builds and archives -------------------------------------------------------------------------
rm -rf "$dist"
mkdir -p "$dist"
stamp() { touch -d "@$commit_time" "$@"; } # goreleaser's mod_timestamp: the commit time
for t in "${targets[@]}"; do
  goos=${t%_*} goarch=${t#*_}
  exe=""
  [ "$goos" = windows ] && exe=.exe
  dir="$dist/${project}_${t}"
  bin="${project}_v${version}${exe}"
  mkdir -p "$dir"
  say "building $t"
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOARM=6 \
    go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$dir/$bin" .
  cp README.md CHANGELOG.md "$dir/"
  stamp "$dir"/*
  (cd "$dir" && zip -q -X "$dist/${project}_${version}_${t}.zip" "$bin" README.md CHANGELOG.md)
done

# --- checksums (with the registry manifest) and signature ---------------------------------------
manifest="${project}_${version}_manifest.json"
sums="${project}_${version}_SHA256SUMS"
cp terraform-registry-manifest.json "$dist/$manifest"
(cd "$dist" && sha256sum -- *.zip "$manifest" | LC_ALL=C sort -k2 >"$sums")

tmp=$(mktemp -d)
export GNUPGHOME="$tmp/gnupg"
mkdir -m 700 "$GNUPGHOME"
printf 'no-auto-check-trustdb\ntrust-model always\n' >"$GNUPGHOME/gpg.conf"
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
say "generating a throwaway RSA signing key"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-generate-key "release-snapshot <release-snapshot@invalid>" rsa4096 sign 1d
GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr:/ { print $10; exit }')
gpg --batch --armor --export "$GPG_FINGERPRINT" >"$dist/${project}_${version}_signing-key.asc"
# The signs step of .goreleaser.yml, with ${artifact} and ${signature} filled in.
gpg --batch --local-user "$GPG_FINGERPRINT" --output "$dist/$sums.sig" --detach-sign "$dist/$sums"

# --- verification ---------------------------------------------------------------------------------
fail() {
  echo "release-snapshot: $*" >&2
  exit 1
}
say "verifying the signature with the exported public key alone"
keyring="$tmp/pub.gpg"
gpg --batch --dearmor --output "$keyring" "$dist/${project}_${version}_signing-key.asc"
gpgv --keyring "$keyring" "$dist/$sums.sig" "$dist/$sums" 2>&1 | sed 's/^/   /' ||
  fail "the signature of $sums does not verify"

say "verifying $sums"
(cd "$dist" && sha256sum --quiet --strict -c "$sums") || fail "a checksum does not match"
want_files=$( (for t in "${targets[@]}"; do echo "${project}_${version}_${t}.zip"; done; echo "$manifest") | LC_ALL=C sort)
[ "$(awk '{ print $2 }' "$dist/$sums")" = "$want_files" ] ||
  fail "$sums lists $(awk '{ print $2 }' "$dist/$sums" | tr '\n' ' '), want $want_files"
cmp -s "$dist/$manifest" terraform-registry-manifest.json || fail "$manifest is not terraform-registry-manifest.json"
grep -q '"protocol_versions": \["6.0"\]' "$dist/$manifest" || fail "$manifest does not declare protocol 6.0"

host="$(go env GOHOSTOS)_$(go env GOHOSTARCH)"
for t in "${targets[@]}"; do
  zip="$dist/${project}_${version}_${t}.zip"
  exe=""
  [ "${t%_*}" = windows ] && exe=.exe
  bin="${project}_v${version}${exe}"
  listed=$(unzip -Z1 "$zip" | LC_ALL=C sort | tr '\n' ' ')
  want=$(printf '%s\n' "$bin" README.md CHANGELOG.md | LC_ALL=C sort | tr '\n' ' ')
  [ "$listed" = "$want" ] || fail "$(basename "$zip") holds $listed, want $want"
  out="$tmp/$t"
  unzip -q "$zip" "$bin" -d "$out"
  # Go's build information names the platform (with -trimpath it leaves the ldflags out).
  info=$(go version -m "$out/$bin")
  grep -qx "	build	GOOS=${t%_*}" <<<"$info" && grep -qx "	build	GOARCH=${t#*_}" <<<"$info" ||
    fail "$bin in $(basename "$zip") is not built for $t"
  grep -qx "	build	CGO_ENABLED=0" <<<"$info" || fail "$bin in $(basename "$zip") is not statically linked (CGO_ENABLED)"
  # Run it where this machine can (its own platform; others where the kernel or an emulator
  # takes them), else look for the version in it.
  if reported=$("$out/$bin" -version 2>/dev/null); then
    [ "$reported" = "$project $version" ] || fail "$bin -version says '$reported', want '$project $version'"
    echo "   $t: $bin -version: $reported"
  elif [ "$t" = "$host" ]; then
    fail "$bin does not run on its own platform"
  else
    grep -aqF "$version" "$out/$bin" || fail "$bin in $(basename "$zip") does not hold its version $version"
    echo "   $t: built for $t, holds version $version (this machine cannot run it)"
  fi
  rm -rf "$out"
done

say "$sums:"
sed 's/^/   /' "$dist/$sums"
say "release snapshot $version in $dist ($(($(date +%s) - started)) s):"
(cd "$dist" && ls -1 -- *.zip *_manifest.json *_SHA256SUMS *.sig *.asc | sed 's/^/   /')
