#!/usr/bin/env bash
# Writes the monthly report (markdown and a self-contained HTML page) for one month:
#
#   scripts/export-month-report.sh                      # last month (UTC), into ./reports
#   scripts/export-month-report.sh 2025-01 --out /srv/reports --file /etc/telemetry-stack.yaml
#
# Arguments after the month are passed to `telemetry-stack report month`; see its --help.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="$ROOT/dist/cli/main.js"
if [ ! -f "$CLI" ]; then
  echo "export-month-report.sh: $CLI is missing; run \`npm run build\` first" >&2
  exit 1
fi

if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  month="$1"
  shift
else
  # Computed by node rather than date(1): GNU and BSD date disagree on month arithmetic.
  month="$(node -e 'const d = new Date(); d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() - 1); process.stdout.write(d.toISOString().slice(0, 7))')"
fi

has_out=0
for arg in "$@"; do
  case "$arg" in
    --out|--out=*) has_out=1 ;;
  esac
done
if [ "$has_out" -eq 0 ]; then
  set -- --out reports "$@"
fi

exec node "$CLI" report month "$month" "$@"
