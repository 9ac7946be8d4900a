#!/usr/bin/env bash
# Makes the Pulumi engine ready, once, at exactly the version of the `pulumi` pin in requirements.txt:
# - the CLI, built from its Go module (or a `pulumi` on PATH at that version, used as it is);
# - our Python language host and program runner (language_host.py, program_runner.py), with a small
#   virtualenv of the host's own pinned by requirements.txt;
# - our dynamic-provider launcher (pulumi-resource-pulumi-python, running the SDK's server via dynamic_server.py).
# Built things live in a machine-wide cache ($FLEX_PRE_AGENT_CACHE, default ~/.cache/flex-pre-agent), so a
# fresh clone (CI's) does not rebuild; .tools/pulumi/v<version>/bin/ in the clone links to them.
# Prints that bin directory on stdout; says on stderr what it builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tools/pulumi"
version=$(sed -n 's/^pulumi==\([0-9.]*\)$/\1/p' "$root/requirements.txt")
[ -n "$version" ] || { echo "tools/pulumi/build.sh: no 'pulumi==X.Y.Z' pin in requirements.txt" >&2; exit 1; }
cache="${FLEX_PRE_AGENT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flex-pre-agent}/pulumi/v$version"
bin="$root/.tools/pulumi/v$version/bin"
export PULUMI_SKIP_UPDATE_CHECK=true

build_cli() {
  if onpath=$(command -v pulumi 2>/dev/null) && [ "$("$onpath" version 2>/dev/null)" = "v$version" ]; then
    ln -sf "$onpath" "$cache/pulumi"; return
  fi
  command -v go >/dev/null 2>&1 || {
    echo "The Pulumi CLI v$version is needed: install it (https://www.pulumi.com/docs/install/), or Go >= 1.26 to build it." >&2
    exit 1
  }
  local work="$cache/src"
  rm -rf "$work"; mkdir -p "$work"
  # pkg/go.mod's replaces point into Pulumi's repo, so `go install pkg@version` refuses it: build from a
  # module of our own that requires it. Only the clipboard replace matters outside that repo.
  cat > "$work/go.mod" <<MOD
module flex-pre-agent/pulumi-cli

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
  printf 'package tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > "$work/tools.go"
  echo "Building the Pulumi CLI v$version from its Go module (once; cached in $cache)..." >&2
  local start; start=$(date +%s)
  (
    cd "$work"
    export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
    go mod tidy >&2
    go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
      -o "$cache/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  )
  mv "$cache/pulumi.partial" "$cache/pulumi"
  echo "Built the Pulumi CLI v$version in $(( $(date +%s) - start )) s." >&2
}

build_host_venv() {
  echo "Creating the language host's virtualenv (pulumi==$version)..." >&2
  rm -rf "$cache/host-venv"
  python3 -m venv "$cache/host-venv"
  # requirements.txt as constraints: the SDK and its gRPC/protobuf at the project's exact pins.
  "$cache/host-venv/bin/python" -m pip install --quiet --disable-pip-version-check -c "$root/requirements.txt" pulumi >&2
  touch "$cache/host-venv/.ready"
}

mkdir -p "$cache"
[ -x "$cache/pulumi" ] || build_cli
[ -f "$cache/host-venv/.ready" ] || build_host_venv

mkdir -p "$bin"
# A hard link keeps the clone's copy a real file without copying 100+ MB (a copy across filesystems).
[ "$bin/pulumi" -ef "$cache/pulumi" ] || ln -f "$(readlink -f "$cache/pulumi")" "$bin/pulumi" 2>/dev/null \
  || cp "$(readlink -f "$cache/pulumi")" "$bin/pulumi"
ln -sfn "$cache/host-venv/bin/python" "$bin/host-python"
install_file() {  # install_file SOURCE NAME: copy when changed
  cmp -s "$here/$1" "$bin/$2" || { cp "$here/$1" "$bin/$2"; chmod +x "$bin/$2"; }
}
install_file language_host.py language_host.py
install_file dynamic_server.py dynamic_server.py
install_file program_runner.py pulumi-language-python-exec
install_file pulumi-language-python pulumi-language-python
install_file pulumi-resource-pulumi-python pulumi-resource-pulumi-python
echo "$bin"
