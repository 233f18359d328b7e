#!/usr/bin/env bash
# The cost of linux.netDevices: `hutch run` of /bin/true with N devices (each a veth end
# holding one IPv4 and one IPv6 permanent address) moved into a named network namespace,
# against the same moves done with iproute2 (`ip -batch`: move+rename, both addresses, up).
# The per-device cost is (t(N) - t(0)) / N for hutch, and t(N) / N for iproute2.
# Usage: bench/netdevices.sh [N ...]   (default: 1 8 64); needs root, hyperfine, jq.
set -eu
cd "$(dirname "$0")/.."
HUTCH=${HUTCH:-$PWD/bin/hutch}
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1 8 64)
runs=${RUNS:-10}
work=$(mktemp -d /tmp/hutch-bench-netdev.XXXXXX)
ns=bnd$$
root=$work/state
out=bench/results
mkdir -p "$out"

cleanup() {
    set +e
    "$HUTCH" --root "$root" delete --force bench-nd >/dev/null 2>&1
    ip netns del "$ns" 2>/dev/null
    for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^bn$$" ); do ip link del "$l"; done
    rm -rf "$work"
}
trap cleanup EXIT

bash tests/tools/busybox-rootfs.sh "$work/bundle/rootfs"

# prepare N: a fresh named netns and N veth pairs on the host, one end addressed and up.
cat > "$work/prepare.sh" <<PREP
#!/usr/bin/env bash
set -e
n=\$1
ip netns del $ns 2>/dev/null || true
# The kernel tears the old namespace (and the veths in it) down asynchronously: wait for it.
for _ in \$(seq 200); do
  left=\$(ip -o link show | awk -F': ' '{print \$2}' | cut -d@ -f1 | grep '^bn$$' || true)
  [ -n "\$left" ] || break
  for l in \$left; do ip link del "\$l" 2>/dev/null || true; done
  sleep 0.05
done
ip netns add $ns
: > $work/batch-host
for i in \$(seq 1 \$n); do
  echo "link add bn$$a\$i type veth peer name bn$$b\$i" >> $work/batch-host
  echo "link set bn$$a\$i up" >> $work/batch-host
  echo "addr add 198.18.\$((i / 250)).\$((i % 250 + 1))/16 dev bn$$a\$i" >> $work/batch-host
  echo "addr add 2001:db8::\$i/64 dev bn$$a\$i nodad" >> $work/batch-host
done
[ "\$n" = 0 ] || ip -batch $work/batch-host
PREP
chmod +x "$work/prepare.sh"

table="$out/netdevices.md"
{
    echo "| devices | hutch run (ms) | hutch per device (ms) | iproute2 (ms) | iproute2 per device (ms) |"
    echo "|---:|---:|---:|---:|---:|"
} > "$table"

run_hutch() { # N -> median ms of `hutch run` with N devices
    local n=$1 bundle=$work/bundle
    rm -f "$bundle/config.json"
    local devs=()
    for i in $(seq 1 "$n"); do devs+=(--net-device "bn$$a$i=eth%d"); done
    "$HUTCH" spec --bundle "$bundle" --netns "/var/run/netns/$ns" "${devs[@]}" --no-terminal -- /bin/true
    hyperfine -N --runs "$runs" --prepare "$work/prepare.sh $n" \
        --export-json "$work/h$n.json" "$HUTCH --root $root run --bundle $bundle bench-nd" >/dev/null
    jq '.results[0].median * 1000' "$work/h$n.json"
}

run_ip() { # N -> median ms of the same moves with iproute2
    local n=$1
    : > "$work/batch-move"
    for i in $(seq 1 "$n"); do
        echo "link set bn$$a$i netns $ns name eth$((i - 1))" >> "$work/batch-move"
    done
    : > "$work/batch-inside"
    for i in $(seq 1 "$n"); do
        echo "addr add 198.18.$((i / 250)).$((i % 250 + 1))/16 dev eth$((i - 1))" >> "$work/batch-inside"
        echo "addr add 2001:db8::$i/64 dev eth$((i - 1)) nodad" >> "$work/batch-inside"
        echo "link set eth$((i - 1)) up" >> "$work/batch-inside"
    done
    hyperfine -N --runs "$runs" --prepare "$work/prepare.sh $n" --export-json "$work/i$n.json" \
        "sh -c 'ip -batch $work/batch-move && ip -n $ns -batch $work/batch-inside'" >/dev/null
    jq '.results[0].median * 1000' "$work/i$n.json"
}

base=$(run_hutch 0)
printf 'hutch run with no device: %.1f ms\n' "$base"
for n in "${counts[@]}"; do
    h=$(run_hutch "$n"); i=$(run_ip "$n")
    line=$(awk -v n="$n" -v h="$h" -v b="$base" -v i="$i" \
        'BEGIN { printf "| %d | %.1f | %.2f | %.1f | %.2f |", n, h, (h - b) / n, i, i / n }')
    echo "$line" | tee -a "$table"
done
echo "table written to $table"
