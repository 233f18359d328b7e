#!/usr/bin/env bash
# Kills `create` with SIGKILL at chosen points and reports, per point, what the runtime leaves
# after the kill and after `delete --force`: whether `list` shows the container, processes,
# cgroup directories, mounts, and (with devices) whether the test netns's devices and addresses
# are back. Usage (root): bench/crash-points.sh RUNTIME-BINARY [LABEL]
# The runtime runs in a network namespace made here (nsenter --net), with three veth ends to move.
# Points: strace fault injection on the main thread (SIGKILL at the Nth call of a syscall; hutch
# does create on its main thread), a prestart hook that blocks, and random delays.
set -u
bin=$1; label=${2:-$(basename "$1")}
work=$(mktemp -d /tmp/crashpts.XXXXXX); root=$work/root; rootfs=$work/rootfs
trap 'rm -rf "$work"' EXIT
bash "$(dirname "$0")/../tests/tools/busybox-rootfs.sh" "$rootfs" >/dev/null 2>&1
ns=cp$$; ip netns add $ns; trap 'ip netns del $ns 2>/dev/null; rm -rf "$work"' EXIT
for i in 1 2 3; do
    ip -n $ns link add cpa$i type veth peer name cpb$i
    ip -n $ns addr add 198.18.9.$i/24 dev cpa$i; ip -n $ns addr add 2001:db8:9::$i/64 dev cpa$i nodad
done
ip -n $ns link set cpa1 up; ip -n $ns link set cpa3 up
snap() { ip -n $ns -j addr | python3 -c '
import json,sys
for l in sorted(json.load(sys.stdin), key=lambda l: l["ifname"]):
    print(l["ifname"], l["ifindex"], l.get("address"), "UP" in l["flags"], sorted((a["local"],a["prefixlen"]) for a in l["addr_info"] if a["scope"]!="link"))'; }
before=$(snap)
mkbundle() { # $1 dir, $2 devices yes/no, $3 hook yes/no, $4 cgroup name
    mkdir -p "$1"; (cd "$1" && "$bin" spec >/dev/null 2>&1 || /tmp/cs/hutch-before spec)
    python3 - "$1/config.json" "$rootfs" "$2" "$3" "$4" "$work" <<'PY'
import json,sys
p,rootfs,dev,hook,cg,work=sys.argv[1:]
c=json.load(open(p)); c['root']={'path':rootfs}; c['process']['terminal']=False; c['process']['args']=['sleep','100']
c['linux']['cgroupsPath']='/'+cg
c['linux'].pop('seccomp',None)
if dev=='yes': c['linux']['netDevices']={'cpa1':{'name':'eth1'},'cpa2':{'name':'eth%d'},'cpa3':{}}
if hook=='yes': c['hooks']={'prestart':[{'path':'/bin/sh','args':['sh','-c','touch '+work+'/hook; exec sleep 30']}]}
json.dump(c,open(p,'w'))
PY
}
run() { nsenter --net=/run/netns/$ns "$bin" --root "$root" "$@"; }
cgdirs() { for m in $(awk '$9 ~ /^cgroup2?$/ {print $5}' /proc/self/mountinfo); do [ -d "$m/$1" ] && echo "$m/$1"; done | wc -l; }
procs() { grep -ls "/$1" /proc/[0-9]*/cgroup 2>/dev/null | while read f; do s=$(awk '{print $3}' ${f%/cgroup}/stat 2>/dev/null); [ "$s" != Z ] && echo x; done | wc -l; }
report() { # $1 point $2 id $3 cg $4 dev; $rc: the create's exit status
    local crc=$rc; sleep 0.3
    local listed=no; run list -q 2>/dev/null | grep -qx "$2" && listed=yes
    local p1=$(procs "$3") c1=$(cgdirs "$3") d1=same
    [ "$4" = yes ] && [ "$(snap)" != "$before" ] && d1=moved
    run delete --force "$2" >/dev/null 2>&1; local drc=$?
    sleep 0.3
    local p2=$(procs "$3") c2=$(cgdirs "$3") m2=$(grep -c "$root" /proc/self/mountinfo) d2=same dirleft=no
    [ -e "$root/$2" ] && dirleft=yes
    if [ "$4" = yes ] && [ "$(snap)" != "$before" ]; then d2=LOST; snap | grep -q cpa1 || true; fi
    printf '| %s | %s | %s | %s | %s/%s | %s/%s | %s | %s | %s |%s\n' "$label" "$1" "$([ $crc = 0 ] && echo "exit 0 (done)" || echo "killed ($crc)")" "$listed" "$p1" "$p2" "$c1" "$c2" "$m2" "$([ "$4" = yes ] && echo "$d1 -> $d2" || echo -)" "$drc" "$([ $dirleft = yes ] && echo ' dir left')"
    # restore devices for the next round if lost: recreate pairs with the same names/addresses
    if [ "$4" = yes ] && [ "$(snap)" != "$before" ]; then
        for i in 1 2 3; do ip -n $ns link del cpa$i 2>/dev/null; ip link del cpa$i 2>/dev/null; done
        for dev in $(ip -o link | awk -F': ' '{print $2}' | grep -E '^(eth1|eth[0-9]+|cpa[0-9])(@|$)' | cut -d@ -f1); do :; done
        for i in 1 2 3; do ip -n $ns link add cpa$i type veth peer name cpb$i 2>/dev/null
            ip -n $ns addr add 198.18.9.$i/24 dev cpa$i; ip -n $ns addr add 2001:db8:9::$i/64 dev cpa$i nodad; done
        ip -n $ns link set cpa1 up; ip -n $ns link set cpa3 up; before=$(snap)
    fi
    cleanup_cg "$3"
}
cleanup_cg() { for m in $(awk '$9 ~ /^cgroup2?$/ {print $5}' /proc/self/mountinfo); do [ -d "$m/$1" ] && { for p in $(cat "$m/$1/cgroup.procs"); do kill -9 $p; done; sleep 0.1; rmdir "$m/$1"; }; done 2>/dev/null; }
n=0
point_strace() { # $1 devices $2 syscall $3 N
    n=$((n+1)); local id=cp$n cg=crashpts-$$-$n
    mkbundle $work/b$n "$1" no $cg
    (cd $work/b$n && exec nsenter --net=/run/netns/$ns strace -qq -o /dev/null -e inject=$2:signal=SIGKILL:when=$3 "$bin" --root "$root" create $id >/dev/null 2>&1); rc=$?
    report "$2#$3$([ "$1" = yes ] && echo ' +dev')" $id $cg "$1"
}
point_hook() { # $1 devices
    n=$((n+1)); local id=cp$n cg=crashpts-$$-$n; rm -f $work/hook
    mkbundle $work/b$n "$1" yes $cg
    (cd $work/b$n && exec nsenter --net=/run/netns/$ns "$bin" --root "$root" create $id >/dev/null 2>&1) & local pid=$!
    for i in $(seq 200); do [ -e $work/hook ] && break; sleep 0.05; done
    kill -9 $pid; wait $pid 2>/dev/null; rc=$?
    report "prestart hook$([ "$1" = yes ] && echo ' +dev')" $id $cg "$1"
    pkill -9 -f "exec sleep 30" 2>/dev/null; pgrep -f "^sleep 30$" | xargs -r kill -9
}
point_random() { # $1 devices $2 max delay ms
    n=$((n+1)); local id=cp$n cg=crashpts-$$-$n; local ms=$((RANDOM % $2))
    mkbundle $work/b$n "$1" no $cg
    (cd $work/b$n && exec nsenter --net=/run/netns/$ns "$bin" --root "$root" create $id >/dev/null 2>&1) & local pid=$!
    sleep "$(printf '0.%03d' $ms)"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rc=$?
    report "random ${ms} ms$([ "$1" = yes ] && echo ' +dev')" $id $cg "$1"
}
echo "| runtime | point | create | listed | procs after kill/after delete | cgroup dirs after kill/after delete | mounts left | devices after kill -> after delete | delete rc |"
echo "|---|---|---|---|---|---|---|---|---|"
mode=${MODE:-all}
if [ "$mode" != random ]; then
for N in 1 2 3 4 5 6 8 10 12; do point_strace no mkdir $N; done
point_strace no clone3 1
point_strace no renameat2 2
for N in 4 8 12 16 20 24 28; do point_strace yes sendto $N; done
point_strace yes renameat2 2
fi
point_hook no
point_hook yes
if [ "$mode" != strace ]; then
for i in $(seq ${RANDOM_TRIES:-10}); do point_random no ${MAXMS:-400}; done
for i in $(seq ${RANDOM_TRIES:-10}); do point_random yes ${MAXMS:-400}; done
fi
