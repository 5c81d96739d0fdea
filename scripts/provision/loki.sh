#!/usr/bin/env bash
# Build Grafana Loki from its Go module (github.com/grafana/loki/v3) when missing, and
# print the binary's path on stdout. Everything else goes to stderr.
#
# The build runs inside images/loki/ (a build-only module that requires Loki and repeats
# the replace directives of Loki's go.mod). The binary is cached outside the repository,
# keyed by a hash of images/loki/go.mod + go.sum:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/telemetry-stack/loki/<hash>/loki
#
# Environment (all optional):
#   TS_LOKI_BIN     use this binary instead (printed as-is if executable)
#   TS_LOKI_CACHE   override the cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/telemetry-stack/loki)
#   GOMODCACHE, GOCACHE, GOPROXY, GOTOOLCHAIN  passed through to go as usual
# Flags:
#   --force         rebuild even if the cached binary exists
set -euo pipefail

log() { printf 'loki.sh: %s\n' "$*" >&2; }

force=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) log "unknown argument: $a"; exit 2 ;;
  esac
done

if [ -n "${TS_LOKI_BIN:-}" ]; then
  [ -x "$TS_LOKI_BIN" ] || { log "TS_LOKI_BIN=$TS_LOKI_BIN is not executable"; exit 1; }
  echo "$TS_LOKI_BIN"; exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MOD_DIR="$ROOT/images/loki"
[ -f "$MOD_DIR/go.mod" ] && [ -f "$MOD_DIR/go.sum" ] || { log "missing $MOD_DIR/go.mod or go.sum"; exit 1; }

hash="$(cat "$MOD_DIR/go.mod" "$MOD_DIR/go.sum" | sha256sum | cut -c1-16)"
CACHE_ROOT="${TS_LOKI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/telemetry-stack/loki}"
OUT_DIR="$CACHE_ROOT/$hash"
BIN="$OUT_DIR/loki"

if [ "$force" = 0 ] && [ -x "$BIN" ]; then
  echo "$BIN"; exit 0
fi

command -v go >/dev/null 2>&1 || { log "go not found on PATH (Loki needs the go version named in images/loki/go.mod)"; exit 1; }
mkdir -p "$OUT_DIR"

# One build at a time per go.mod/go.sum hash.
exec 9>"$OUT_DIR/.lock"
flock 9
if [ "$force" = 0 ] && [ -x "$BIN" ]; then
  echo "$BIN"; exit 0
fi

cd "$MOD_DIR"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
version="$(go list -m -f '{{.Version}}' github.com/grafana/loki/v3)"
vprefix=github.com/grafana/loki/v3/pkg/util/build
ldflags="-s -w -X $vprefix.Version=${version#v} -X $vprefix.Branch=module -X $vprefix.Revision=$version"

log "building Loki $version ($(go version)) -> $BIN"
start=$SECONDS
tmp="$BIN.tmp.$$"
trap 'rm -f "$tmp"' EXIT
go build -trimpath -tags netgo -ldflags "$ldflags" -o "$tmp" github.com/grafana/loki/v3/cmd/loki
mv -f "$tmp" "$BIN"
trap - EXIT
log "built in $((SECONDS - start))s: $(du -h "$BIN" | cut -f1) $BIN"
echo "$BIN"
