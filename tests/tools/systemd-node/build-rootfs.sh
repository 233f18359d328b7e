#!/usr/bin/env bash
# Builds (once) the root filesystem of the systemd node: Debian 12 with systemd 252, dbus,
# podman, containerd and runc, the recipe of shared/systemd-node.md. The result is cached
# outside the checkout, under a folder named after this script's hash, so a changed recipe
# builds a new one. Prints the rootfs path on stdout. Needs root and mmdebstrap.
#   HUTCH_NODE_CACHE  the cache folder (default /var/cache/hutch-tests/systemd-node)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${HUTCH_NODE_CACHE:-/var/cache/hutch-tests/systemd-node}
key=$(sha256sum "$here/build-rootfs.sh" | cut -c1-16)
rootfs=$cache/$key/rootfs
if [ -e "$cache/$key/complete" ]; then
    echo "$rootfs"
    exit 0
fi
command -v mmdebstrap >/dev/null || { echo "build-rootfs.sh: mmdebstrap is missing: apt-get install -y mmdebstrap" >&2; exit 1; }
# The machine's own Debian mirror (never a hard-coded host): the first URI of its sources.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
    mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "build-rootfs.sh: no Debian mirror found in /etc/apt/sources.list{,.d/debian.sources}" >&2; exit 1; }
mkdir -p "$cache"
# One builder at a time; a concurrent caller waits and then finds the result.
exec 9>"$cache/.lock"
flock 9
if [ -e "$cache/$key/complete" ]; then
    echo "$rootfs"
    exit 0
fi
rm -rf "$cache/$key"
mkdir -p "$cache/$key"
packages=systemd,systemd-sysv,dbus,podman,conmon,runc,containerd,busybox-static,iproute2,procps,catatonit
packages=$packages,golang-github-containers-common,containernetworking-plugins
mmdebstrap --quiet --variant=apt --mode=root --include="$packages" bookworm "$rootfs" "$mirror" >&2
# Units that cannot work in a container and would leave the system `degraded`.
for unit in console-getty.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
            fstrim.timer e2scrub_all.timer dpkg-db-backup.timer man-db.timer systemd-logind.service; do
    ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
mkdir -p "$rootfs/etc/containers"
cat > "$rootfs/etc/containers/storage.conf" <<'CONF'
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
CONF
cat > "$rootfs/etc/containers/containers.conf" <<'CONF'
[containers]
netns = "none"
[engine]
cgroup_manager = "systemd"
events_logger = "file"
CONF
# A busybox root filesystem for the containers the tests start inside the node.
bash "$here/../busybox-rootfs.sh" "$rootfs/opt/busybox" >&2
echo "hutch-node" > "$rootfs/etc/hostname"
touch "$cache/$key/complete"
echo "$rootfs"
