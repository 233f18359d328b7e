#!/usr/bin/env bash
# Boots the pure cgroup v2 guest (build-image.sh; built and cached on first use) once and runs
# guest-tests.sh in it with HUTCH, the binary under test, beside the guest's runc.
#   usage: run.sh HUTCH OUT
# OUT receives output.txt (the TAP lines, also printed), side-by-side.md (each case's commands
# and outputs under runc and hutch), console.log (the guest's serial console) and status.
# Exit status: 0 when every case passed, 1 when one failed or the guest did not finish,
# 77 when this machine cannot run the guest at all (the reason on stderr).
# GUEST_CASES="a b" runs only those cases; GUEST_TIMEOUT (seconds, default 1500) bounds the boot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hutch=${1:?usage: run.sh HUTCH OUT}
out=${2:?usage: run.sh HUTCH OUT}
hutch=$(readlink -f "$hutch")
[ -x "$hutch" ] || { echo "run.sh: $hutch is not an executable (make build)" >&2; exit 1; }
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "run.sh: qemu-system-x86_64 is not installed (apt-get install -y qemu-system-x86, or make deps)" >&2
    exit 77
fi
if [ "$(id -u)" != 0 ]; then
    echo "run.sh: building the guest image needs root" >&2
    exit 77
fi

image=$("$here/image-dir.sh")
mkdir -p "$(dirname "$image")"
# One build at a time; a finished image is never rebuilt (its name is the recipe's hash).
exec 9> "$(dirname "$image")/.cgroup2-guest.lock"
flock 9
if ! [ -e "$image/disk.img" ]; then
    echo "run.sh: building the guest image in $image (about 4 min)" >&2
    started=$SECONDS
    "$here/build-image.sh" "$image" >&2
    echo "run.sh: image built in $((SECONDS - started)) s" >&2
    # Images of older recipes are never used again.
    for old in "$(dirname "$image")"/cgroup2-guest-*; do
        [ "$old" = "$image" ] || rm -rf "$old"
    done
fi
flock -u 9

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
share=$(mktemp -d /var/tmp/cgroup2-guest-share.XXXXXX)
trap 'rm -rf "$share"' EXIT
cp "$hutch" "$share/hutch"
cp "$here/guest-tests.sh" "$share/"
cp "$here/../busybox-rootfs.sh" "$share/"
if [ -n "${GUEST_CASES:-}" ]; then
    echo "$GUEST_CASES" > "$share/cases"
fi

echo "run.sh: booting the guest (qemu TCG, 2 vCPUs)" >&2
started=$SECONDS
set +e
# -snapshot: the image is never written, every boot starts from the same disk.
timeout --kill-after=10 "${GUEST_TIMEOUT:-1500}" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -smp 2 -m 2048 \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 quiet" \
    -drive "file=$image/disk.img,format=raw,if=virtio" -snapshot \
    -nic none -nographic -no-reboot -serial "file:$out/console.log" -monitor none \
    -virtfs "local,path=$share,mount_tag=share,security_model=none" < /dev/null > "$out/qemu.log" 2>&1
qemu_status=$?
set -e
echo "run.sh: the guest ran $((SECONDS - started)) s (qemu exit $qemu_status)" >&2
for file in output.txt side-by-side.md status system-state failed-units.txt; do
    [ -e "$share/$file" ] && cp "$share/$file" "$out/"
done
if ! [ -e "$out/status" ]; then
    echo "run.sh: the guest did not finish its tests (qemu exit $qemu_status); the end of its console:" >&2
    tail -n 30 "$out/console.log" >&2 || true
    [ -e "$out/output.txt" ] && cat "$out/output.txt"
    exit 1
fi
cat "$out/output.txt"
echo "run.sh: boot state $(cat "$out/system-state" 2>/dev/null), tests exit $(cat "$out/status")" >&2
[ "$(cat "$out/status")" = 0 ]
