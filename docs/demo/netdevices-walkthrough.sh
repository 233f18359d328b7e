#!/usr/bin/env bash
# The netDevices walkthrough (../shared/netdev-walkthrough.md), end to end, as `make demo`.
# Uses a veth pair in place of a dummy device: this kernel has no dummy driver.
# INTERACTIVE=1 gives the container's shell instead of running `ip a` in it.
# Cleans up after itself, also on failure and Ctrl-C.
set -eu
cd "$(dirname "$0")/../.."
HUTCH=${HUTCH:-$PWD/bin/hutch}
suffix=$$
hostA=hostA$suffix; hostB=hostB$suffix      # <= 15 bytes each
netns=demo$suffix
ctr=demo-ctr$suffix
root=$(mktemp -d /tmp/hutch-demo-root.XXXXXX)
bundle=$(mktemp -d /tmp/hutch-demo-bundle.XXXXXX)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

cleanup() {
    set +e
    "$HUTCH" --root "$root" delete --force "$ctr" >/dev/null 2>&1
    ip netns del "$netns" 2>/dev/null
    ip link del "$hostA" 2>/dev/null
    rm -rf "$root" "$bundle"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network devices and namespaces)" >&2; exit 1; }
[ -x "$HUTCH" ] || { echo "demo: $HUTCH not found: run make first" >&2; exit 1; }

step "1. Bundle: busybox rootfs and a config from hutch spec"
bash tests/tools/busybox-rootfs.sh "$bundle/rootfs"
echo "rootfs: $bundle/rootfs ($(ls "$bundle/rootfs/bin" | wc -l) busybox applets)"

step "2. Host side: a device with permanent global addresses, and a named network namespace"
show ip link add "$hostA" type veth peer name "$hostB"
show ip link set "$hostB" up     # the peer up gives the moved end a carrier (and its fe80:: link-local)
show ip link set "$hostA" up
show ip addr add 198.18.0.1/24 dev "$hostA"
show ip addr add 2001:db8::1/64 dev "$hostA" nodad
show ip netns add "$netns"
show ip addr show dev "$hostA"

step "3. Config: join /var/run/netns/$netns, move $hostA in as ctr_eth0"
args=(--bundle "$bundle" --netns "/var/run/netns/$netns" --net-device "$hostA=ctr_eth0")
if [ "${INTERACTIVE:-0}" != 1 ]; then
    args+=(--no-terminal -- sh -c 'ip a')
fi
show "$HUTCH" spec "${args[@]}"
jq '{namespaces: .linux.namespaces, netDevices: .linux.netDevices, args: .process.args}' "$bundle/config.json"

if ! "$HUTCH" features | jq -e '.linux.netDevices.enabled == true' >/dev/null; then
    step "4. hutch run: not possible yet"
    echo "demo: this build of hutch does not implement linux.netDevices yet" \
         "(\`hutch features\` does not list it); the demo stops here." >&2
    exit 1
fi

step "4. hutch run $ctr: ip a inside the container"
show "$HUTCH" --root "$root" run --bundle "$bundle" "$ctr"
echo "host namespace now:"; ip link show "$hostA" 2>&1 | sed 's/^/  /' || true

step "5. After exit: the device stays in $netns"
show ip netns exec "$netns" ip addr show dev ctr_eth0

step "6. ip netns del $netns: the veth is destroyed with it (and takes its peer)"
show ip netns del "$netns"
# The kernel tears a namespace down asynchronously: give it a moment.
for _ in $(seq 50); do ip link show "$hostB" >/dev/null 2>&1 || break; sleep 0.1; done
if ip link show "$hostB" >/dev/null 2>&1; then echo "unexpected: $hostB still exists"; exit 1; fi
echo "$hostA and its peer $hostB are gone"
step "done"
