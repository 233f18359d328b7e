#!/usr/bin/env bash
# A systemd "node": systemd 252 booted as PID 1 of a container (shared/systemd-node.md), to run
# the systemd cgroup driver and the clients that use it for real on a host without systemd.
#
#   node.sh start DIR NAME [RUNTIME]   boot a node in DIR (made; its rootfs an overlay over the
#                                      cached one from build-rootfs.sh), wait until systemd says
#                                      `running`; RUNTIME is runc (default) or a path to hutch
#   node.sh exec DIR NAME CMD...       run CMD inside the node
#   node.sh stop DIR NAME              halt systemd cleanly (SIGRTMIN+3), delete the container,
#                                      unmount and remove DIR
#
# HUTCH_BIN (a hutch binary) is copied to /usr/local/bin/hutch inside the node when set.
# HUTCH_NODE_BOOT_TIMEOUT: seconds to wait for `running` (default 90).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: node.sh start|exec|stop DIR NAME ...}
dir=${2:?usage: node.sh start|exec|stop DIR NAME ...}
name=${3:?usage: node.sh start|exec|stop DIR NAME ...}
shift 3

runtime() { "$(cat "$dir/runtime")" --root "$dir/state" "$@"; }

# The capability names by number (linux/capability.h), for the host's bounding set.
capability_names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
    LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE
    SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
    SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
    WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

bounding_set_json() {
    local mask=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status)))
    local names=() i
    for i in "${!capability_names[@]}"; do
        if (( (mask >> i) & 1 )); then names+=("\"CAP_${capability_names[$i]}\""); fi
    done
    local IFS=,
    echo "[${names[*]}]"
}

start() {
    local runtime_bin=${1:-runc}
    command -v "$runtime_bin" >/dev/null || { echo "node.sh: runtime $runtime_bin not found" >&2; exit 1; }
    local lower
    lower=$(bash "$here/build-rootfs.sh")
    mkdir -p "$dir"/{upper,work,rootfs,state}
    command -v "$runtime_bin" > "$dir/runtime"
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/rootfs"
    if [ -n "${HUTCH_BIN:-}" ]; then
        install -m 0755 "$HUTCH_BIN" "$dir/rootfs/usr/local/bin/hutch"
    fi
    touch "$dir/console"
    (cd "$dir" && rm -f config.json && "$runtime_bin" spec)
    local caps
    caps=$(bounding_set_json)
    jq --arg rootfs "$dir/rootfs" --arg console "$dir/console" --argjson caps "$caps" '
        .root = {path: $rootfs, readonly: false}
        | .process.args = ["/lib/systemd/systemd"]
        | .process.env += ["container=other"]
        | .process.terminal = false
        | .process.noNewPrivileges = false
        | .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps, inheritable: $caps, ambient: []}
        | .process.rlimits = []
        | .hostname = "hutch-node"
        | .linux.namespaces += [{type: "cgroup"}]
        | .linux.cgroupsPath = "hutch-systemd-node-" + ($rootfs | split("/") | .[-2])
        | .linux.resources = {devices: [{allow: true, access: "rwm"}]}
        | .linux.readonlyPaths = (.linux.readonlyPaths | map(select(. != "/proc/sys")))
        | .linux.maskedPaths = (.linux.maskedPaths | map(select(. != "/sys/firmware")))
        | .mounts = (.mounts | map(if .destination == "/sys/fs/cgroup" then .options = (.options | map(select(. != "ro")) + ["rw"]) else . end))
        | .mounts += [
            {destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=755"]},
            {destination: "/run/lock", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec", "mode=1777"]},
            {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]},
            {destination: "/dev/console", type: "bind", source: $console, options: ["bind", "rw"]}
          ]
        ' "$dir/config.json" > "$dir/config.json.new"
    mv "$dir/config.json.new" "$dir/config.json"
    (cd "$dir" && runtime run --detach "$name" </dev/null >"$dir/node.log" 2>&1)
    local deadline=$((SECONDS + ${HUTCH_NODE_BOOT_TIMEOUT:-90})) state=""
    while [ "$SECONDS" -lt "$deadline" ]; do
        state=$(runtime exec "$name" systemctl is-system-running 2>/dev/null || true)
        case "$state" in
            running) return 0 ;;
            degraded)
                echo "node.sh: the node booted degraded; failed units:" >&2
                runtime exec "$name" systemctl --failed --no-pager >&2 || true
                return 1 ;;
        esac
        sleep 0.2
    done
    echo "node.sh: systemd in node $name did not reach running within ${HUTCH_NODE_BOOT_TIMEOUT:-90} s (last: ${state:-no answer}); console:" >&2
    tail -n 30 "$dir/console" >&2 || true
    return 1
}

stop() {
    if [ -e "$dir/runtime" ] && runtime state "$name" >/dev/null 2>&1; then
        # SIGRTMIN+3: systemd's clean halt; then wait for the container to stop.
        runtime kill "$name" 37 || true
        local deadline=$((SECONDS + 30))
        while [ "$SECONDS" -lt "$deadline" ] && runtime state "$name" 2>/dev/null | grep -q '"status": *"running"'; do
            sleep 0.1
        done
        runtime delete --force "$name" || true
    fi
    if mountpoint -q "$dir/rootfs"; then
        umount -l "$dir/rootfs"
    fi
    rm -rf "$dir"
}

case "$cmd" in
    start) start "$@" ;;
    exec) runtime exec "$name" "$@" ;;
    stop) stop ;;
    *) echo "node.sh: unknown command $cmd (start, exec, stop)" >&2; exit 2 ;;
esac
