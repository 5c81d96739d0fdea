#!/usr/bin/env bash
# Smoke test for Loki: start it (native binary or the local image with --network host),
# push one OTLP/JSON log request to /otlp/v1/logs, read it back with LogQL, stop it.
#
# Usage: loki-smoke.sh [--docker IMAGE] [--port PORT] [--grpc-port PORT]
#   default: native binary from scripts/provision/loki.sh, config images/loki/loki-local.yaml
#   --docker   run IMAGE instead (e.g. the tag printed by loki-image.sh)
#   --port     HTTP port on 127.0.0.1 (default 3100), --grpc-port (default 9096)
# Exit status 0 only if the pushed records come back with the expected labels.
set -euo pipefail
log() { printf 'loki-smoke.sh: %s\n' "$*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
image="" port=3100 grpc=9096
while [ $# -gt 0 ]; do
  case "$1" in
    --docker) image="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --grpc-port) grpc="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done
command -v jq >/dev/null || { log "needs jq"; exit 1; }
base="http://127.0.0.1:$port"
flags=(-server.http-listen-port="$port" -server.grpc-listen-port="$grpc")

pid="" container="" data=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$container" ]; then docker rm -f "$container" >/dev/null 2>&1 || true; fi
  if [ -n "$data" ]; then rm -rf "$data"; fi
}
trap cleanup EXIT

if curl -s -o /dev/null "$base/ready"; then log "something already answers on $base; pick another --port"; exit 1; fi

if [ -n "$image" ]; then
  container="ts-loki-smoke-$$"
  docker run -d --name "$container" --network host "$image" \
    -config.file=/etc/loki/local-config.yaml -config.expand-env=true "${flags[@]}" >/dev/null
  log "started container $container ($image)"
else
  bin="$("$ROOT/scripts/provision/loki.sh")"
  data="$(mktemp -d "${TMPDIR:-/tmp}/loki-smoke.XXXXXX")"
  LOKI_DATA_DIR="$data" "$bin" -config.file="$ROOT/images/loki/loki-local.yaml" -config.expand-env=true \
    "${flags[@]}" >"$data/loki.log" 2>&1 &
  pid=$!
  log "started $bin (pid $pid, data $data)"
fi

start=$SECONDS
until [ "$(curl -s "$base/ready" || true)" = ready ]; do
  if [ $((SECONDS - start)) -ge 60 ]; then log "not ready after 60s"; exit 1; fi
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then log "loki exited:"; tail -n 20 "$data/loki.log" >&2; exit 1; fi
  sleep 0.5
done
log "ready after $((SECONDS - start))s"

svc="smoke-$$-$(date +%s)"
now="$(date +%s%N)"
body="$(jq -nc --arg svc "$svc" --arg t1 "$((now - 1000000000))" --arg t2 "$now" '{resourceLogs: [{
  resource: {attributes: [
    {key: "service.name", value: {stringValue: $svc}},
    {key: "deployment.environment.name", value: {stringValue: "ci"}},
    {key: "service.instance.id", value: {stringValue: "smoke-instance"}}]},
  scopeLogs: [{scope: {name: "loki-smoke"}, logRecords: [
    {timeUnixNano: $t1, severityText: "INFO", body: {stringValue: "command finished"},
     attributes: [{key: "cli.verb", value: {stringValue: "deploy"}}]},
    {timeUnixNano: $t2, severityText: "ERROR", body: {stringValue: "command failed"},
     attributes: [{key: "cli.verb", value: {stringValue: "login"}}]}]}]}]}')"
code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary "$body" "$base/otlp/v1/logs")"
[ "$code" = 204 ] || { log "push answered HTTP $code"; exit 1; }
log "pushed 2 records for service_name=$svc (HTTP $code)"

q_start="$(( $(date +%s) - 600 ))000000000"
for _ in $(seq 1 20); do
  res="$(curl -sS -G "$base/loki/api/v1/query_range" --data-urlencode "query={service_name=\"$svc\"}" \
    --data-urlencode "start=$q_start" --data-urlencode limit=10)"
  n="$(jq '[.data.result[].values[]] | length' <<<"$res")"
  [ "$n" = 2 ] && break
  sleep 0.5
done
[ "$n" = 2 ] || { log "read back $n of 2 records: $res"; exit 1; }
verbs="$(jq -r '[.data.result[].stream.cli_verb] | sort | join(",")' <<<"$res")"
[ "$verbs" = deploy,login ] || { log "unexpected cli_verb values: $verbs"; exit 1; }
series="$(curl -sS -G "$base/loki/api/v1/series" --data-urlencode "match[]={service_name=\"$svc\"}")"
labels="$(jq -r '[.data[] | keys[]] | unique | join(",")' <<<"$series")"
[ "$labels" = deployment_environment_name,service_name ] || { log "unexpected index labels: $labels"; exit 1; }
counts="$(curl -sS -G "$base/loki/api/v1/query" \
  --data-urlencode "query=sum by (cli_verb) (count_over_time({service_name=\"$svc\"}[10m]))" |
  jq -c '[.data.result[] | {(.metric.cli_verb): .value[1]}] | add')"
log "read back 2 records; index labels: $labels; cli_verb (structured metadata): $verbs; counts: $counts"
echo ok
