#!/usr/bin/env bash
# The pure cgroup v2 suite, run inside the guest (build-image.sh) as root by its runner unit,
# from the 9p share that also holds the hutch under test and busybox-rootfs.sh (run.sh).
#
# Every case runs twice in the same boot: with runc (Debian 12's, the reference) and with hutch,
# on the same bundle. hutch's result is the verdict, printed TAP-style on stdout:
#   ok N - NAME            not ok N - NAME # why            ok N - NAME # SKIP why
# runc's result is only recorded. Each runtime's commands and their outputs go side by side
# into side-by-side.md on the share, for the reader to compare.
set -u
share=$(cd "$(dirname "$0")" && pwd)
work=/var/tmp/hutch-guest
rm -rf "$work"
mkdir -p "$work"
install -m 0755 "$share/hutch" /usr/local/bin/hutch
bash "$share/busybox-rootfs.sh" "$work/rootfs" >/dev/null
report=$share/side-by-side.md
cgroot=/sys/fs/cgroup
# The cgroup this script runs in (the runner's service): relative paths land beside it.
own=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
parent=$(dirname "$own")
vda=$(cat /sys/block/vda/dev)

number=0
runc_summary=()
{
    echo "# hutch and runc side by side on a pure cgroup v2 host"
    echo
    echo "Guest: $(uname -sr), $(. /etc/os-release; echo "$PRETTY_NAME"), systemd $(systemctl --version | awk 'NR==1 {print $2}'),"
    echo "cgroup2 controllers: $(cat $cgroot/cgroup.controllers); runc $(runc --version | awk 'NR==1 {print $3}'),"
    echo "hutch $(hutch --version | head -1). The suite runs in \`$own\`."
    echo
} > "$report"

# --- helpers -------------------------------------------------------------------------------

# x CMD...: runs CMD with its output in the case's log, as a user would see it.
x() {
    echo "\$ $*" >> "$log"
    "$@" >> "$log" 2>&1
    local rc=$?
    [ $rc = 0 ] || echo "(exit $rc)" >> "$log"
    return $rc
}

# xq CMD...: like x, with stdin from /dev/null and the output captured apart first, for
# commands that leave a container holding their stdio (create, run -d, exec -d).
xq() {
    local out rc
    out=$(mktemp "$work/out.XXXXXX")
    echo "\$ $*" >> "$log"
    "$@" < /dev/null > "$out" 2>&1
    rc=$?
    cat "$out" >> "$log"
    [ $rc = 0 ] || echo "(exit $rc)" >> "$log"
    return $rc
}

note() { echo "# $*" >> "$log"; }

# fail WHY: the case fails with WHY (the first reason is kept).
fail() {
    note "FAIL: $*"
    [ -n "$why" ] || why=$*
}

# expect_file FILE WANT: the cgroup file holds WANT (compared without surrounding whitespace).
expect_file() {
    local got
    got=$(cat "$1" 2>&1 | tr '\n' ' ' | sed 's/ *$//')
    echo "\$ cat $1" >> "$log"
    echo "$got" >> "$log"
    [ "$got" = "$2" ] || fail "$1 is \`$got\`, expected \`$2\`"
}

# bundle DIR JQ: the `runc spec` default bundle on the shared busybox rootfs, not a terminal,
# then the jq filter JQ applied to it.
bundle() {
    mkdir -p "$1"
    (cd "$1" && runc spec)
    jq --arg rootfs "$work/rootfs" '.root.path = $rootfs | .process.terminal = false | '"$2" \
        "$1/config.json" > "$1/config.new" && mv "$1/config.new" "$1/config.json"
}

# wait_for DESCRIPTION COMMAND...: polls COMMAND until it succeeds, for at most 60 s.
wait_for() {
    local what=$1 deadline=$((SECONDS + 60))
    shift
    until "$@" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            fail "timed out waiting for $what"
            return 1
        fi
        sleep 0.1
    done
}

status_is() { [ "$($R state "$1" 2>/dev/null | jq -r .status)" = "$2" ]; }
init_pid() { $R state "$1" | jq -r .pid; }
cgroup_of() { awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup"; }

# remove ID: kills and deletes the container (cleanup; never fails the case).
remove() {
    $R kill "$1" KILL >/dev/null 2>&1
    $R delete --force "$1" >/dev/null 2>&1
    true
}

# --- cases ---------------------------------------------------------------------------------
# Each case_NAME runs with $R (the runtime), $id (a container id unique to it) and $log; it
# calls fail to fail; it removes what it made.

case_default_bundle_limits() {
    # The `runc spec` default (no cgroupsPath) with a memory and pids limit: runc's cgroupfs
    # driver puts it beside the caller's cgroup (/system.slice/ID for a system service).
    bundle "$work/$id" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 99} | .process.args = ["sleep", "1000"]'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local pid cg
        pid=$(init_pid "$id")
        cg=$(cgroup_of "$pid")
        x cat "/proc/$pid/cgroup"
        [ "$cg" = "$parent/$id" ] || fail "the container is in $cg, expected $parent/$id"
        expect_file "$cgroot$cg/memory.max" 67108864
        expect_file "$cgroot$cg/pids.max" 99
        x $R exec "$id" cat /proc/self/cgroup /sys/fs/cgroup/memory.max || fail "exec failed"
        remove "$id"
        [ ! -e "$cgroot$cg" ] || fail "$cgroot$cg is left after delete"
    else
        fail "run -d failed"
    fi
}

case_relative_path() {
    bundle "$work/$id" '.linux.cgroupsPath = "guest-relative/'"$id"'" | .linux.resources.memory = {"limit": 67108864} | .process.args = ["sleep", "1000"]'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local cg
        cg=$(cgroup_of "$(init_pid "$id")")
        note "cgroup: $cg"
        [ "$cg" = "$parent/guest-relative/$id" ] || fail "the container is in $cg, expected $parent/guest-relative/$id"
        expect_file "$cgroot$cg/memory.max" 67108864
        remove "$id"
    else
        fail "run -d failed"
    fi
    rmdir "$cgroot$parent/guest-relative" 2>/dev/null
}

case_resources() {
    # Every linux.resources field a v2 host has a file for, read back from the host.
    local hugetlb='' weight_file
    [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && hugetlb='| .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .process.args = ["sleep", "1000"] |
        .linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 134217728} |
        .linux.resources.pids = {"limit": 123} |
        .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000, "burst": 10000, "cpus": "0", "mems": "0"} |
        .linux.resources.blockIO = {"weight": 500,
            "throttleReadBpsDevice": [{"major": '"${vda%:*}"', "minor": '"${vda#*:}"', "rate": 1048576}],
            "throttleWriteBpsDevice": [{"major": '"${vda%:*}"', "minor": '"${vda#*:}"', "rate": 2097152}],
            "throttleReadIOPSDevice": [{"major": '"${vda%:*}"', "minor": '"${vda#*:}"', "rate": 100}],
            "throttleWriteIOPSDevice": [{"major": '"${vda%:*}"', "minor": '"${vda#*:}"', "rate": 200}]} |
        .linux.resources.unified = {"memory.high": "50331648", "pids.max": "123"} '"$hugetlb"
    x jq -c .linux.resources "$work/$id/config.json"
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local dir=$cgroot/hutch-guest/$id
        expect_file "$dir/memory.max" 67108864
        expect_file "$dir/memory.low" 33554432
        expect_file "$dir/memory.swap.max" 67108864
        expect_file "$dir/memory.high" 50331648
        expect_file "$dir/pids.max" 123
        # cpu.shares 1024 is the default weight (100) in the mapping of runc 1.3.2+ and crun 1.23+;
        # runc 1.1 maps it linearly (39).
        expect_file "$dir/cpu.weight" 100
        expect_file "$dir/cpu.max" "50000 100000"
        # cpu.burst (runtime-spec 1.1): runc 1.1 does not know it.
        expect_file "$dir/cpu.max.burst" 10000
        expect_file "$dir/cpuset.cpus" 0
        expect_file "$dir/cpuset.mems" 0
        # blkio weight 500: io.bfq.weight as given when BFQ is the scheduler, else io.weight converted (1..10000).
        if [ -e "$dir/io.bfq.weight" ]; then weight_file=io.bfq.weight; expect_file "$dir/io.bfq.weight" "default 500"
        else weight_file=io.weight; expect_file "$dir/io.weight" "default 4950"; fi
        note "weight file: $weight_file"
        expect_file "$dir/io.max" "$vda rbps=1048576 wbps=2097152 riops=100 wiops=200"
        [ -n "$hugetlb" ] && expect_file "$dir/hugetlb.2MB.max" 4194304
        remove "$id"
    else
        fail "run -d failed"
    fi
}

case_update() {
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .process.args = ["sleep", "1000"] | .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 100}'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local dir=$cgroot/hutch-guest/$id
        x $R update --memory 96M --pids-limit 50 --cpu-quota 20000 --cpu-period 100000 "$id" || fail "update with flags failed"
        expect_file "$dir/memory.max" 100663296
        expect_file "$dir/pids.max" 50
        expect_file "$dir/cpu.max" "20000 100000"
        # containerd's way: the resources as JSON on stdin.
        echo '$ echo {"pids":{"limit":42},"cpu":{"cpus":"0"}} | '"$R update --resources - $id" >> "$log"
        echo '{"pids":{"limit":42},"cpu":{"cpus":"0"}}' | $R update --resources - "$id" >> "$log" 2>&1 || fail "update --resources - failed"
        expect_file "$dir/pids.max" 42
        expect_file "$dir/cpuset.cpus" 0
        remove "$id"
    else
        fail "run -d failed"
    fi
}

case_pause_resume() {
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .process.args = ["sleep", "1000"]'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local dir=$cgroot/hutch-guest/$id
        x $R pause "$id" || fail "pause failed"
        expect_file "$dir/cgroup.freeze" 1
        wait_for "cgroup.events to say frozen 1" grep -qx "frozen 1" "$dir/cgroup.events"
        x $R state "$id"
        status_is "$id" paused || fail "state is not paused"
        x $R resume "$id" || fail "resume failed"
        expect_file "$dir/cgroup.freeze" 0
        wait_for "cgroup.events to say frozen 0" grep -qx "frozen 0" "$dir/cgroup.events"
        status_is "$id" running || fail "state is not running after resume"
        remove "$id"
    else
        fail "run -d failed"
    fi
}

case_kill_all() {
    # Without a pid namespace, so that the exec'd process would outlive the init.
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .process.args = ["sleep", "1000"] | .linux.namespaces |= map(select(.type != "pid"))'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local dir=$cgroot/hutch-guest/$id
        xq $R exec -d "$id" sleep 1001 || fail "exec -d failed"
        x cat "$dir/cgroup.procs"
        [ "$(wc -l < "$dir/cgroup.procs")" = 2 ] || fail "the cgroup does not hold the init and the exec'd process"
        x $R kill --all "$id" KILL || fail "kill --all failed"
        wait_for "the cgroup to be empty" test -z "$(cat "$dir/cgroup.procs")"
        wait_for "the container to stop" status_is "$id" stopped
        x $R state "$id"
        x $R delete "$id" || fail "delete failed"
        [ ! -e "$dir" ] || fail "$dir is left after delete"
    else
        fail "run -d failed"
    fi
    remove "$id"
}

# has_watch PID: the process holds an inotify instance or an eventfd (an OOM watch).
has_watch() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        case $(readlink "$fd") in *inotify*|*eventfd*) return 0 ;; esac
    done
    return 1
}

case_events_oom() {
    # A 100 MB dd under a 64 MB limit without swap is OOM-killed; events reports it.
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .linux.resources.memory = {"limit": 67108864, "swap": 67108864} | .process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=100M", "count=1"]'
    if xq $R create --bundle "$work/$id" "$id"; then
        local dir=$cgroot/hutch-guest/$id events=$work/$id.events evpid
        $R events "$id" > "$events" 2>&1 &
        evpid=$!
        wait_for "events to watch the cgroup" has_watch $evpid
        x $R start "$id" || fail "start failed"
        wait_for "the container to stop" status_is "$id" stopped
        wait_for "events to report the OOM" grep -q '"type":"oom"' "$events"
        x grep oom_kill "$dir/memory.events"
        grep -q '^oom_kill [1-9]' "$dir/memory.events" || fail "memory.events counts no oom_kill"
        # events ends when the container stops (runc: when its cgroup goes); give it the delete.
        x $R delete "$id"
        wait_for "events to exit" sh -c "! kill -0 $evpid"
        kill $evpid 2>/dev/null
        wait $evpid 2>/dev/null
        echo "\$ $R events $id   # while it ran" >> "$log"
        grep -v '"type":"stats"' "$events" >> "$log"
        echo "($(grep -c '"type":"stats"' "$events") stats events left out)" >> "$log"
    else
        fail "create failed"
    fi
    remove "$id"
}

case_devices() {
    # The eBPF device filter: the default rules deny vda (a block device), an added rule allows
    # writing /dev/kmsg; CAP_MKNOD lets the container make both nodes on a tmpfs.
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" |
        .process.capabilities |= with_entries(.value += ["CAP_MKNOD"]) |
        .mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}] |
        .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}] |
        .process.args = ["sh", "-c", "mknod /mnt/vda b '"${vda%:*} ${vda#*:}"' && mknod /mnt/kmsg c 1 11 && if head -c 16 /mnt/vda >/dev/null; then echo vda-readable; else echo vda-denied; fi; if echo hutch-guest-devices > /mnt/kmsg; then echo kmsg-writable; else echo kmsg-denied; fi; echo x > /dev/null && echo null-writable"]'
    local out=$work/$id.out
    echo "\$ $R run --bundle $work/$id $id" >> "$log"
    $R run --bundle "$work/$id" "$id" < /dev/null > "$out" 2>&1
    cat "$out" >> "$log"
    grep -qx vda-denied "$out" || fail "the container could read the block device the rules deny"
    grep -qx kmsg-writable "$out" || fail "the container could not write the character device a rule allows"
    grep -qx null-writable "$out" || fail "the container could not write /dev/null"
    remove "$id"
}

case_ps() {
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .process.args = ["sleep", "1000"]'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local dir=$cgroot/hutch-guest/$id
        xq $R exec -d "$id" sleep 1001 || fail "exec -d failed"
        x $R ps "$id"
        x $R ps --format json "$id"
        local listed procs
        listed=$($R ps --format json "$id" | jq -r '.[]' | sort -n | tr '\n' ' ')
        procs=$(sort -n "$dir/cgroup.procs" | tr '\n' ' ')
        [ "$listed" = "$procs" ] || fail "ps lists \`$listed\`, cgroup.procs holds \`$procs\`"
        remove "$id"
    else
        fail "run -d failed"
    fi
}

case_nested_delegated() {
    # A nested cgroupsPath, and a container that makes its own sub-cgroup: with a cgroup
    # namespace and a read-write /sys/fs/cgroup it sees its cgroup as / and can delegate below it.
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/nest/a/'"$id"'" |
        .mounts |= map(if .destination == "/sys/fs/cgroup" then .options |= map(select(. != "ro")) else . end) |
        .process.args = ["sh", "-c", "cat /proc/self/cgroup; mkdir /sys/fs/cgroup/inner && echo $$ > /sys/fs/cgroup/inner/cgroup.procs && echo +pids > /sys/fs/cgroup/cgroup.subtree_control && echo 7 > /sys/fs/cgroup/inner/pids.max && cat /proc/self/cgroup /sys/fs/cgroup/inner/pids.max && rmdir /sys/fs/cgroup/inner 2>/dev/null; echo done"]'
    local out=$work/$id.out
    echo "\$ $R run --bundle $work/$id $id" >> "$log"
    $R run --bundle "$work/$id" "$id" < /dev/null > "$out" 2>&1
    cat "$out" >> "$log"
    grep -qx "0::/" "$out" || fail "the container does not see its cgroup as /"
    grep -qx "0::/inner" "$out" || fail "the container could not move itself into its own sub-cgroup"
    grep -qx 7 "$out" || fail "the container could not enable pids for its sub-cgroup and set its pids.max"
    remove "$id"
    [ ! -e "$cgroot/hutch-guest/nest/a/$id" ] || fail "$cgroot/hutch-guest/nest/a/$id is left after delete"
}

case_no_internal_process() {
    # A cgroup whose children have controllers enabled cannot hold processes (the kernel's
    # no-internal-process rule): create must fail with a clear error and leave nothing behind.
    local busy=$cgroot/hutch-guest/busy-$id
    mkdir -p "$busy/child"
    # memory: a domain controller (with only threaded ones such as pids the cgroup could still
    # become a thread root, and the kernel would let processes in).
    echo +memory > "$cgroot/hutch-guest/cgroup.subtree_control"
    echo +memory > "$busy/cgroup.subtree_control"
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/busy-'"$id"'" | .process.args = ["true"]'
    if xq $R create --bundle "$work/$id" "$id"; then
        fail "create succeeded in a cgroup that cannot hold processes"
    fi
    x $R list
    if $R state "$id" >/dev/null 2>&1; then fail "the failed create left the container behind"; fi
    remove "$id"
    rmdir "$busy/child" "$busy" 2>/dev/null
}

case_exec_joins_cgroup() {
    bundle "$work/$id" '.linux.cgroupsPath = "/hutch-guest/'"$id"'" | .process.args = ["sleep", "1000"]'
    if xq $R run -d --bundle "$work/$id" "$id"; then
        local out
        out=$($R exec "$id" cat /proc/self/cgroup 2>&1)
        echo "\$ $R exec $id cat /proc/self/cgroup" >> "$log"; echo "$out" >> "$log"
        [ "$out" = "0::/" ] || fail "exec's process is in \`$out\`, expected 0::/"
        remove "$id"
    else
        fail "run -d failed"
    fi
}

# podman IMAGE-less: a container from the busybox rootfs directory.
podman_run() {
    x podman --runtime "$(command -v "$R")" "$@"
}

case_podman_cgroupfs() {
    local out=$work/$id.out
    echo "\$ podman --runtime $(command -v "$R") --cgroup-manager cgroupfs run --rm --memory 64m --pids-limit 77 --rootfs $work/rootfs sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'" >> "$log"
    podman --runtime "$(command -v "$R")" --cgroup-manager cgroupfs run --rm --memory 64m --pids-limit 77 --rootfs "$work/rootfs" \
        sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max' < /dev/null > "$out" 2>&1 || fail "podman run failed"
    cat "$out" >> "$log"
    grep -qx 67108864 "$out" || fail "memory.max is not 64m"
    grep -qx 77 "$out" || fail "pids.max is not 77"
}

case_podman_systemd() {
    if [ "$R" = hutch ] && hutch --systemd-cgroup create --bundle "$work/no-such-bundle" probe 2>&1 | grep -q "systemd-cgroup is not supported"; then
        skip_why="hutch has no --systemd-cgroup driver yet (issue 12, deliverable 2)"
        x hutch --systemd-cgroup create --bundle "$work/no-such-bundle" probe
        return
    fi
    local out=$work/$id.out
    echo "\$ podman --runtime $(command -v "$R") run --rm --memory 64m --rootfs $work/rootfs sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max'" >> "$log"
    podman --runtime "$(command -v "$R")" run --rm --memory 64m --rootfs "$work/rootfs" \
        sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max' < /dev/null > "$out" 2>&1 || fail "podman run failed"
    cat "$out" >> "$log"
    grep -qx 67108864 "$out" || fail "memory.max is not 64m"
}

# The unprivileged user of the rootless cases (build-image.sh): lingering, with delegated controllers.
user=hutchtest
user_uid=1000

# as_user CMD...: runs CMD as the user in a transient service of its systemd user instance, with
# Delegate=yes: the delegated cgroup rootless runtimes use. Prints CMD's output, then exit=N.
# (A script file: systemd would expand the $ of an inline one.)
printf '"$@"\necho "exit=$?"\n' > "$work/as-user.sh"
as_user() {
    runuser -u "$user" -- env XDG_RUNTIME_DIR=/run/user/$user_uid DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$user_uid/bus \
        systemd-run --user --quiet --wait --pipe --collect -p Delegate=yes -- /bin/sh "$work/as-user.sh" "$@" < /dev/null 2>&1
}

user_bus_ready() { [ -S /run/user/$user_uid/bus ]; }

# rootless_bundle DIR JQ: `runc spec --rootless` made by the user, on the shared rootfs, then JQ.
rootless_bundle() {
    rm -rf "$1"
    mkdir -p "$1"
    chown "$user:" "$1"
    runuser -u "$user" -- sh -c "cd '$1' && runc spec --rootless"
    jq --arg rootfs "$work/rootfs" '.root.path = $rootfs | .process.terminal = false | '"$2" \
        "$1/config.json" > "$1/config.new" && mv "$1/config.new" "$1/config.json"
    chown "$user:" "$1/config.json"
}

# hutch_lacks_rootless OUTPUT: the output is the failure issue 11 names (hutch keeps its state
# in /run/hutch whatever the user), so the rootless cases cannot run yet.
hutch_lacks_rootless() { grep -q "state root.*permission denied" "$1"; }

case_rootless_run() {
    # runc spec --rootless with a 64 MB limit, run by the user in its delegated cgroup: the
    # container lands beside the user's service, and a 100 MB dd there is OOM-killed.
    wait_for "the user's systemd instance" user_bus_ready || return
    rootless_bundle "$work/$id" '.linux.resources = {"memory": {"limit": 67108864, "swap": 67108864}, "pids": {"limit": 50}} |
        .process.args = ["sh", "-c", "cat /proc/self/cgroup; dd if=/dev/zero of=/dev/null bs=100M count=1 && echo survived"]'
    local out=$work/$id.out
    echo "\$ $R run --bundle $work/$id $id   # as $user, in a Delegate=yes service of its systemd" >> "$log"
    as_user "$R" run --bundle "$work/$id" "$id" > "$out"
    cat "$out" >> "$log"
    if [ "$R" = hutch ] && hutch_lacks_rootless "$out"; then
        skip_why="hutch has no rootless mode yet (issue 11): $(grep -m1 'state root' "$out")"
        return
    fi
    grep -q "^0::/user.slice/user-$user_uid.slice/user@$user_uid.service/" "$out" ||
        grep -qx "0::/" "$out" || fail "the container is not in the user's delegated cgroup"
    grep -qx survived "$out" && fail "the 100 MB dd survived the 64 MB limit"
    grep -qx "exit=137" "$out" || fail "run did not exit 137 (the OOM kill)"
    as_user "$R" delete --force "$id" >/dev/null
}

case_rootless_podman() {
    wait_for "the user's systemd instance" user_bus_ready || return
    # podman writes into a --rootfs (the /etc/mtab link): the user's own copy.
    local out=$work/$id.out rootfs=$work/user-rootfs
    if ! [ -d "$rootfs" ]; then
        cp -a "$work/rootfs" "$rootfs"
        chown -R "$user:" "$rootfs"
    fi
    # --cgroupns host: the container's /proc/self/cgroup names its scope in the user's systemd.
    echo "\$ podman --runtime $(command -v "$R") run --rm --cgroupns host --memory 64m --rootfs $rootfs sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup\$(cut -d: -f3 /proc/self/cgroup)/memory.max'   # as $user" >> "$log"
    as_user podman --runtime "$(command -v "$R")" run --rm --cgroupns host --memory 64m --rootfs "$rootfs" \
        sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/memory.max' > "$out"
    cat "$out" >> "$log"
    # Without rootless mode, hutch may fail before its state root (the systemd driver on the
    # system bus): probe rootless mode itself with a bare rootless run.
    if [ "$R" = hutch ] && ! hutch_lacks_rootless "$out"; then
        rootless_bundle "$work/$id-probe" '.process.args = ["true"]'
        as_user hutch run --bundle "$work/$id-probe" "$id-probe" > "$out.probe"
        if hutch_lacks_rootless "$out.probe"; then cat "$out.probe" >> "$out"; fi
    fi
    if [ "$R" = hutch ] && hutch_lacks_rootless "$out"; then
        skip_why="hutch has no rootless mode (issue 11) yet: $(grep -m1 -e 'state root' "$out")"
        return
    fi
    # podman's default for a user on a systemd host is its systemd manager: the runtime gets
    # --systemd-cgroup and starts libpod-ID.scope on the user's bus, from inside podman's user
    # namespace.
    grep -q "^0::/user.slice/user-$user_uid.slice/user@$user_uid.service/.*libpod-[0-9a-f]*\.scope\$" "$out" ||
        fail "the container is not in a libpod scope of the user's systemd"
    grep -qx 67108864 "$out" || fail "memory.max is not 64m"
    grep -qx "exit=0" "$out" || fail "podman run failed"
}

case_rootless_systemd_cgroup() {
    # --systemd-cgroup run -d by the user (not in a user namespace of podman's): a transient
    # scope of the user's systemd, user.slice/hutch-guest-ID.scope below user@UID.service, with
    # the limits as properties and in the files; delete stops it.
    wait_for "the user's systemd instance" user_bus_ready || return
    rootless_bundle "$work/$id" '.linux.cgroupsPath = "user.slice:hutch-guest:'"$id"'" | .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 77}} |
        .process.args = ["sleep", "1000"]'
    local out=$work/$id.out scope=hutch-guest-$id.scope pid cg
    local want=/user.slice/user-$user_uid.slice/user@$user_uid.service/user.slice/$scope
    echo "\$ $R --systemd-cgroup run -d --bundle $work/$id $id   # as $user" >> "$log"
    # The container keeps its stdio: /dev/null, so that systemd-run's pipe closes.
    as_user sh -c "exec $R --systemd-cgroup run -d --bundle $work/$id $id </dev/null >/dev/null 2>$work/$id/err" > "$out"
    cat "$out" "$work/$id/err" >> "$log"
    if grep -qx "exit=0" "$out"; then
        pid=$(as_user "$R" state "$id" | sed -n 's/^ *"pid": *\([0-9]*\).*/\1/p')
        cg=$(cgroup_of "$pid")
        note "init $pid in $cg"
        [ "$cg" = "$want" ] || fail "the container is in $cg, expected $want"
        x runuser -u "$user" -- env XDG_RUNTIME_DIR=/run/user/$user_uid systemctl --user show -p MemoryMax -p TasksMax -p Delegate "$scope"
        expect_file "$cgroot$want/memory.max" 67108864
        expect_file "$cgroot$want/pids.max" 77
        as_user "$R" delete --force "$id" >> "$log"
        wait_for "the user's scope to go" sh -c "! [ -d $cgroot$want ]"
    else
        fail "run -d failed"
        as_user "$R" delete --force "$id" >/dev/null
    fi
}

case_systemd_cgroup() {
    # --systemd-cgroup: a transient scope system.slice/hutch-guest-ID.scope with the limit.
    if [ "$R" = hutch ] && hutch --systemd-cgroup create --bundle "$work/no-such-bundle" probe 2>&1 | grep -q "systemd-cgroup is not supported"; then
        skip_why="hutch has no --systemd-cgroup driver yet (issue 12, deliverable 2)"
        x hutch --systemd-cgroup create --bundle "$work/no-such-bundle" probe
        return
    fi
    bundle "$work/$id" '.linux.cgroupsPath = "system.slice:hutch-guest:'"$id"'" | .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 88} | .process.args = ["sleep", "1000"]'
    if xq $R --systemd-cgroup run -d --bundle "$work/$id" "$id"; then
        local cg
        cg=$(cgroup_of "$(init_pid "$id")")
        note "cgroup: $cg"
        [ "$cg" = "/system.slice/hutch-guest-$id.scope" ] || fail "the container is in $cg, expected /system.slice/hutch-guest-$id.scope"
        x systemctl show -p MemoryMax -p TasksMax -p Delegate "hutch-guest-$id.scope"
        expect_file "$cgroot$cg/memory.max" 67108864
        expect_file "$cgroot$cg/pids.max" 88
        remove "$id"
        wait_for "the scope to go" sh -c "! systemctl is-active -q hutch-guest-$id.scope"
    else
        fail "run -d failed"
    fi
}

# --- driver --------------------------------------------------------------------------------

cases=(default_bundle_limits relative_path resources update pause_resume kill_all events_oom
    devices ps nested_delegated no_internal_process exec_joins_cgroup podman_cgroupfs podman_systemd
    systemd_cgroup rootless_run rootless_podman rootless_systemd_cgroup)
# run.sh GUEST_CASES="a b" leaves the names to run in the share's `cases`.
if [ -s "$share/cases" ]; then read -ra cases < "$share/cases"; fi
mkdir -p "$cgroot/hutch-guest"
failures=0
for name in "${cases[@]}"; do
    declare -A verdict=()
    declare -A reason=()
    for R in runc hutch; do
        id=$R-${name//_/-}
        log=$work/$name.$R.log
        : > "$log"
        why='' skip_why=''
        "case_$name"
        if [ -n "$skip_why" ]; then verdict[$R]=skip; reason[$R]=$skip_why
        elif [ -n "$why" ]; then verdict[$R]=fail; reason[$R]=$why
        else verdict[$R]=pass; reason[$R]=''; fi
    done
    number=$((number + 1))
    case ${verdict[hutch]} in
        pass) echo "ok $number - $name (runc: ${verdict[runc]}${reason[runc]:+: ${reason[runc]}})" ;;
        skip) echo "ok $number - $name # SKIP ${reason[hutch]}" ;;
        fail) echo "not ok $number - $name # ${reason[hutch]} (runc: ${verdict[runc]}${reason[runc]:+: ${reason[runc]}})"; failures=$((failures + 1)) ;;
    esac
    {
        echo "## $name"
        echo
        echo "hutch: ${verdict[hutch]}${reason[hutch]:+ (${reason[hutch]})}; runc: ${verdict[runc]}${reason[runc]:+ (${reason[runc]})}"
        echo
        for R in runc hutch; do
            echo "### $R"
            echo '```'
            cat "$work/$name.$R.log"
            echo '```'
        done
        echo
    } >> "$report"
    unset verdict reason
done
echo "1..$number"
rmdir "$cgroot/hutch-guest/nest/a" "$cgroot/hutch-guest/nest" "$cgroot/hutch-guest" 2>/dev/null
[ $failures = 0 ]
