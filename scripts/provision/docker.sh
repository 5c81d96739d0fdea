#!/usr/bin/env bash
# Provision a local Docker engine for integration tests (Debian/Ubuntu, run as root).
#
# - installs Debian's docker.io when `dockerd` is missing (one apt-get update, then install);
# - starts dockerd in the background unless something already answers on the socket;
# - no bridge, no iptables: every container must run with `--network host`, and only
#   loopback addresses are ever used;
# - waits (bounded) until `docker version` answers, then prints client/server versions.
#
# Environment (all optional):
#   TS_DOCKER_STATE_DIR   state directory (default /var/lib/telemetry-stack-docker)
#                         holds data-root/, exec-root/, dockerd.log, dockerd.pid
#   TS_DOCKER_SOCK        unix socket path (default /var/run/docker.sock)
#   TS_DOCKER_WAIT        seconds to wait for the daemon (default 60)
#   TS_DOCKER_EXTRA_ARGS  extra dockerd flags (word-split)
#
# Idempotent: running it twice leaves a single daemon. Stop it with docker-stop.sh.
set -euo pipefail

STATE_DIR="${TS_DOCKER_STATE_DIR:-/var/lib/telemetry-stack-docker}"
SOCK="${TS_DOCKER_SOCK:-/var/run/docker.sock}"
WAIT="${TS_DOCKER_WAIT:-60}"
DATA_ROOT="$STATE_DIR/data-root"
EXEC_ROOT="$STATE_DIR/exec-root"
LOG="$STATE_DIR/dockerd.log"
PIDFILE="$STATE_DIR/dockerd.pid"

log() { printf 'docker.sh: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "must run as root (dockerd needs it)"; exit 1
fi

# 1. install ---------------------------------------------------------------
if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd not found; installing Debian docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends docker.io
fi
command -v dockerd >/dev/null 2>&1 || { log "dockerd still missing after install"; exit 1; }

# The docker client on PATH may be a newer build than the engine (e.g. /usr/local/bin/docker);
# it negotiates the API version down to the engine's. Fall back to Debian's client if none.
DOCKER_CLI="$(command -v docker || true)"
[ -n "$DOCKER_CLI" ] || DOCKER_CLI=/usr/bin/docker
export DOCKER_HOST="unix://$SOCK"

answers() { timeout 10 "$DOCKER_CLI" version >/dev/null 2>&1; }

# 2. start -----------------------------------------------------------------
if answers; then
  log "a daemon already answers on $SOCK; not starting another"
  if ! { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }; then
    # e.g. the distribution's docker.service on a systemd host: its bridge/iptables
    # settings are its own; containers must still be run with --network host.
    log "that daemon was not started by this script (no live pid in $PIDFILE)"
  fi
else
  if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "dockerd pid $(cat "$PIDFILE") is running but not answering yet; waiting for it"
  else
    mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
    # Flags accepted by the installed dockerd (checked against `dockerd --help`).
    help="$(dockerd --help 2>&1 || true)"
    flags=(--host "unix://$SOCK" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT"
           --pidfile "$STATE_DIR/dockerd.self.pid" --bridge=none --iptables=false)
    case "$help" in *--ip6tables*) flags+=(--ip6tables=false) ;; esac
    case "$help" in *--ip-forward*) flags+=(--ip-forward=false) ;; esac
    case "$help" in *--ip-masq*) flags+=(--ip-masq=false) ;; esac
    # shellcheck disable=SC2206
    [ -n "${TS_DOCKER_EXTRA_ARGS:-}" ] && flags+=(${TS_DOCKER_EXTRA_ARGS})
    log "starting: dockerd ${flags[*]}"
    : >"$LOG"
    nohup dockerd "${flags[@]}" >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    log "dockerd pid $(cat "$PIDFILE"), log $LOG"
  fi
  deadline=$((SECONDS + WAIT))
  until answers; do
    if [ -s "$PIDFILE" ] && ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      log "dockerd exited; last log lines:"; tail -n 30 "$LOG" >&2 || true; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "dockerd did not answer within ${WAIT}s; last log lines:"; tail -n 30 "$LOG" >&2 || true; exit 1
    fi
    sleep 1
  done
fi

# 3. report ----------------------------------------------------------------
"$DOCKER_CLI" version --format \
  'client {{.Client.Version}} (API {{.Client.APIVersion}}); engine {{.Server.Version}} (API {{.Server.APIVersion}}, min {{.Server.MinAPIVersion}})' >&2
echo "DOCKER_HOST=unix://$SOCK"
