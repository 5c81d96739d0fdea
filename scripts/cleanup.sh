#!/usr/bin/env bash
# Deletes stored telemetry (events, metric points, daily rollups) older than an age, in whole
# days, and prints the rows removed per table. Meant for cron or a systemd timer:
#
#   scripts/cleanup.sh                                  # older than $TELEMETRY_RETENTION, default 90d
#   scripts/cleanup.sh --older-than 30d --file /etc/telemetry-stack.yaml
#   scripts/cleanup.sh --older-than 30d --dry-run       # count only
#
# Every argument is passed to `telemetry-stack cleanup`; see its --help.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="$ROOT/dist/cli/main.js"
if [ ! -f "$CLI" ]; then
  echo "cleanup.sh: $CLI is missing; run \`npm run build\` first" >&2
  exit 1
fi

has_age=0
for arg in "$@"; do
  case "$arg" in
    --older-than|--older-than=*) has_age=1 ;;
  esac
done
if [ "$has_age" -eq 0 ]; then
  set -- --older-than "${TELEMETRY_RETENTION:-90d}" "$@"
fi

exec node "$CLI" cleanup "$@"
