#!/usr/bin/env bash
# Runs every test project and prints one closing line that sums them all:
#   N passed, N failed, N skipped
# The stress tests (Category=Stress) are excluded; `make test-stress` runs them.
set -u
cd "$(dirname "$0")/.."
results=.tmp/test-results
rm -rf "$results"; mkdir -p "$results"
status=0
dotnet test hutch.sln -c Debug --nologo --filter "Category!=Stress" \
    --logger "trx" --results-directory "$results" "$@" || status=$?
passed=0; failed=0; skipped=0; found=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    found=1
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
    skipped=$((skipped + $(get notExecuted)))
done
if [ "$found" = 0 ] || { [ "$status" != 0 ] && [ "$failed" = 0 ]; }; then
    # The build or a test host failed before any result was written: count it.
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
