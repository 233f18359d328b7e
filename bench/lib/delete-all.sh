#!/bin/sh
# Force-deletes containers par1..parN (the prepare of the concurrent creates).
# Usage: delete-all.sh RUNTIME ROOT N [ID_PREFIX]
rt=$1 root=$2 n=$3 prefix=${4:-}
i=1
while [ $i -le "$n" ]; do
    "$rt" --root "$root" delete -f "${prefix}par$i" >/dev/null 2>&1
    i=$((i + 1))
done
exit 0
