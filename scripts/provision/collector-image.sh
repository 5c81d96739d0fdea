#!/usr/bin/env bash
# Build the FROM scratch Collector image (collector/Dockerfile) from a locally built binary.
# Prints the image tag on stdout; everything else goes to stderr.
#
# Usage: collector-image.sh [--bin PATH] [--config PATH] [--tag TAG]
#   --bin     Collector binary, statically linked (CGO off). Default: $TS_OTELCOL_BIN
#   --config  default configuration baked into the image
#             (default: scripts/provision/collector-default.yaml, loopback only)
#   --tag     image tag (default: $TS_COLLECTOR_IMAGE or telemetry-stack/collector:local)
# Needs a running engine (scripts/provision/docker.sh). Pulls nothing.
set -euo pipefail
log() { printf 'collector-image.sh: %s\n' "$*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${TS_OTELCOL_BIN:-}"
config="$ROOT/scripts/provision/collector-default.yaml"
tag="${TS_COLLECTOR_IMAGE:-telemetry-stack/collector:local}"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done
[ -n "$bin" ] || { log "no Collector binary: pass --bin PATH or set TS_OTELCOL_BIN"; exit 2; }
[ -x "$bin" ] || { log "$bin is not an executable file"; exit 1; }
[ -f "$config" ] || { log "$config not found"; exit 1; }
if command -v file >/dev/null 2>&1 && ! file -L "$bin" | grep -q 'statically linked'; then
  log "$bin is not statically linked (build it with CGO_ENABLED=0 / cgo_enabled: false)"; exit 1
fi

ctx="$(mktemp -d "${TMPDIR:-/tmp}/collector-image.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
cp "$bin" "$ctx/otelcol-telemetry-stack"
cp "$config" "$ctx/config.yaml"
# What the image ships of other people's work: every Go module in the binary, with its licence text.
mkdir -p "$ctx/rootfs/usr/share/doc/otelcol-telemetry-stack"
cp "$ROOT/collector/THIRD_PARTY_NOTICES.md" "$ROOT/LICENSE" "$ctx/rootfs/usr/share/doc/otelcol-telemetry-stack/"
chmod 0755 "$ctx/otelcol-telemetry-stack"; chmod 0644 "$ctx/config.yaml"
mkdir -p "$ctx/rootfs/tmp" "$ctx/rootfs/etc/ssl/certs" "$ctx/data/file_storage"
chmod 1777 "$ctx/rootfs/tmp"
chmod 0750 "$ctx/data/file_storage"
# CA bundle for TLS exporters (ClickHouse Cloud, a remote gateway); scratch has none.
for ca in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
  if [ -f "$ca" ]; then cp "$ca" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"; break; fi
done

log "building $tag from $bin"
docker build --network host -f "$ROOT/collector/Dockerfile" -t "$tag" "$ctx" >&2
echo "$tag"
