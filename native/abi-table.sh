#!/bin/sh
# Prints the lines of HUTCH_ABI_LAYOUT (abi.h) as this machine's compiler lays the structs out:
# the names come from the table in abi.h, the numbers from sizeof/offsetof.
# Usage: sh native/abi-table.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/table.c" <<'C'
#include "abi.h"
#include "exec.h"
#include "hutch_native.h"
#include "procsetup.h"
#include "terminal.h"
#include <stddef.h>
#include <stdio.h>
#define P_SIZE(t, n) printf("\tHUTCH_ABI_SIZE(%s, %zu) \\\n", #t, sizeof(struct t));
#define P_FIELD(t, f, n) printf("\tHUTCH_ABI_FIELD(%s, %s, %zu) \\\n", #t, #f, offsetof(struct t, f));
int main(void) { HUTCH_ABI_LAYOUT(P_SIZE, P_FIELD) return 0; }
C
${CC:-gcc} -D_GNU_SOURCE -Wall -Werror -I "$here" -o "$work/table" "$work/table.c"
"$work/table"
