#!/bin/sh
# N sequential `run` of /bin/true, each a fresh container ID; `run` deletes the container
# when its process exits (runc, crun and hutch alike), so each iteration is a run+delete.
# Usage: sequential-runs.sh RUNTIME ROOT BUNDLE N [ID_PREFIX]
set -e
rt=$1 root=$2 bundle=$3 n=$4 prefix=${5:-}
i=0
while [ $i -lt "$n" ]; do
    "$rt" --root "$root" run --bundle "$bundle" "${prefix}seq$i" >/dev/null 2>&1
    i=$((i + 1))
done
