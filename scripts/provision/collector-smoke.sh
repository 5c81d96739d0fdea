#!/usr/bin/env bash
# Smoke test for the Collector image: run it with --network host, wait for health_check,
# send one OTLP/JSON log over HTTP, see it in the debug exporter output, stop it.
#
# Usage: collector-smoke.sh [--image TAG] [--health-port P] [--otlp-http-port P]
#   --image           default: $TS_COLLECTOR_IMAGE or telemetry-stack/collector:local
#   --health-port     health_check port on 127.0.0.1 (default 13133)
#   --otlp-http-port  OTLP/HTTP port on 127.0.0.1 (default 4318)
# With non-default ports a generated config is mounted over /etc/otelcol/config.yaml;
# with the defaults the image's own default config is used as is.
set -euo pipefail
log() { printf 'collector-smoke.sh: %s\n' "$*" >&2; }

image="${TS_COLLECTOR_IMAGE:-telemetry-stack/collector:local}" health=13133 http=4318
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    --health-port) health="$2"; shift 2 ;;
    --otlp-http-port) http="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done

container="ts-collector-smoke-$$" tmp=""
cleanup() {
  docker rm -f "$container" >/dev/null 2>&1 || true
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

for p in "$health" "$http"; do
  if curl -s -o /dev/null "http://127.0.0.1:$p/"; then log "127.0.0.1:$p is already in use"; exit 1; fi
done

args=(-d --name "$container" --network host)
if [ "$health" != 13133 ] || [ "$http" != 4318 ]; then
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/collector-smoke.XXXXXX")"
  cat >"$tmp/config.yaml" <<YAML
extensions:
  health_check: {endpoint: "127.0.0.1:$health"}
receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:$http"}
exporters:
  debug: {verbosity: basic}
service:
  extensions: [health_check]
  telemetry: {metrics: {level: none}}
  pipelines:
    logs: {receivers: [otlp], exporters: [debug]}
YAML
  chmod 0755 "$tmp"; chmod 0644 "$tmp/config.yaml"
  args+=(-v "$tmp/config.yaml:/etc/otelcol/config.yaml:ro")
fi
docker run "${args[@]}" "$image" >/dev/null
log "started container $container ($image)"

start=$SECONDS
until curl -sf -o /dev/null "http://127.0.0.1:$health/"; do
  if [ $((SECONDS - start)) -ge 30 ]; then log "health_check not answering after 30s:"; docker logs "$container" 2>&1 | tail -n 20 >&2; exit 1; fi
  if [ "$(docker inspect -f '{{.State.Running}}' "$container")" != true ]; then log "container exited:"; docker logs "$container" 2>&1 | tail -n 20 >&2; exit 1; fi
  sleep 0.5
done
log "health_check: $(curl -s "http://127.0.0.1:$health/")"

now="$(date +%s%N)"
code="$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "http://127.0.0.1:$http/v1/logs" \
  -d '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"collector-smoke"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"'"$now"'","body":{"stringValue":"smoke"}}]}]}]}')"
[ "$code" = 200 ] || { log "OTLP/HTTP push answered HTTP $code"; exit 1; }
for _ in $(seq 1 20); do
  if docker logs "$container" 2>&1 | grep -q '"otelcol.signal": "logs", "resource logs": 1'; then
    log "OTLP/HTTP push accepted (HTTP $code) and seen by the debug exporter"
    log "user $(docker inspect -f '{{.Config.User}}' "$container"), network $(docker inspect -f '{{.HostConfig.NetworkMode}}' "$container")"
    echo ok; exit 0
  fi
  sleep 0.5
done
log "the debug exporter did not log the record:"; docker logs "$container" 2>&1 | tail -n 20 >&2; exit 1
