#!/bin/sh
# Brings container ID of a runtime to a state before a timed command (hyperfine --prepare).
# Usage: to-state.sh RUNTIME ROOT ID STATE BUNDLE_TRUE BUNDLE_SLEEP
#   none     no container ID (delete -f)
#   created  ID created from BUNDLE_TRUE (/bin/true), not started
#   running  ID created and started from BUNDLE_SLEEP (sleep 100)
#   stopped  ID created and started from BUNDLE_SLEEP, killed with SIGKILL, waited for
set -e
rt=$1 root=$2 id=$3 want=$4 btrue=$5 bsleep=$6
"$rt" --root "$root" delete -f "$id" >/dev/null 2>&1 || true
case $want in
none) ;;
created) "$rt" --root "$root" create --bundle "$btrue" "$id" >/dev/null 2>&1 ;;
running|stopped)
    "$rt" --root "$root" create --bundle "$bsleep" "$id" >/dev/null 2>&1
    "$rt" --root "$root" start "$id" >/dev/null 2>&1
    if [ "$want" = stopped ]; then
        "$rt" --root "$root" kill "$id" KILL >/dev/null 2>&1
        i=0
        until "$rt" --root "$root" state "$id" 2>/dev/null | grep -q '"status": *"stopped"'; do
            i=$((i + 1))
            [ $i -lt 500 ] || { echo "to-state.sh: $id of $rt did not stop within 5 s" >&2; exit 1; }
            sleep 0.01
        done
    fi ;;
*) echo "to-state.sh: unknown state $want (none, created, running, stopped)" >&2; exit 2 ;;
esac
