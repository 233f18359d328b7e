#!/usr/bin/env bash
# CPU cost of each hutch command, for before/after comparisons of an optimisation on a busy
# machine: `perf stat` task-clock (CPU time of the command and the children it waits for) and
# page faults barely depend on what else runs, unlike wall-clock time (also shown).
# Usage: sudo bench/cpu-profile.sh BINARY [BINARY ...]   (RUNS=15 by default)
# The binaries run interleaved (A, B, A, B, ...) on one busybox bundle of /bin/true (sleep 100
# for kill and delete), each with its own --root; the table holds medians.
set -eu
cd "$(dirname "$0")/.."
repo=$PWD
RUNS=${RUNS:-15}
[ $# -ge 1 ] || { echo "usage: $0 BINARY [BINARY ...]" >&2; exit 2; }
command -v perf >/dev/null || { echo "cpu-profile: perf not found (apt-get install linux-perf)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "cpu-profile: needs root" >&2; exit 1; }

work=$(mktemp -d /tmp/hutch-cpu.XXXXXX)
bins=()
for b in "$@"; do bins+=("$(readlink -f "$b")"); done
cleanup() {
    set +e
    for i in "${!bins[@]}"; do
        for id in c s k d r; do "${bins[$i]}" --root "$work/root$i" delete -f "$id$i" >/dev/null 2>&1; done
    done
    rm -rf "$work"
}
trap cleanup EXIT

bt=$work/bundle-true
bs=$work/bundle-sleep
bash tests/tools/busybox-rootfs.sh "$bt/rootfs" >/dev/null
(cd "$bt" && "${bins[0]}" spec --no-terminal -- /bin/true)
jq 'del(.linux.resources)' "$bt/config.json" > "$work/c.json" && mv "$work/c.json" "$bt/config.json"
mkdir -p "$bs"
jq --arg r "$bt/rootfs" '.process.args = ["/bin/sleep", "100"] | .root.path = $r' "$bt/config.json" > "$bs/config.json"

# stat1 COMMAND... -> "task-clock-ms page-faults wall-ms" of one run. perf writes to a file: a created
# container's init keeps create's stdio open, so no pipe may be its stdout or stderr.
stat1() {
    perf stat -x, -o "$work/perf.out" -e task-clock,page-faults,duration_time -- "$@" >/dev/null 2>&1 </dev/null || true
    awk -F, '/task-clock/{t=$1} /page-faults/{p=$1} /duration_time/{w=$1/1e6} END{printf "%s %s %.2f", t, p, w}' "$work/perf.out"
}

measure() { # NAME PREP(id) CMD(id) -- for each binary, RUNS samples into $work/NAME.i
    local name=$1 prep=$2 cmd=$3 r i
    for r in $(seq "$RUNS"); do
        for i in "${!bins[@]}"; do
            local b=${bins[$i]} root=$work/root$i
            x=$i   # container ids end with the binary's index: equal ids would share one cgroup
            $prep "$b" "$root" >/dev/null 2>&1 || true
            echo "$(stat1 $($cmd "$b" "$root"))" >> "$work/$name.$i"
        done
    done
}
noprep() { :; }
p_none()    { "$1" --root "$2" delete -f c$x; }
p_created() { "$1" --root "$2" delete -f s$x; "$1" --root "$2" create --bundle "$bt" s$x; }
p_running() { "$1" --root "$2" delete -f k$x; "$1" --root "$2" create --bundle "$bs" k$x; "$1" --root "$2" start k$x; }
p_stopped() {
    "$1" --root "$2" delete -f d$x; "$1" --root "$2" create --bundle "$bs" d$x; "$1" --root "$2" start d$x
    "$1" --root "$2" kill d$x KILL
    local n=0
    until "$1" --root "$2" state d$x 2>/dev/null | grep -q '"stopped"'; do n=$((n + 1)); [ $n -lt 500 ] || break; sleep 0.01; done
}
p_run()     { "$1" --root "$2" delete -f r$x; }
c_version() { echo "$1 --version"; }
c_create()  { echo "$1 --root $2 create --bundle $bt c$x"; }
c_start()   { echo "$1 --root $2 start s$x"; }
c_state()   { echo "$1 --root $2 state s$x"; }
c_kill()    { echo "$1 --root $2 kill k$x KILL"; }
c_delete()  { echo "$1 --root $2 delete d$x"; }
c_run()     { echo "$1 --root $2 run --bundle $bt r$x"; }

measure version noprep c_version
measure create p_none c_create
measure start p_created c_start
measure state noprep c_state
measure kill p_running c_kill
measure delete p_stopped c_delete
measure run p_run c_run

median() { sort -g | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo "RUNS=$RUNS, medians; cpu = perf task-clock ms (the command and the children it waits for), pf = page faults, wall = ms"
printf '| measure |'; for b in "${bins[@]}"; do printf ' %s cpu | pf | wall |' "$(basename "$b")"; done; echo
printf '|---|'; for b in "${bins[@]}"; do printf -- '---:|---:|---:|'; done; echo
for name in version create start state kill delete run; do
    printf '| %s |' "$name"
    for i in "${!bins[@]}"; do
        f=$work/$name.$i
        printf ' %s | %s | %s |' "$(awk '{print $1}' "$f" | median)" "$(awk '{print $2}' "$f" | median)" "$(awk '{print $3}' "$f" | median)"
    done
    echo
done
printf '| binary (bytes) |'; for b in "${bins[@]}"; do printf ' %s | | |' "$(stat -c %s "$b")"; done; echo
