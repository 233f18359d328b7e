#!/usr/bin/env bash
# Makes a busybox root filesystem in DIR (used by the demo, tests and benchmarks).
# Needs Debian's busybox-static (/bin/busybox, statically linked).
set -eu
dir=${1:?usage: busybox-rootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}
if ! [ -x "$busybox" ]; then
    echo "busybox-rootfs.sh: $busybox not found: apt-get install -y busybox-static" >&2
    exit 1
fi
mkdir -p "$dir"/{bin,sbin,etc,dev,proc,sys,tmp,root,run,var,usr/bin,usr/sbin}
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
# One symlink per applet, so `ip`, `ls`, `sh`, `sleep`, `true` ... exist.
for applet in $("$busybox" --list); do
    [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$dir/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$dir/etc/group"
