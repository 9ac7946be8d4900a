#!/usr/bin/env bash
# Builds the Pulumi CLI at exactly the version of the `pulumi` pin in requirements.txt, from its Go module,
# once, into .tools/pulumi/v<version>/bin/, and puts our own two Python plugin scripts beside it.
# A `pulumi` already on PATH at that version is used as it is. Prints the bin directory on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^pulumi==\([0-9.]*\)$/\1/p' "$root/requirements.txt")
[ -n "$version" ] || { echo "tools/pulumi/build.sh: no 'pulumi==X.Y.Z' pin in requirements.txt" >&2; exit 1; }
bin="$root/.tools/pulumi/v$version/bin"

install_scripts() {
  mkdir -p "$bin"
  for f in pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python; do
    if ! cmp -s "$root/tools/pulumi/$f" "$bin/$f"; then cp "$root/tools/pulumi/$f" "$bin/$f"; chmod +x "$bin/$f"; fi
  done
}

if [ -x "$bin/pulumi" ]; then install_scripts; echo "$bin"; exit 0; fi

# A CLI on PATH at the pinned version (users have one) is linked into the cache instead of rebuilt.
if onpath=$(command -v pulumi 2>/dev/null) && [ "$(PULUMI_SKIP_UPDATE_CHECK=true "$onpath" version 2>/dev/null)" = "v$version" ]; then
  mkdir -p "$bin"; ln -sf "$onpath" "$bin/pulumi"; install_scripts; echo "$bin"; exit 0
fi

command -v go >/dev/null 2>&1 || {
  echo "The Pulumi CLI v$version is needed: install it (https://www.pulumi.com/docs/install/) or Go >= 1.26 to build it." >&2
  exit 1
}

work="$root/.tools/pulumi/v$version/src"
rm -rf "$work"; mkdir -p "$work"
cat > "$work/go.mod" <<MOD
module flex-pre-agent/pulumi-cli

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

// The one replace of pkg/go.mod that matters outside Pulumi's repo (a Windows clipboard fix, harmless here).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
printf 'package tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > "$work/tools.go"
echo "Building the Pulumi CLI v$version from its Go module (once; cached in .tools/pulumi/v$version)..." >&2
start=$(date +%s)
(
  cd "$work"
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
  go mod tidy >&2
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
    -o "$bin/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
)
mv "$bin/pulumi.partial" "$bin/pulumi"
echo "Built $bin/pulumi in $(( $(date +%s) - start )) s." >&2
install_scripts
echo "$bin"
