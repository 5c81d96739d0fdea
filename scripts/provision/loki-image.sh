#!/usr/bin/env bash
# Build the FROM scratch Loki image (images/loki/Dockerfile). Builds the Loki binary first
# when it is not cached (scripts/provision/loki.sh). Prints the image tag on stdout.
#
# Usage: loki-image.sh [--bin PATH] [--config PATH] [--tag TAG]
#   --bin     Loki binary (default: the output of scripts/provision/loki.sh)
#   --config  configuration baked into the image (default: images/loki/loki-local.yaml)
#   --tag     image tag (default: $TS_LOKI_IMAGE or telemetry-stack/loki:<version>-local)
# Needs a running engine (scripts/provision/docker.sh). Pulls nothing.
set -euo pipefail
log() { printf 'loki-image.sh: %s\n' "$*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin=""
config="$ROOT/images/loki/loki-local.yaml"
tag="${TS_LOKI_IMAGE:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done
[ -n "$bin" ] || bin="$("$ROOT/scripts/provision/loki.sh")"
[ -x "$bin" ] || { log "$bin is not an executable file"; exit 1; }
[ -f "$config" ] || { log "$config not found"; exit 1; }
if [ -z "$tag" ]; then
  version="$("$bin" -version 2>/dev/null | sed -n 's/^loki, version \([^ ]*\).*/\1/p' | head -n1)"
  tag="telemetry-stack/loki:${version:-unknown}-local"
fi

ctx="$(mktemp -d "${TMPDIR:-/tmp}/loki-image.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
cp "$bin" "$ctx/loki"
cp "$config" "$ctx/loki-local.yaml"
chmod 0755 "$ctx/loki"; chmod 0644 "$ctx/loki-local.yaml"
mkdir -p "$ctx/rootfs/tmp" "$ctx/data"
chmod 1777 "$ctx/rootfs/tmp"

log "building $tag from $bin"
docker build --network host -f "$ROOT/images/loki/Dockerfile" -t "$tag" "$ctx" >&2
echo "$tag"
