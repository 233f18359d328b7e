#!/usr/bin/env bash
# Benchmarks against runc and crun: not built yet (needs the container lifecycle).
echo "bench: not built yet: hutch cannot run a container until the lifecycle lands" >&2
exit 1
