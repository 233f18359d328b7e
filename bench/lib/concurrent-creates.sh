#!/bin/bash
# N containers created at once (N `create` in the background, then wait for all).
# Fails when any create fails. Usage: concurrent-creates.sh RUNTIME ROOT BUNDLE N [ID_PREFIX]
rt=$1 root=$2 bundle=$3 n=$4 prefix=${5:-}
pids=()
for i in $(seq 1 "$n"); do
    "$rt" --root "$root" create --bundle "$bundle" "${prefix}par$i" >/dev/null 2>&1 &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
