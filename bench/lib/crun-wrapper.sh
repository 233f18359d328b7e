#!/bin/sh
# crun 1.8.1 refuses this VM's hybrid cgroup layout (cgroup v1 controllers plus a cgroup2
# mount at /sys/fs/cgroup/unified). Run it in a private mount namespace with that mount
# hidden; the host's mounts are untouched. Arguments are crun's, unchanged.
exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' crun "$@"
