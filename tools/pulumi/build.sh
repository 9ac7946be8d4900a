#!/usr/bin/env bash
# Makes the Pulumi engine ready, once, at exactly the version of the `pulumi` pin in requirements.txt, with
# Pulumi's own parts only:
# - a `pulumi` on PATH at that version (a user's install) is used as it is, with the plugins beside it;
# - otherwise the CLI is built from its Go module, and Pulumi's Python language host from its published
#   source (../shared/third_party/pulumi-language-python, whose Go module the proxy does not serve), both
#   with Pulumi's release flags and version stamp; Pulumi's two companion scripts (the program runner and the
#   dynamic-provider plugin) are copied from the `sdk/v3` module at the pin.
# Built things live in a machine-wide cache ($FLEX_PRE_AGENT_CACHE, default ~/.cache/flex-pre-agent), so a
# fresh clone (CI's) does not rebuild; .tools/pulumi/v<version>/bin/ in the clone holds hard links to them.
# Prints the directory to put first on PATH on stdout; says on stderr what it builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^pulumi==\([0-9.]*\)$/\1/p' "$root/requirements.txt")
[ -n "$version" ] || { echo "tools/pulumi/build.sh: no 'pulumi==X.Y.Z' pin in requirements.txt" >&2; exit 1; }
cache="${FLEX_PRE_AGENT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flex-pre-agent}/pulumi/v$version"
bin="$root/.tools/pulumi/v$version/bin"
host_source="${FLEX_PRE_AGENT_HOST_SOURCE:-$root/../shared/third_party/pulumi-language-python}"
stamp="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
export PULUMI_SKIP_UPDATE_CHECK=true CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
plugins=(pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

if onpath=$(command -v pulumi 2>/dev/null) && [ "$("$onpath" version 2>/dev/null)" = "v$version" ] \
  && ! [ "$onpath" -ef "$bin/pulumi" ]; then
  dirname "$onpath"
  exit 0
fi

need() {  # need WHAT: stop with one line saying what to install
  echo "The Pulumi CLI v$version is needed and cannot be built here: $1." \
    "Install Pulumi v$version (https://www.pulumi.com/docs/install/), which ships its Python plugins." >&2
  exit 1
}
command -v go >/dev/null 2>&1 || need "Go >= 1.26 is not installed (Debian: golang, or go.dev/dl)"

# A module of our own that requires pkg/v3 and sdk/v3 at the pin: Pulumi's go.mod files carry replaces that
# point into Pulumi's repository, so `go install module@version` refuses them. Only the clipboard replace
# matters outside that repository.
module() {  # module DIR NAME: write go.mod in DIR
  mkdir -p "$1"
  cat > "$1/go.mod" <<MOD
module flex-pre-agent/$2

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
}

go_build() {  # go_build DIR OUTPUT PACKAGE: tidy DIR's module and build PACKAGE into OUTPUT atomically
  (
    cd "$1"
    go mod tidy >&2
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$stamp" -o "$2.partial" "$3" >&2
  )
  mv "$2.partial" "$2"
}

build_cli() {
  local work="$cache/src" start; start=$(date +%s)
  rm -rf "$work"; module "$work" pulumi-cli
  printf 'package tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > "$work/tools.go"
  echo "Building the Pulumi CLI v$version from its Go module (once; cached in $cache)..." >&2
  go_build "$work" "$cache/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  echo "Built the Pulumi CLI v$version in $(( $(date +%s) - start )) s." >&2
}

build_language_host() {
  [ -f "$host_source/main.go" ] || need "Pulumi's Python language host source is not at $host_source (the shared/ folder beside the clone)"
  local work="$cache/host-src" start; start=$(date +%s)
  rm -rf "$work"; module "$work" pulumi-language-python
  cp "$host_source/main.go" "$work/main.go"
  echo "Building Pulumi's Python language host v$version from $host_source (once)..." >&2
  go_build "$work" "$cache/pulumi-language-python" .
  echo "Built the language host in $(( $(date +%s) - start )) s." >&2
}

copy_scripts() {  # Pulumi's program runner and dynamic-provider plugin, as released beside the host
  local sdk
  sdk=$(cd "$cache/host-src" && go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")
  [ -d "$sdk" ] || sdk=$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$cache/pulumi-language-python-exec"
  install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$cache/pulumi-resource-pulumi-python"
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9  # one build at a time: parallel test workers and a second clone wait for the first
[ -x "$cache/pulumi" ] || build_cli
[ -x "$cache/pulumi-language-python" ] || build_language_host
[ -x "$cache/pulumi-resource-pulumi-python" ] && [ -x "$cache/pulumi-language-python-exec" ] || copy_scripts

# Real files, not symlinks: the host finds its program runner beside its own resolved path. A hard link keeps
# the clone's copy a real file without copying 100+ MB; a copy when the cache is on another filesystem.
mkdir -p "$bin"
for name in pulumi "${plugins[@]}"; do
  [ "$bin/$name" -ef "$cache/$name" ] || ln -f "$cache/$name" "$bin/$name" 2>/dev/null || cp "$cache/$name" "$bin/$name"
done
echo "$bin"
