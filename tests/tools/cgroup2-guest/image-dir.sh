#!/usr/bin/env bash
# Prints the cache directory of the guest image this recipe builds: keyed by build-image.sh's
# content, so a changed recipe builds a new image. HUTCH_TEST_CACHE moves the cache.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
hash=$(sha256sum "$here/build-image.sh" | cut -c1-16)
echo "${HUTCH_TEST_CACHE:-/var/cache/hutch-tests}/cgroup2-guest-$hash"
