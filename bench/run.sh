#!/usr/bin/env bash
# hutch, crun and runc side by side on one busybox bundle (`make bench`).
# The comparison runs in ONE environment for all three, with no wrapper in any timed command:
# the script re-runs itself inside a private mount namespace in which /sys/fs/cgroup/unified is
# unmounted (the host's mounts are untouched), so this VM's hybrid layout becomes pure cgroup v1
# there; crun 1.8.1 (which refuses the hybrid layout) then runs as it is, and hutch and runc see
# the same host. Before that, hutch alone is measured on the host's own hybrid layout: an extra
# column, not part of the comparison.
# Each measure runs in rounds: a round runs every runtime once (and, for `run`, the floor:
# bench/floor/floor.c), each after its own --prepare, in one `hyperfine -N --runs 1`; the order
# changes from round to round (williams_order below), so the machine's drift over the bench
# falls on all runtimes alike. Each runtime has its own --root in a temporary directory.
# Writes bench/results/runtimes.md (medians over rounds, medians of the per-round hutch/crun and
# hutch/runc ratios, peak RSS, binary sizes, which targets of the performance issue are met)
# and bench/results/runtimes.png.
# Needs root, hyperfine, jq, gcc, GNU time (/usr/bin/time), busybox-static, runc, crun;
# gnuplot for the chart (skipped, and said so, when it is missing).
# Environment: HUTCH (default bin/hutch), RUNS (rounds of the fast measures, default 12: whole
# cycles of the orders for three and for four commands), SLOW_RUNS (rounds of the 100-run loop,
# default 3), RSS_RUNS (default 5), SEQ_N (default 100), OUT (report directory, default bench/results).
set -eu
cd "$(dirname "$0")/.."
repo=$PWD
# outer: the hybrid pass, then the fair pass in its namespace; fair: the comparison (inside).
phase=${HUTCH_BENCH_PHASE:-outer}
HUTCH=${HUTCH:-$repo/bin/hutch}
RUNS=${RUNS:-12}
SLOW_RUNS=${SLOW_RUNS:-3}
RSS_RUNS=${RSS_RUNS:-5}
SEQ_N=${SEQ_N:-100}
PAR_N=16
lib=$repo/bench/lib
out=${OUT:-$repo/bench/results}
started=${HUTCH_BENCH_STARTED:-$(date +%s)}

for tool in hyperfine jq gcc runc crun unshare /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found: run 'make deps' (or apt-get install it)" >&2; exit 1; }
done
[ -x "$HUTCH" ] || { echo "bench: $HUTCH not found or not executable: run 'make' or set HUTCH=" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root (the runtimes create namespaces)" >&2; exit 1; }

# base: bundles and floors, shared by both passes; work: this pass's roots and results.
if [ "$phase" = outer ]; then
    base=$(mktemp -d /tmp/hutch-bench.XXXXXX)
    work=$base/hybrid
    names=(hutch)
else
    base=${HUTCH_BENCH_BASE:?}
    work=$base/fair
    names=(hutch crun runc)
fi
mkdir -p "$work"
declare -A bin=([hutch]=$HUTCH [crun]=$(command -v crun) [runc]=$(command -v runc))
declare -A root=([hutch]=$work/root-hutch [crun]=$work/root-crun [runc]=$work/root-runc)

delete_containers() {
    set +e
    for n in "${names[@]}"; do
        for id in b k rss $(seq -f 'par%g' 1 $PAR_N) $(seq -f 'seq%g' 0 $((SEQ_N - 1))); do
            id=$n-$id
            [ ! -e "${root[$n]}/$id" ] || "${bin[$n]}" --root "${root[$n]}" delete -f "$id" >/dev/null 2>&1
        done
    done
    set -e
}
cleanup() { delete_containers; [ "$phase" != outer ] || rm -rf "$base"; }
trap cleanup EXIT

# The bundle: hutch's own spec of /bin/true, without linux.resources (each runtime still makes
# the container's cgroup, places it there and applies the default device rules: the same work
# for all three) and with ociVersion 1.0.2 (crun 1.8.1 refuses hutch's 1.3.0 as "unknown version").
bt=$base/bundle-true
bs=$base/bundle-sleep
floor=$base/floor
dnfloor=$base/dotnet-floor/dotnet-floor
if [ "$phase" = outer ]; then
    bash tests/tools/busybox-rootfs.sh "$bt/rootfs"
    (cd "$bt" && "$HUTCH" spec --no-terminal -- /bin/true)
    jq 'del(.linux.resources) | .ociVersion = "1.0.2"' "$bt/config.json" > "$base/c.json"
    mv "$base/c.json" "$bt/config.json"
    mkdir -p "$bs"
    jq --arg r "$bt/rootfs" '.process.args = ["/bin/sleep", "100"] | .root.path = $r' "$bt/config.json" > "$bs/config.json"
    gcc -O2 -Wall -Wextra -o "$floor" bench/floor/floor.c
    # The .NET floor: an empty program published with hutch's settings (bench/dotnet-floor).
    dotnet publish bench/dotnet-floor/DotnetFloor.csproj -c Release -r linux-x64 -o "$base/dotnet-floor" --nologo -v quiet >&2
fi
mkdir -p "${root[@]}"

declare -A failed=()   # "measure runtime" -> why
measures=()            # in table order
declare -A label=()

# cmd_X RUNTIME -> the timed command; prep_X RUNTIME -> its hyperfine --prepare ("" for none)
# Container ids carry the runtime's name: each runtime applies the config's cgroupsPath (empty:
# the id, relative to its own cgroup), so equal ids would put the three in one cgroup.
cmd_version() { echo "${bin[$1]} --version"; }
cmd_run()    { echo "${bin[$1]} --root ${root[$1]} run --bundle $bt $1-b"; }
cmd_create() { echo "${bin[$1]} --root ${root[$1]} create --bundle $bt $1-b"; }
prep_create() { echo "$lib/to-state.sh ${bin[$1]} ${root[$1]} $1-b none $bt $bs"; }
cmd_start()  { echo "${bin[$1]} --root ${root[$1]} start $1-b"; }
prep_start() { echo "$lib/to-state.sh ${bin[$1]} ${root[$1]} $1-b created $bt $bs"; }
cmd_state()  { echo "${bin[$1]} --root ${root[$1]} state $1-k"; }
cmd_kill()   { echo "${bin[$1]} --root ${root[$1]} kill $1-b KILL"; }
prep_kill()  { echo "$lib/to-state.sh ${bin[$1]} ${root[$1]} $1-b running $bt $bs"; }
cmd_delete() { echo "${bin[$1]} --root ${root[$1]} delete $1-b"; }
prep_delete() { echo "$lib/to-state.sh ${bin[$1]} ${root[$1]} $1-b stopped $bt $bs"; }
cmd_seq()    { echo "$lib/sequential-runs.sh ${bin[$1]} ${root[$1]} $bt $SEQ_N $1-"; }
trial_seq()  { cmd_run "$1"; }   # a trial of one run, not of the whole loop
cmd_par()    { echo "$lib/concurrent-creates.sh ${bin[$1]} ${root[$1]} $bt $PAR_N $1-"; }
prep_par()   { echo "$lib/delete-all.sh ${bin[$1]} ${root[$1]} $PAR_N $1-"; }

# williams_order ROUND K -> the K command indices in the order of round ROUND (from 0): a
# Williams design (a balanced Latin square). Row 0 is 0, 1, K-1, 2, K-2, ...; row i adds i
# mod K; for an odd K the K rows are followed by their mirrors. Over each cycle (K rounds for
# an even K, 2K for an odd one) every command runs first equally often and runs right after
# each other command equally often, so neither going first nor a neighbour's after-effects
# (caches, cgroup or namespace teardown in the kernel) stay with one runtime.
williams_order() {
    local round=$1 k=$2 first=(0) lo=1 hi=$(($2 - 1)) period shift j row=()
    while [ ${#first[@]} -lt "$k" ]; do
        first+=("$lo"); lo=$((lo + 1))
        if [ ${#first[@]} -lt "$k" ]; then first+=("$hi"); hi=$((hi - 1)); fi
    done
    period=$k; [ $((k % 2)) = 0 ] || period=$((2 * k))
    shift=$(( (round % period) % k ))
    for j in "${first[@]}"; do row+=($(( (j + shift) % k ))); done
    if [ $((round % period)) -ge "$k" ]; then
        for ((j = k - 1; j >= 0; j--)); do echo "${row[$j]}"; done
    else
        printf '%s\n' "${row[@]}"
    fi
}

# interleave MEASURE ROUNDS WARMUP NAME...: times command cmd[NAME], each after prep[NAME] (if
# any), in ROUNDS rounds: one `hyperfine -N --runs 1` per round holding every NAME once, in
# williams_order. WARMUP untimed rounds (same orders, plain sh) come first. A command (or its
# prepare) that fails in a round is recorded in failed[], dropped with all its times, and the
# round is run again without it, so every remaining NAME has one time per round and the i-th
# times of two NAMEs come from the same round. Writes $work/MEASURE.json in hyperfine's shape:
# .results[] with .command, .times (seconds, in round order) and .median.
declare -A cmd=() prep=()
interleave() {
    local m=$1 rounds=$2 warmup=$3 r=1 w i n last err why withprep args live=()
    shift 3; live=("$@")
    rm -f "$work/$m".t.* "$work/$m.json"
    for ((w = 0; w < warmup; w++)); do
        for i in $(williams_order "$w" ${#live[@]}); do
            n=${live[$i]}
            { [ -z "${prep[$n]:-}" ] || sh -c "${prep[$n]}"; } >/dev/null 2>&1 && sh -c "${cmd[$n]}" >/dev/null 2>&1 || true
        done
    done
    while [ "$r" -le "$rounds" ] && [ ${#live[@]} -gt 0 ]; do
        # hyperfine takes one --prepare for all commands or one per command: give every command
        # one (`true` where it needs none) as soon as any needs one.
        withprep=0
        for n in "${live[@]}"; do [ -z "${prep[$n]:-}" ] || withprep=1; done
        args=()
        for i in $(williams_order $((r - 1)) ${#live[@]}); do
            n=${live[$i]}
            [ $withprep = 0 ] || args+=(--prepare "${prep[$n]:-true}")
            args+=(--command-name "$n" "${cmd[$n]}")
        done
        if hyperfine -N --style basic --runs 1 --export-json "$work/$m.round.json" "${args[@]}" >"$work/$m.log" 2>&1; then
            for n in "${live[@]}"; do
                jq -r --arg n "$n" '.results[] | select(.command == $n) | .times[0]' "$work/$m.round.json" >> "$work/$m.t.$n"
            done
            r=$((r + 1))
            continue
        fi
        # hyperfine stops at the first failing command (or prepare), the last one it announced.
        last=$(sed -n 's/^Benchmark [0-9]*: //p' "$work/$m.log" | tail -1)
        err=$(grep '^Error: ' "$work/$m.log" | tail -1 | sed 's/^Error: //; s/\. .*/./')
        err="hyperfine: ${err:-$(tail -1 "$work/$m.log" | cut -c1-120)}"
        if [ -n "$last" ] && [[ " ${live[*]} " == *" $last "* ]]; then
            # hyperfine hides the command's output: run it once more to show why it failed.
            if why=$({ [ -z "${prep[$last]:-}" ] || sh -c "${prep[$last]}"; } 2>&1 && sh -c "${cmd[$last]}" 2>&1); then
                err="$err Run again, it succeeded (an intermittent failure)."
            else
                why=$(echo "$why" | grep -v 'warning' | tail -1 | cut -c1-160)
                [ -z "$why" ] || err="$err Run again: $why"
            fi
            failed["$m $last"]="round $r of $rounds: $err"
            echo "   $last failed in round $r, left out of this measure: $err" >&2
            rm -f "$work/$m.t.$last"
            for i in "${!live[@]}"; do [ "${live[$i]}" != "$last" ] || unset 'live[i]'; done
            live=("${live[@]}")
        else
            tail -5 "$work/$m.log" >&2
            for n in "${live[@]}"; do failed["$m $n"]="round $r of $rounds: $err"; done
            rm -f "$work/$m".t.*
            live=()
        fi
    done
    [ ${#live[@]} -gt 0 ] || return 0
    for n in "${live[@]}"; do
        jq -s --arg n "$n" '{command: $n, times: .,
            median: (sort | if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end)}' "$work/$m.t.$n"
    done | jq -s '{results: .}' > "$work/$m.json"
}

# measure NAME LABEL ROUNDS WARMUP: the interleaved rounds of every runtime that passes a trial run.
measure() {
    local m=$1 rounds=$3 warmup=$4 n c p t ok=()
    measures+=("$m"); label[$m]=$2
    echo "== $2, rounds: $rounds" >&2
    cmd=(); prep=()
    for n in "${names[@]}"; do
        c=$(cmd_$m "$n"); p=""; t=$c
        if declare -F "prep_$m" >/dev/null; then p=$(prep_$m "$n"); fi
        if declare -F "trial_$m" >/dev/null; then t=$(trial_$m "$n"); fi
        # A trial run first: a runtime that fails is recorded and left out, the others go on.
        if { [ -z "$p" ] || sh -c "$p" >"$work/trial.out" 2>&1; } && sh -c "$t" >"$work/trial.out" 2>&1; then
            ok+=("$n"); cmd[$n]=$c
            [ -z "$p" ] || prep[$n]=$p
        else
            failed["$m $n"]=$(grep -v 'warning' "$work/trial.out" | tail -1 | cut -c1-160)
            echo "   $n failed: ${failed["$m $n"]}" >&2
        fi
    done
    # The floors, only where the comparison is: the kernel's floor for run; the .NET floor for
    # the commands whose cost is mostly the process's own start (version, state).
    if [ "$phase" = fair ] && [ "$m" = run ]; then
        cmd[floor]="$floor $bt/rootfs"
        ok+=(floor)
    fi
    if [ "$phase" = fair ] && { [ "$m" = version ] || [ "$m" = state ]; }; then
        cmd[dotnet-floor]="$dnfloor"
        ok+=(dotnet-floor)
    fi
    [ ${#ok[@]} -gt 0 ] || return 0
    interleave "$m" "$rounds" "$warmup" "${ok[@]}"
}

# The state measure reads one created container, made once.
for n in "${names[@]}"; do
    "$lib/to-state.sh" "${bin[$n]}" "${root[$n]}" "$n-k" created "$bt" "$bs" || true
done

measure run "run /bin/true" "$RUNS" 2
measure create "create" "$RUNS" 1
measure start "start" "$RUNS" 1
measure state "state" "$RUNS" 2
measure kill "kill" "$RUNS" 1
measure delete "delete" "$RUNS" 1
measure version "--version" "$RUNS" 2
if [ "$phase" = outer ]; then
    # The hybrid pass ends here: its medians stay in $work for the report; then the comparison,
    # in a private mount namespace with the cgroup2 mount hidden (unshare and umount are not
    # timed: hyperfine, inside, starts every timed command itself).
    delete_containers; trap 'rm -rf "$base"' EXIT
    rc=0
    HUTCH_BENCH_PHASE=fair HUTCH_BENCH_BASE=$base HUTCH_BENCH_STARTED=$started \
        unshare -m --propagation private bash -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec bash "$0"' "$0" || rc=$?
    exit $rc
fi
[ ! -d /sys/fs/cgroup/unified ] || ! mountpoint -q /sys/fs/cgroup/unified || {
    echo "bench: /sys/fs/cgroup/unified is still mounted in the bench's namespace" >&2; exit 1; }
measure seq "$SEQ_N sequential run+delete" "$SLOW_RUNS" 0
measure par "$PAR_N concurrent creates" "$RUNS" 1

# median_ms MEASURE NAME -> hyperfine's median in ms, empty when missing
median_ms() {
    [ -f "$work/$1.json" ] || return 0
    jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000 | . * 100 | round / 100' "$work/$1.json"
}
# pair_ratio MEASURE A B -> median over rounds r of time_A[r] / time_B[r] (runs of one round paired)
pair_ratio() {
    [ -f "$work/$1.json" ] || return 0
    jq -r --arg a "$2" --arg b "$3" '
        ([.results[] | select(.command == $a)][0].times) as $x
        | ([.results[] | select(.command == $b)][0].times) as $y
        | if $x == null or $y == null then empty else
            [range(0; [($x | length), ($y | length)] | min) | $x[.] / $y[.]] | sort
            | (if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end)
            | . * 100 | round / 100
          end' "$work/$1.json"
}
# hybrid_ms MEASURE -> hutch's median on the host's hybrid layout (the outer pass), empty when missing
hybrid_ms() {
    [ -f "$base/hybrid/$1.json" ] || return 0
    jq -r '.results[] | select(.command == "hutch") | .median * 1000 | . * 100 | round / 100' "$base/hybrid/$1.json"
}
cell() { local v; v=$(median_ms "$1" "$2"); if [ -n "$v" ]; then echo "$v"; elif [ -n "${failed["$1 $2"]:-}" ]; then echo "failed"; else echo ""; fi; }

# Peak RSS of the runtime process for `run` (GNU time's %M, KiB; the maximum over the
# process and the children it waited for), median of RSS_RUNS, the runtimes interleaved like
# the timed rounds.
declare -A rss=()
for i in $(seq 1 "$RSS_RUNS"); do
    for j in $(williams_order $((i - 1)) ${#names[@]}); do
        n=${names[$j]}
        f=$work/rss.$n.$i
        /usr/bin/time -f %M -o "$f" "${bin[$n]}" --root "${root[$n]}" run --bundle "$bt" "$n-rss" >/dev/null 2>&1 || true
    done
done
for n in "${names[@]}"; do
    vals=$(for i in $(seq 1 "$RSS_RUNS"); do grep -E '^[0-9]+$' "$work/rss.$n.$i" 2>/dev/null | tail -1; done || true)
    if [ -n "$vals" ]; then
        rss[$n]=$(echo "$vals" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    else
        rss[$n]=""; failed["rss $n"]="no RSS figure (run failed)"
    fi
done

# Binary sizes: the file, and the file plus the shared libraries it loads (ldd).
declare -A size=() sizelibs=()
for n in "${names[@]}"; do
    real=${bin[$n]}
    size[$n]=$(stat -L -c %s "$real")
    libs=$(ldd "$real" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
    total=${size[$n]}
    for l in $libs; do total=$((total + $(stat -L -c %s "$l"))); done
    sizelibs[$n]=$total
done

# The .NET floor's peak RSS: what any Native AOT process built like hutch holds.
dnrss=$(/usr/bin/time -f %M "$dnfloor" 2>&1 >/dev/null | tail -1)

mib() { awk -v k="$1" 'BEGIN { if (k != "") printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b + 0 > 0) printf "%.2f", a / b }'; }
hutch_version=$("$HUTCH" --version 2>/dev/null | head -1 | sed "s/^hutch version //")
elapsed=$(( $(date +%s) - started ))

report=$out/runtimes.md
mkdir -p "$out"
{
    echo "# hutch, crun and runc side by side"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); Linux $(uname -r), $(nproc) CPUs; hutch $hutch_version,"
    echo "$(crun --version | head -1), $(runc --version | head -1); hyperfine $(hyperfine --version | awk '{print $2}');"
    echo "$RUNS rounds per fast measure, $SLOW_RUNS of the $SEQ_N-run loop; the bench took ${elapsed} s."
    echo
    echo "Milliseconds, medians over the rounds; runs are interleaved (a round runs each runtime once,"
    echo "the order changing per round, see below). The ratios are medians over the rounds of per-round"
    echo "ratios (hutch's time in round r over the other runtime's time in the same round r)."
    echo
    echo "All three run in one private mount namespace where /sys/fs/cgroup/unified is unmounted (pure"
    echo "cgroup v1), none through a wrapper. \"hutch, hybrid\" is hutch alone on the host's own hybrid"
    echo "layout, measured just before (an extra column, not part of the ratios). floor: the kernel's bare"
    echo "work of a container start (bench/floor/floor.c); .NET floor: an empty program published with"
    echo "hutch's settings (bench/dotnet-floor)."
    echo
    echo "| measure | hutch (ms) | crun (ms) | runc (ms) | floor (ms) | .NET floor (ms) | hutch/crun | hutch/runc | hutch/floor | hutch/.NET floor | hutch, hybrid (ms) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for m in "${measures[@]}"; do
        echo "| ${label[$m]} | $(cell "$m" hutch) | $(cell "$m" crun) | $(cell "$m" runc) | $(median_ms "$m" floor) | $(median_ms "$m" dotnet-floor) | $(pair_ratio "$m" hutch crun) | $(pair_ratio "$m" hutch runc) | $(pair_ratio "$m" hutch floor) | $(pair_ratio "$m" hutch dotnet-floor) | $(hybrid_ms "$m") |"
    done
    echo
    echo "| | hutch | crun | runc | hutch/crun | hutch/runc |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| peak RSS of the .NET floor (MiB) | $(mib "$dnrss") | | | | |"
    echo "| peak RSS of \`run\` (MiB, median of $RSS_RUNS) | $(mib "${rss[hutch]}") | $(mib "${rss[crun]}") | $(mib "${rss[runc]}") | $(ratio "${rss[hutch]}" "${rss[crun]}") | $(ratio "${rss[hutch]}" "${rss[runc]}") |"
    echo "| binary (MiB) | $(mib $((size[hutch] / 1024))) | $(mib $((size[crun] / 1024))) | $(mib $((size[runc] / 1024))) | $(ratio "${size[hutch]}" "${size[crun]}") | $(ratio "${size[hutch]}" "${size[runc]}") |"
    echo "| binary + shared libraries (MiB) | $(mib $((sizelibs[hutch] / 1024))) | $(mib $((sizelibs[crun] / 1024))) | $(mib $((sizelibs[runc] / 1024))) | $(ratio "${sizelibs[hutch]}" "${sizelibs[crun]}") | $(ratio "${sizelibs[hutch]}" "${sizelibs[runc]}") |"
    echo
    echo "## Targets of the performance issue"
    echo
    target() { # LABEL VALUE LIMIT
        if [ -z "$2" ]; then echo "- $1: not measured."
        elif awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then echo "- $1: met ($2 <= $3)."
        else echo "- $1: not met ($2 > $3)."; fi
    }
    target "\`run\` <= 1.0 x crun" "$(pair_ratio run hutch crun)" 1.0
    target "\`run\` <= 0.5 x runc" "$(pair_ratio run hutch runc)" 0.5
    for m in create start state kill delete; do target "$m <= crun" "$(pair_ratio "$m" hutch crun)" 1.0; done
    target "\`run\` <= 3 x the floor" "$(pair_ratio run hutch floor)" 3.0
    target "\`hutch --version\` <= 1.3 x the .NET floor" "$(pair_ratio version hutch dotnet-floor)" 1.3
    target "$SEQ_N sequential run+delete <= crun" "$(pair_ratio seq hutch crun)" 1.0
    target "$PAR_N concurrent creates <= crun" "$(pair_ratio par hutch crun)" 1.0
    target "peak RSS of \`run\` <= runc's" "$(ratio "${rss[hutch]}" "${rss[runc]}")" 1.0
    echo "- peak RSS recorded: crun's $(mib "${rss[crun]}") MiB, hutch/crun $(ratio "${rss[hutch]}" "${rss[crun]}")."
    echo "- binary size recorded: $(mib $((size[hutch] / 1024))) MiB."
    echo
    echo "The netDevices figures (hutch's \`run\` with 1, 8 and 64 devices against iproute2) are in"
    echo "[netdevices.md](netdevices.md), from \`bench/netdevices.sh\`, which \`make bench\` runs next."
    echo
    echo "## How it was measured"
    echo
    echo "- One busybox bundle (\`tests/tools/busybox-rootfs.sh\`); config.json from \`hutch spec --no-terminal -- /bin/true\`"
    echo "  with \`linux.resources\` removed (each runtime still makes the container's cgroup, places the init"
    echo "  there and applies the default device rules) and ociVersion set to 1.0.2 (crun 1.8.1 refuses 1.3.0)."
    echo "  Container ids carry the runtime's name (\`hutch-b\`, \`crun-b\`, ...): the default cgroupsPath is the"
    echo "  id, so equal ids would put the three runtimes' containers in one cgroup."
    echo "  kill and delete use the same config with \`sleep 100\` as the process."
    echo "- Each runtime has its own \`--root\` in a temporary directory. hyperfine runs the commands without"
    echo "  a shell (\`-N\`); a measure's \`--prepare\` brings the container to the state the command needs:"
    echo "  create after \`delete -f\`; start of a created container; state of a created container (made"
    echo "  once); kill (SIGKILL) of a started \`sleep 100\`; delete of a started, killed, stopped one."
    echo "- Interleaved: each measure runs in rounds (warm-up rounds first, untimed). A round is one"
    echo "  \`hyperfine -N --runs 1\` holding each runtime once (and the floor, for \`run\`), each command after"
    echo "  its own \`--prepare\`; the order changes per round following a Williams design (balanced Latin"
    echo "  square): over each cycle of 6 rounds (4 with the floor) every command runs first equally often"
    echo "  and right after each other command equally often. So the machine's drift during the bench"
    echo "  falls on all runtimes alike, and a runtime is compared with the others within one round, a few"
    echo "  tens of milliseconds apart. A runtime whose command or prepare fails in a round is recorded"
    echo "  under Failures and left out of the measure (all its times dropped); the round is run again"
    echo "  without it."
    echo "- $SEQ_N sequential run+delete: one shell loop of \`run\` (which deletes the container when the"
    echo "  process exits, in all three runtimes) with a fresh ID per iteration (bench/lib/sequential-runs.sh)."
    echo "- $PAR_N concurrent creates: $PAR_N \`create\` started in the background, then waited for"
    echo "  (bench/lib/concurrent-creates.sh); the prepare force-deletes them."
    echo "- floor: bench/floor/floor.c, clone with the same five namespaces (pid, net, ipc, uts, mount),"
    echo "  / made private, rootfs bound onto itself, pivot_root, /proc mounted, exec /bin/true, waited for."
    echo "- One environment: crun 1.8.1 refuses this VM's hybrid cgroup layout, so the whole comparison runs"
    echo "  inside one private mount namespace (made by bench/run.sh before any timing) in which"
    echo "  /sys/fs/cgroup/unified is unmounted: all three runtimes see the same pure-v1 host and every timed"
    echo "  command is the runtime itself. The host's own mounts are untouched."
    echo "- Peak RSS: GNU time's %M of \`run\` (the largest of the process and the children it waited for),"
    echo "  sampled in interleaved rounds like the times."
    echo "- Sizes: hutch is Native AOT (libc linked dynamically); crun links libyajl, libseccomp, libcap,"
    echo "  libsystemd ...; runc is Go (libseccomp dynamically). \"+ shared libraries\" adds each file ldd lists."
    if [ ${#failed[@]} -gt 0 ]; then
        echo
        echo "## Failures"
        echo
        for k in "${!failed[@]}"; do echo "- $k: ${failed[$k]}"; done | sort
    fi
    echo
    echo "![runtimes](runtimes.png)"
} > "$report"

# The chart: medians per measure, one bar per runtime, log scale (the loop takes seconds).
if command -v gnuplot >/dev/null; then
    dat=$work/chart.dat
    for m in "${measures[@]}"; do
        printf '"%s"' "${label[$m]}"
        for n in hutch crun runc floor dotnet-floor; do v=$(median_ms "$m" "$n"); printf ' %s' "${v:-?}"; done
        echo
    done > "$dat"
    gnuplot <<GP
set terminal pngcairo size 1100,600 font "sans,10" noenhanced
set output "$out/runtimes.png"
set title "hutch, crun and runc: median time per measure (log scale, lower is better)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set ylabel "milliseconds"
set grid ytics
set key top left
set xtics rotate by -20
set datafile missing "?"
plot "$dat" using 2:xtic(1) title "hutch" lc rgb "#1b9e77", \
     "" using 3 title "crun" lc rgb "#d95f02", \
     "" using 4 title "runc" lc rgb "#7570b3", \
     "" using 5 title "floor" lc rgb "#666666", \
     "" using 6 title ".NET floor" lc rgb "#bbbbbb"
GP
    echo "bench: chart $out/runtimes.png" >&2
else
    echo "bench: gnuplot not found (apt-get install -y gnuplot-nox): no chart drawn" >&2
    sed -i 's|^!\[runtimes\](runtimes.png)$|(No chart: gnuplot was not installed.)|' "$report"
fi

cat "$report"
echo "bench: $report written in $(( $(date +%s) - started )) s" >&2
