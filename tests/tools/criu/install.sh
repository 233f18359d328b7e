#!/usr/bin/env bash
# Makes a working criu (>= 4.0) available to the tests and prints the path of its wrapper.
# Debian 12's criu 3.17 fails on this kernel ("vdso: Failed to fill self vdso symtable"), so
# this takes criu 4.x from Debian 13 (trixie, served by the machine's own apt mirror) into a
# small rootfs of its own, cached outside the checkout, and runs it through trixie's loader;
# the host's packages are not touched. See ../shared/criu.md (verified recipe).
# Usage: install.sh            -> prints the wrapper's path (builds the cache once)
# Env:   HUTCH_TEST_CACHE      (default /var/cache/hutch-tests)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${HUTCH_TEST_CACHE:-/var/cache/hutch-tests}
# The cache is keyed by this script's content: a changed recipe builds a new one.
key=$(sha256sum "$here/install.sh" | cut -c1-16)
dir=$cache/criu-$key
wrapper=$dir/criu
if [ -x "$wrapper" ] && "$wrapper" --version >/dev/null 2>&1; then
    echo "$wrapper"; exit 0
fi
command -v mmdebstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2; }
# The machine's own mirror (never a hard-coded host): the first URI of the main suite.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "criu/install.sh: no apt mirror found in /etc/apt/sources.list.d/debian.sources" >&2; exit 1; }
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/criu-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mmdebstrap --quiet --variant=apt --include=criu,iptables trixie "$tmp/rootfs" "$mirror" >&2
cat > "$tmp/criu" <<WRAP
#!/bin/sh
# trixie's criu through trixie's own loader (built by tests/tools/criu/install.sh).
# CRIU_FAULT=130: hardware breakpoints never fire in this VM; without it criu's parasite code
# waits forever in dump and restore; 130 makes criu step with PTRACE_SYSCALL instead.
export CRIU_FAULT=130
exec "$dir/rootfs/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$dir/rootfs/usr/lib/x86_64-linux-gnu:$dir/rootfs/usr/lib" "$dir/rootfs/usr/sbin/criu" "\$@"
WRAP
chmod 0755 "$tmp/criu"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
"$wrapper" --version >&2
echo "$wrapper"
