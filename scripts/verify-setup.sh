#!/usr/bin/env bash
# Verify a running stack end to end (config, health, storage, a canary through the pipeline,
# masking, retention, latency). Exit 0 when every check passes, 1 otherwise.
#   scripts/verify-setup.sh [-f telemetry-stack.yaml] [--json]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$root/dist/cli/main.js" ] || (cd "$root" && npm run build >/dev/null)
exec node "$root/dist/cli/main.js" verify "$@"
