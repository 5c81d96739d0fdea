#!/usr/bin/env bash
# Installs Debian's `chromium` for the report test when it is missing. Uses apt-get (as root, or
# through passwordless sudo); prints nothing on success and one line on failure.
set -uo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  run() { "$@"; }
elif sudo -n true 2>/dev/null; then
  run() { sudo -n "$@"; }
else
  echo "setup-chromium.sh: chromium is missing and apt-get needs root; install it with: sudo apt-get install chromium" >&2
  exit 1
fi

log="$(mktemp)"
if ! { run apt-get update -qq && DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  echo "setup-chromium.sh: apt-get install chromium failed: $(tail -n 1 "$log")" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
command -v chromium >/dev/null 2>&1 || { echo "setup-chromium.sh: apt-get finished but chromium is not on PATH" >&2; exit 1; }
