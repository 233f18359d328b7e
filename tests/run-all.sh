#!/usr/bin/env bash
# Runs every test project and prints one closing line that sums them all:
#   N passed, N failed, N skipped
# The stress tests (Category=Stress) are excluded; `make test-stress` runs them.
set -u
cd "$(dirname "$0")/.."
results=.tmp/test-results
rm -rf "$results"; mkdir -p "$results"
failed_runs=0
if ! dotnet build hutch.sln -c Debug --nologo -v quiet; then
    echo "tests: the build failed" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
# A working criu (>= 4.0) for the checkpoint tests, cached outside the checkout; the tests skip,
# saying why, where it cannot be installed.
if criu=$(bash tests/tools/criu/install.sh 2>"$results/criu-install.log"); then
    export HUTCH_TEST_CRIU="$criu"
else
    echo "criu: tests/tools/criu/install.sh failed (checkpoint tests will skip): $(tail -3 "$results/criu-install.log")" >&2
fi
for project in tests/*/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    # One result file per project (the default names are timestamps and can collide).
    dotnet test "$project" -c Debug --no-build --nologo --filter "Category!=Stress" \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" \
        || failed_runs=$((failed_runs + 1))
    [ -e "$results/$name.trx" ] || { echo "tests: $name wrote no results" >&2; failed_runs=$((failed_runs + 1)); }
done
# native/ under AddressSanitizer and UndefinedBehaviorSanitizer: its C unit tests and the
# canaries that prove the sanitizers are on (native/Makefile sanitize-test), as TAP.
native_tap=$results/native-sanitizers.tap
make -s -C native sanitize-test > "$native_tap" 2>&1
native_status=$?
cat "$native_tap"
passed=0; failed=0; skipped=0
native_skipped=$(grep -c '^ok .* # SKIP' "$native_tap")
native_passed=$(($(grep -c '^ok ' "$native_tap") - native_skipped))
native_failed=$(grep -c '^not ok ' "$native_tap")
if [ "$native_status" != 0 ] && [ "$native_failed" = 0 ]; then native_failed=1; fi
passed=$((passed + native_passed)); failed=$((failed + native_failed)); skipped=$((skipped + native_skipped))
# The plan decoder's fuzz target under the same sanitizers, for FUZZ_SECONDS (default 20), seeded
# (its first line gives FUZZ_SEED to repeat it; native/Makefile fuzz). One TAP line; a crash or a
# failed check is one failure, its input left in native/build/fuzz/.
fuzz_tap=$results/native-fuzz.tap
make -s -C native fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" > "$fuzz_tap" 2>&1
fuzz_status=$?
cat "$fuzz_tap"
fuzz_passed=$(grep -c '^ok ' "$fuzz_tap")
fuzz_failed=$(grep -c '^not ok ' "$fuzz_tap")
if [ "$fuzz_status" != 0 ] && [ "$fuzz_failed" = 0 ]; then fuzz_failed=1; fi
if [ "$fuzz_status" != 0 ]; then fuzz_passed=0; fi
passed=$((passed + fuzz_passed)); failed=$((failed + fuzz_failed))
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
    # A skipped test is counted in total but not in executed (notExecuted stays 0 for xunit).
    skipped=$((skipped + $(get total) - $(get executed)))
done

# The pure cgroup v2 guest (tests/tools/cgroup2-guest): one qemu boot runs every case with runc
# and hutch side by side; each hutch case counts as a test. HUTCH_GUEST=0 skips it (counted).
guest=$results/cgroup2-guest
if [ "${HUTCH_GUEST:-1}" = 0 ]; then
    echo "cgroup2 guest: skipped (HUTCH_GUEST=0)"
    skipped=$((skipped + 1))
else
    bash tests/tools/cgroup2-guest/run.sh bin/hutch "$guest" > "$results/cgroup2-guest.tap"
    guest_status=$?
    cat "$results/cgroup2-guest.tap"
    if [ "$guest_status" = 77 ]; then
        echo "cgroup2 guest: skipped (qemu cannot run here; see above)"
        skipped=$((skipped + 1))
    else
        guest_skipped=$(grep -c '^ok .* # SKIP' "$results/cgroup2-guest.tap")
        guest_passed=$(($(grep -c '^ok ' "$results/cgroup2-guest.tap") - guest_skipped))
        guest_failed=$(grep -c '^not ok ' "$results/cgroup2-guest.tap")
        # A guest that failed without a failing case (no boot, a crash, a timeout) is one failure.
        if [ "$guest_status" != 0 ] && [ "$guest_failed" = 0 ]; then guest_failed=1; fi
        passed=$((passed + guest_passed)); failed=$((failed + guest_failed)); skipped=$((skipped + guest_skipped))
        echo "cgroup2 guest: $guest_passed passed, $guest_failed failed, $guest_skipped skipped (side by side with runc: $guest/side-by-side.md)"
    fi
fi

# A test host that crashed or a project that wrote no results counts as a failure.
if [ "$failed_runs" -gt 0 ] && [ "$failed" = 0 ]; then failed=$failed_runs; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
