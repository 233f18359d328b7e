namespace Hutch.Spec.Tests.Json;

/// <summary>A config.json that sets every field of the v1.3.0 Linux model (checked by ModelWalker).</summary>
internal static class FullConfig
{
    public const string Json = """
        {
            "ociVersion": "1.3.0",
            "process": {
                "terminal": true,
                "consoleSize": { "height": 25, "width": 80 },
                "user": { "uid": 1, "gid": 2, "umask": 18, "additionalGids": [5, 6], "username": "ContainerUser" },
                "args": ["sh", "-c", "true"],
                "commandLine": "cmd.exe /c echo",
                "env": ["PATH=/bin", "TERM=xterm"],
                "cwd": "/work",
                "capabilities": {
                    "bounding": ["CAP_KILL"],
                    "effective": ["CAP_KILL"],
                    "inheritable": ["CAP_CHOWN"],
                    "permitted": ["CAP_KILL"],
                    "ambient": ["CAP_NET_BIND_SERVICE"]
                },
                "rlimits": [
                    { "type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 0 },
                    { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 }
                ],
                "noNewPrivileges": true,
                "apparmorProfile": "acme_secure_profile",
                "oomScoreAdj": -1000,
                "scheduler": {
                    "policy": "SCHED_DEADLINE",
                    "nice": -5,
                    "priority": 3,
                    "flags": ["SCHED_FLAG_RESET_ON_FORK"],
                    "runtime": 10000000,
                    "deadline": 20000000,
                    "period": 30000000
                },
                "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
                "ioPriority": { "class": "IOPRIO_CLASS_BE", "priority": 4 },
                "execCPUAffinity": { "initial": "0-3,7", "final": "2" }
            },
            "root": { "path": "rootfs", "readonly": true },
            "hostname": "box",
            "domainname": "example.org",
            "mounts": [
                {
                    "destination": "/data",
                    "type": "bind",
                    "source": "/srv/data",
                    "options": ["rbind", "ro", "idmap"],
                    "uidMappings": [{ "containerID": 0, "hostID": 1000, "size": 1 }],
                    "gidMappings": [{ "containerID": 0, "hostID": 1001, "size": 1 }]
                }
            ],
            "hooks": {
                "prestart": [{ "path": "/usr/bin/pre", "args": ["pre", "a"], "env": ["A=1"], "timeout": 5 }],
                "createRuntime": [{ "path": "/usr/bin/cr" }],
                "createContainer": [{ "path": "/usr/bin/cc" }],
                "startContainer": [{ "path": "/usr/bin/sc" }],
                "poststart": [{ "path": "/usr/bin/ps" }],
                "poststop": [{ "path": "/usr/bin/pst", "timeout": 30 }]
            },
            "annotations": { "com.example.key": "value", "org.opencontainers.image.os": "linux" },
            "linux": {
                "uidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }],
                "gidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }],
                "sysctl": { "net.ipv4.ip_forward": "1", "kernel.shmmax": "4294967295" },
                "resources": {
                    "devices": [
                        { "allow": false, "access": "rwm" },
                        { "allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw" }
                    ],
                    "memory": {
                        "limit": 536870912,
                        "reservation": 268435456,
                        "swap": -1,
                        "kernel": -1,
                        "kernelTCP": -1,
                        "swappiness": 10,
                        "disableOOMKiller": false,
                        "useHierarchy": true,
                        "checkBeforeUpdate": true
                    },
                    "cpu": {
                        "shares": 1024,
                        "quota": 1000000,
                        "burst": 10000,
                        "period": 500000,
                        "realtimeRuntime": 950000,
                        "realtimePeriod": 1000000,
                        "cpus": "2-3",
                        "mems": "0-7",
                        "idle": 1
                    },
                    "pids": { "limit": -1 },
                    "blockIO": {
                        "weight": 10,
                        "leafWeight": 10,
                        "weightDevice": [
                            { "major": 8, "minor": 0, "weight": 500, "leafWeight": 300 },
                            { "major": 8, "minor": 16, "weight": 500 }
                        ],
                        "throttleReadBpsDevice": [{ "major": 8, "minor": 0, "rate": 600 }],
                        "throttleWriteBpsDevice": [{ "major": 8, "minor": 16, "rate": 700 }],
                        "throttleReadIOPSDevice": [{ "major": 8, "minor": 32, "rate": 300 }],
                        "throttleWriteIOPSDevice": [{ "major": 8, "minor": 48, "rate": 400 }]
                    },
                    "hugepageLimits": [{ "pageSize": "2MB", "limit": 209715200 }],
                    "network": {
                        "classID": 1048577,
                        "priorities": [{ "name": "eth0", "priority": 500 }, { "name": "eth1", "priority": 1000 }]
                    },
                    "rdma": { "mlx5_1": { "hcaHandles": 100, "hcaObjects": 10000 } },
                    "unified": { "pids.max": "max", "io.weight": "default 100" }
                },
                "cgroupsPath": "/myRuntime/myContainer",
                "namespaces": [
                    { "type": "pid" },
                    { "type": "network", "path": "/var/run/netns/neta" },
                    { "type": "mount" },
                    { "type": "ipc" },
                    { "type": "uts" },
                    { "type": "user" },
                    { "type": "cgroup" },
                    { "type": "time" }
                ],
                "devices": [
                    { "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0 }
                ],
                "seccomp": {
                    "defaultAction": "SCMP_ACT_ERRNO",
                    "defaultErrnoRet": 1,
                    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                    "listenerPath": "/run/seccomp-agent.sock",
                    "listenerMetadata": "metadata",
                    "syscalls": [
                        { "names": ["getcwd", "chmod"], "action": "SCMP_ACT_ALLOW" },
                        {
                            "names": ["personality"],
                            "action": "SCMP_ACT_ERRNO",
                            "errnoRet": 38,
                            "args": [{ "index": 0, "value": 18446744073709551615, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ" }]
                        }
                    ]
                },
                "rootfsPropagation": "rslave",
                "maskedPaths": ["/proc/kcore"],
                "readonlyPaths": ["/proc/sys"],
                "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811",
                "intelRdt": {
                    "closID": "COS1",
                    "l3CacheSchema": "L3:0=7f0;1=1f",
                    "memBwSchema": "MB:0=20;1=70",
                    "schemata": ["L2:0=ff;1=f"],
                    "enableMonitoring": true
                },
                "personality": { "domain": "LINUX32", "flags": ["ADDR_NO_RANDOMIZE"] },
                "timeOffsets": {
                    "monotonic": { "secs": -7200, "nanosecs": 5 },
                    "boottime": { "secs": 3600, "nanosecs": 0 }
                },
                "memoryPolicy": { "mode": "MPOL_INTERLEAVE", "nodes": "0-3,7", "flags": ["MPOL_F_STATIC_NODES"] },
                "netDevices": {
                    "veth-host": { "name": "ctr%d" },
                    "ifb0": { "name": "eth0" }
                }
            }
        }
        """;
}
