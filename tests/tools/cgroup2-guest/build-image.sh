#!/usr/bin/env bash
# Builds the pure cgroup v2 test host: a Debian 12 guest (systemd as PID 1, one cgroup2 mount
# with cpuset cpu io memory hugetlb pids, a lingering user whose user@.service has delegated
# controllers) for qemu. Writes vmlinuz, initrd.img and disk.img into OUT (default: the cache
# directory keyed by this recipe, see image-dir.sh) and prints OUT. About 3.5 min; needs root,
# mmdebstrap, e2fsprogs and the Debian mirror this machine's apt uses.
#
# The guest boots with a 9p share: a runner unit mounts it, waits for the boot to finish, runs
# the share's guest-tests.sh, writes output and status back there, and powers off (run.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$("$here/image-dir.sh")}
user=hutchtest

# The machine's own mirror (never a hard-coded host): the first URI of its Debian sources.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 | awk '{print $1}')
if [ -z "$mirror" ]; then
    mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
if [ -z "$mirror" ]; then
    echo "build-image.sh: no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list" >&2
    exit 1
fi
for tool in mmdebstrap mke2fs; do
    command -v "$tool" >/dev/null || { echo "build-image.sh: $tool is missing: apt-get install -y mmdebstrap e2fsprogs" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/cgroup2-guest-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root

packages=systemd,systemd-sysv,udev,dbus,dbus-user-session,libpam-systemd,kmod,procps,util-linux
packages+=,passwd,login,linux-image-amd64,initramfs-tools,zstd,runc,crun,podman,conmon,catatonit
packages+=,busybox-static,iproute2,uidmap,libseccomp2,fuse-overlayfs,slirp4netns
packages+=,containernetworking-plugins,jq,golang-github-containers-common

echo "build-image.sh: mmdebstrap bookworm from $mirror" >&2
mmdebstrap --quiet --variant=apt --mode=root --include="$packages" bookworm "$root" "$mirror"

# --- configuration of the tree ---
echo cgroup2-guest > "$root/etc/hostname"
printf '127.0.0.1 localhost cgroup2-guest\n' > "$root/etc/hosts"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' > "$root/etc/fstab"
# A fixed machine id: every boot of the snapshot is the same machine.
echo 5f1e0c2b7a9d4e3f8c6b1a2d3e4f5a6b > "$root/etc/machine-id"

# The unprivileged user of the rootless tests: subordinate ids, lingering (its user@.service
# runs from boot), and delegated controllers in its user slice.
chroot "$root" useradd --create-home --shell /bin/bash --uid 1000 "$user"
echo "$user:100000:65536" > "$root/etc/subuid"
echo "$user:100000:65536" > "$root/etc/subgid"
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/$user"
mkdir -p "$root/etc/systemd/system/user@.service.d"
printf '[Service]\nDelegate=cpu cpuset io memory pids\n' > "$root/etc/systemd/system/user@.service.d/delegate.conf"

# podman without images or network: containers from a rootfs directory, vfs storage.
mkdir -p "$root/etc/containers"
printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
    > "$root/etc/containers/storage.conf"
printf '[containers]\nnetns = "none"\n[engine]\ncgroup_manager = "systemd"\nevents_logger = "file"\n' \
    > "$root/etc/containers/containers.conf"

# Nothing periodic or interactive runs during a test boot.
for unit in apt-daily.timer apt-daily-upgrade.timer man-db.timer fstrim.timer e2scrub_all.timer \
        podman-auto-update.timer podman-auto-update.service podman-restart.service podman.service podman.socket \
        getty@tty1.service serial-getty@ttyS0.service \
        systemd-timesyncd.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# A small initramfs that loads only what this guest boots from.
printf 'virtio_pci\nvirtio_blk\next4\ncrc32c_generic\n' > "$root/etc/initramfs-tools/modules"
printf 'MODULES=list\nCOMPRESS=zstd\n' > "$root/etc/initramfs-tools/conf.d/hutch-guest.conf"
chroot "$root" update-initramfs -u -k all >/dev/null

# The runner: mounts the 9p share, waits for the boot to finish, runs guest-tests.sh from it.
cat > "$root/usr/local/sbin/hutch-guest-runner" <<'RUNNER'
#!/bin/sh
# Runs the test script of the 9p share `share` and powers the guest off (the disk is a snapshot).
share=/mnt/share
modprobe 9pnet_virtio && modprobe 9p && mkdir -p "$share" &&
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 share "$share" || {
        echo "hutch-guest-runner: cannot mount the 9p share" > /dev/console
        systemctl poweroff -ff
    }
state=$(systemctl is-system-running --wait)
echo "$state" > "$share/system-state"
echo "hutch-guest-runner: system $state; running guest-tests.sh" > /dev/console
bash "$share/guest-tests.sh" > "$share/output.txt" 2>&1
echo $? > "$share/status"
systemctl --no-pager --failed > "$share/failed-units.txt" 2>&1
sync
umount "$share"
systemctl poweroff -ff
RUNNER
chmod 0755 "$root/usr/local/sbin/hutch-guest-runner"
cat > "$root/etc/systemd/system/hutch-guest-runner.service" <<'UNIT'
[Unit]
Description=Run the hutch guest tests from the 9p share, then power off
After=multi-user.target

[Service]
# simple, not oneshot: the boot must finish (is-system-running --wait) while the runner waits for it.
Type=simple
ExecStart=/usr/local/sbin/hutch-guest-runner
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/hutch-guest-runner.service \
    "$root/etc/systemd/system/multi-user.target.wants/hutch-guest-runner.service"

rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

mkdir -p "$work/out"
kernel=$(ls "$root"/boot/vmlinuz-* | sort -V | tail -1)
cp "$kernel" "$work/out/vmlinuz"
cp "$root/boot/initrd.img-${kernel##*/vmlinuz-}" "$work/out/initrd.img"
mke2fs -q -t ext4 -L root -d "$root" "$work/out/disk.img" 4G
mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv "$work/out" "$out"
echo "$out"
