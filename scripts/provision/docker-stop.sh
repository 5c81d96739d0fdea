#!/usr/bin/env bash
# Stop the dockerd started by docker.sh (only that pid; never any other daemon).
set -euo pipefail
STATE_DIR="${TS_DOCKER_STATE_DIR:-/var/lib/telemetry-stack-docker}"
PIDFILE="$STATE_DIR/dockerd.pid"
WAIT="${TS_DOCKER_WAIT:-30}"

if [ ! -s "$PIDFILE" ]; then
  echo "docker-stop.sh: no pid file at $PIDFILE; nothing to stop" >&2; exit 0
fi
pid="$(cat "$PIDFILE")"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "docker-stop.sh: pid $pid is not running" >&2; rm -f "$PIDFILE"; exit 0
fi
# Guard against pid reuse: only signal it if it is still a dockerd.
comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
if [ "$comm" != dockerd ]; then
  echo "docker-stop.sh: pid $pid is '$comm', not dockerd; leaving it alone" >&2; rm -f "$PIDFILE"; exit 1
fi
kill -TERM "$pid"
deadline=$((SECONDS + WAIT))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "docker-stop.sh: dockerd $pid still running after ${WAIT}s; sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true; break
  fi
  sleep 1
done
rm -f "$PIDFILE"
echo "docker-stop.sh: stopped dockerd $pid" >&2
