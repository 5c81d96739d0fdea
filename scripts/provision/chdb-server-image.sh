#!/usr/bin/env bash
# Build the FROM scratch storage image (storage/chdb-server/Dockerfile) from a locally built
# launcher and the libchdb.so the npm package chdb installs.
# Prints the image tag on stdout; everything else goes to stderr.
#
# Usage: chdb-server-image.sh --bin PATH --libchdb PATH [--tag TAG]
#   --bin      chdb-server launcher (Go, CGO off)
#   --libchdb  libchdb.so (node_modules/@chdb/lib-linux-x64-gnu/libchdb.so)
#   --tag      image tag (default: $TS_CHDB_SERVER_IMAGE or telemetry-stack/chdb-server:local)
# Needs a running engine (scripts/provision/docker.sh) and ldd. Pulls nothing.
set -euo pipefail
log() { printf 'chdb-server-image.sh: %s\n' "$*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="" libchdb=""
tag="${TS_CHDB_SERVER_IMAGE:-telemetry-stack/chdb-server:local}"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --libchdb) libchdb="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done
[ -n "$bin" ] && [ -x "$bin" ] || { log "--bin: no executable launcher at '${bin}'"; exit 2; }
[ -n "$libchdb" ] && [ -f "$libchdb" ] || { log "--libchdb: no libchdb.so at '${libchdb}'; run npm install"; exit 2; }
command -v ldd >/dev/null 2>&1 || { log "ldd not found (Debian: libc-bin)"; exit 1; }

ctx="$(mktemp -d "${TMPDIR:-/tmp}/chdb-server-image.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
rootfs="$ctx/rootfs"
mkdir -p "$rootfs/tmp" "$rootfs/usr/lib/chdb" "$rootfs/usr/share/doc/chdb-server" "$ctx/data"
chmod 1777 "$rootfs/tmp"
chmod 0750 "$ctx/data"
cp "$bin" "$ctx/chdb-server"
chmod 0755 "$ctx/chdb-server"
# A hard link when the context is on the same file system: libchdb is over 500 MB.
ln "$libchdb" "$rootfs/usr/lib/chdb/libchdb.so" 2>/dev/null || cp "$libchdb" "$rootfs/usr/lib/chdb/libchdb.so"

# Every shared library the two link, at the path the loader looks for it (ldd names it), plus
# the loader itself at the path the launcher's ELF header names. Copied as files (-L): the
# symlinks' targets would be missing in scratch.
libs="$( { ldd "$bin"; ldd "$libchdb"; } )"
if grep -q 'not found' <<<"$libs"; then
  log "missing shared libraries:"; grep 'not found' <<<"$libs" >&2; exit 1
fi
while read -r path; do
  mkdir -p "$rootfs$(dirname "$path")"
  cp -L "$path" "$rootfs$path"
  log "  + $path"
done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs" | sort -u)

# What the image ships of other people's work, with their licence texts.
doc="$rootfs/usr/share/doc/chdb-server"
cp "$ROOT/LICENSE" "$ROOT/storage/chdb-server/THIRD_PARTY_NOTICES.md" "$doc/"
# libchdb: Apache-2.0; its platform package carries no licence file, the chdb package beside it does.
libdir="$(dirname "$libchdb")"
[ -f "$libdir/package.json" ] && cp "$libdir/package.json" "$doc/libchdb-package.json"
for l in "$libdir/LICENSE" "$libdir/../../chdb/LICENSE"; do [ -f "$l" ] && { cp "$l" "$doc/libchdb-LICENSE"; break; }; done
# glibc (LGPL-2.1-or-later, with its exceptions): the Debian package's copyright file.
for c in /usr/share/doc/libc6/copyright; do [ -f "$c" ] && cp "$c" "$doc/glibc-copyright"; done

log "building $tag from $bin and $libchdb"
docker build --network host -f "$ROOT/storage/chdb-server/Dockerfile" -t "$tag" "$ctx" >&2
echo "$tag"
