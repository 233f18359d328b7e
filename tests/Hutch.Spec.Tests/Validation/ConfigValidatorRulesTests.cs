using static Hutch.Spec.Tests.Validation.ValidationAssert;

namespace Hutch.Spec.Tests.Validation;

/// <summary>Each rule, as data: a change to the valid defaults and the one error it must cause (or none).</summary>
public class ConfigValidatorRulesTests
{
    private static Process P(ContainerConfig c) => c.Process!;

    private static Linux L(ContainerConfig c) => c.Linux!;

    private static void NoNamespace(ContainerConfig c, string type) => L(c).Namespaces!.RemoveAll(ns => ns.Type == type);

    private static void AddUserNamespace(ContainerConfig c)
    {
        L(c).Namespaces!.Add(new LinuxNamespace { Type = "user" });
        L(c).UidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }];
        L(c).GidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }];
    }

    /// <summary>Puts a bind mount of /srv on /data first: it is mounts[0].</summary>
    private static Mount BindFirst(ContainerConfig c, params string[] options)
    {
        var bind = new Mount { Destination = "/data", Type = "bind", Source = "/srv", Options = ["rbind", .. options] };
        c.Mounts!.Insert(0, bind);
        return bind;
    }

    private static List<LinuxIdMapping> Map(uint containerId, uint hostId, uint size) =>
        [new LinuxIdMapping { ContainerID = containerId, HostID = hostId, Size = size }];

    private static LinuxSeccomp Seccomp(ContainerConfig c) =>
        L(c).Seccomp ??= new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ERRNO",
            Syscalls = [new LinuxSyscall { Names = ["read"], Action = "SCMP_ACT_ALLOW" }],
        };

    private sealed class InvalidCases : List<(string Name, Action<ContainerConfig> Change, string Path, string Fragment)>
    {
        public void Add(string name, Action<ContainerConfig> change, string path, string fragment) => Add((name, change, path, fragment));
    }

    private sealed class ValidCases : List<(string Name, Action<ContainerConfig> Change)>
    {
        public void Add(string name, Action<ContainerConfig> change) => Add((name, change));
    }

    private static TheoryData<string> Names(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (var name in names)
        {
            data.Add(name);
        }
        return data;
    }

    /// <summary>(case, change, path of the one error, part of its message)</summary>
    private static readonly InvalidCases Invalid = new()
    {
        // root
        { "no root", c => c.Root = null, "root", "is required on Linux" },
        { "empty root.path", c => c.Root!.Path = "", "root.path", "is required" },

        // mounts
        { "mount without destination", c => c.Mounts![1].Destination = "", "mounts[1].destination", "is required" },
        { "mount uidMappings alone", c => BindFirst(c, "idmap").UidMappings = Map(0, 1000, 1), "mounts[0].gidMappings", "needs both" },
        { "mount gidMappings alone", c => BindFirst(c, "idmap").GidMappings = Map(0, 1000, 1), "mounts[0].uidMappings", "needs both" },
        { "idmap without mappings or user namespace", c => BindFirst(c, "idmap"), "mounts[0].options", "no user namespace" },
        { "ridmap without mappings or user namespace", c => BindFirst(c, "ridmap"), "mounts[0].options", "idmap/ridmap" },
        { "idmap on a proc mount", c => { AddUserNamespace(c); c.Mounts![0].Options = ["idmap"]; }, "mounts[0].options", "of bind mounts only" },
        { "mappings on a tmpfs mount", c => { var m = c.Mounts![1]; m.Options = [.. m.Options!, "idmap"]; m.UidMappings = Map(0, 1000, 1); m.GidMappings = Map(0, 1000, 1); }, "mounts[1].options", "of bind mounts only" },
        { "mappings without idmap on a proc mount", c => { c.Mounts![0].UidMappings = Map(0, 1000, 1); c.Mounts![0].GidMappings = Map(0, 1000, 1); }, "mounts[0].uidMappings", "neither \"bind\" nor \"rbind\"" },
        { "zero-size mount mapping", c => { var m = BindFirst(c, "idmap"); m.UidMappings = Map(0, 1000, 0); m.GidMappings = Map(0, 1000, 1); }, "mounts[0].uidMappings[0].size", "at least one id" },
        { "mount mapping past the last id", c => { var m = BindFirst(c, "idmap"); m.UidMappings = Map(0, 1000, 1); m.GidMappings = Map(0, 4294967295, 1); }, "mounts[0].gidMappings[0]", "maps hostID 4294967295" },
        { "mount mapping wrapping past 2^32", c => { var m = BindFirst(c, "ridmap"); m.UidMappings = Map(4294967000, 0, 1000); m.GidMappings = Map(0, 0, 1); }, "mounts[0].uidMappings[0]", "maps containerID 4294967000 to 4294967999" },
        { "crun's idmap=uids= form", c => BindFirst(c, "idmap=uids=0-1000-10;gids=0-1000-10"), "mounts[0].options[1]", "crun's own form" },

        // process
        { "empty cwd", c => P(c).Cwd = "", "process.cwd", "is required" },
        { "relative cwd", c => P(c).Cwd = "home", "process.cwd", "\"home\" is not absolute" },
        { "no args", c => P(c).Args = null, "process.args", "at least one entry" },
        { "empty args", c => P(c).Args = [], "process.args", "at least one entry" },
        { "empty program", c => P(c).Args = ["", "-c"], "process.args[0]", "is empty" },
        { "no user", c => P(c).User = null!, "process.user", "is required" },
        { "env without =", c => P(c).Env = ["PATH=/bin", "TERM"], "process.env[1]", "there is no '='" },
        { "env with empty name", c => P(c).Env = ["=x"], "process.env[0]", "the name is empty" },
        { "unknown rlimit", c => P(c).Rlimits![0].Type = "RLIMIT_FOO", "process.rlimits[0].type", "is not a Linux resource limit" },
        { "lowercase rlimit", c => P(c).Rlimits![0].Type = "rlimit_nofile", "process.rlimits[0].type", "RLIMIT_NOFILE" },
        {
            "duplicate rlimit",
            c => P(c).Rlimits!.Add(new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 }),
            "process.rlimits[1].type", "already set by process.rlimits[0]"
        },
        { "soft above hard", c => P(c).Rlimits![0].Soft = 2048, "process.rlimits[0]", "soft limit 2048 is above hard limit 1024" },
        // (uid_t)-1 means "leave unchanged" to setresuid(2): 4294967295 ran the process as root.
        { "uid 4294967295", c => P(c).User.Uid = uint.MaxValue, "process.user.uid", "0 to 2147483647" },
        { "uid 2147483648", c => P(c).User.Uid = 2147483648, "process.user.uid", "0 to 2147483647" },
        { "gid 4294967295", c => P(c).User.Gid = uint.MaxValue, "process.user.gid", "0 to 2147483647" },
        { "additional gid 4294967295", c => P(c).User.AdditionalGids = [5, uint.MaxValue], "process.user.additionalGids[1]", "0 to 2147483647" },
        { "oomScoreAdj too high", c => P(c).OomScoreAdj = 1001, "process.oomScoreAdj", "-1000 to 1000" },
        { "oomScoreAdj too low", c => P(c).OomScoreAdj = -1001, "process.oomScoreAdj", "-1000 to 1000" },
        { "unknown scheduler policy", c => P(c).Scheduler = new Scheduler { Policy = "SCHED_FAST" }, "process.scheduler.policy", "is not a scheduling policy" },
        {
            "unknown scheduler flag",
            c => P(c).Scheduler = new Scheduler { Policy = "SCHED_OTHER", Flags = ["SCHED_FLAG_RESET_ON_FORK", "X"] },
            "process.scheduler.flags[1]", "is not a scheduler flag"
        },
        { "nice out of range", c => P(c).Scheduler = new Scheduler { Policy = "SCHED_OTHER", Nice = 20 }, "process.scheduler.nice", "-20 to 19" },
        { "priority with SCHED_OTHER", c => P(c).Scheduler = new Scheduler { Policy = "SCHED_OTHER", Priority = 5 }, "process.scheduler.priority", "SCHED_FIFO or SCHED_RR" },
        { "deadline fields with SCHED_RR", c => P(c).Scheduler = new Scheduler { Policy = "SCHED_RR", Priority = 1, Runtime = 10 }, "process.scheduler", "SCHED_DEADLINE" },
        { "unknown io class", c => P(c).IOPriority = new LinuxIOPriority { Class = "IOPRIO_CLASS_FAST" }, "process.ioPriority.class", "is not an I/O scheduling class" },
        { "io priority 8", c => P(c).IOPriority = new LinuxIOPriority { Class = "IOPRIO_CLASS_BE", Priority = 8 }, "process.ioPriority.priority", "0 (highest) to 7" },

        // hostname / domainname
        { "hostname without uts", c => NoNamespace(c, "uts"), "hostname", "no UTS namespace" },
        { "domainname without uts", c => { NoNamespace(c, "uts"); c.Hostname = null; c.Domainname = "example.org"; }, "domainname", "no UTS namespace" },

        // hooks
        { "hook without path", c => c.Hooks = new Hooks { Prestart = [new Hook()] }, "hooks.prestart[0].path", "is required" },
        {
            "relative hook path",
            c => c.Hooks = new Hooks { CreateRuntime = [new Hook { Path = "/bin/true" }, new Hook { Path = "bin/hook" }] },
            "hooks.createRuntime[1].path", "\"bin/hook\" is not absolute"
        },
        { "hook timeout 0", c => c.Hooks = new Hooks { Poststop = [new Hook { Path = "/bin/true", Timeout = 0 }] }, "hooks.poststop[0].timeout", "greater than zero" },
        { "hook timeout -1", c => c.Hooks = new Hooks { StartContainer = [new Hook { Path = "/x", Timeout = -1 }] }, "hooks.startContainer[0].timeout", "is -1" },
        { "createContainer hook", c => c.Hooks = new Hooks { CreateContainer = [new Hook { Path = "x" }] }, "hooks.createContainer[0].path", "not absolute" },
        { "poststart hook", c => c.Hooks = new Hooks { Poststart = [new Hook { Path = "" }] }, "hooks.poststart[0].path", "is required" },

        // namespaces
        { "unknown namespace", c => L(c).Namespaces!.Add(new LinuxNamespace { Type = "net" }), "linux.namespaces[5].type", "is not a namespace type" },
        { "duplicate namespace", c => L(c).Namespaces!.Add(new LinuxNamespace { Type = "pid" }), "linux.namespaces[5].type", "already listed at linux.namespaces[0]" },
        { "relative namespace path", c => L(c).Namespaces![1].Path = "var/run/netns/x", "linux.namespaces[1].path", "is not absolute" },
        { "uidMappings without user namespace", c => L(c).UidMappings = [new LinuxIdMapping { Size = 1 }], "linux.uidMappings", "no user namespace" },
        { "gidMappings without user namespace", c => L(c).GidMappings = [new LinuxIdMapping { Size = 1 }], "linux.gidMappings", "no user namespace" },
        { "new user namespace without gidMappings", c => { AddUserNamespace(c); L(c).GidMappings = null; }, "linux.gidMappings", "needs both uidMappings and gidMappings" },
        { "zero-size mapping", c => { AddUserNamespace(c); L(c).UidMappings![0].Size = 0; }, "linux.uidMappings[0].size", "at least one id" },
        { "timeOffsets without time namespace", c => L(c).TimeOffsets = new() { ["monotonic"] = new LinuxTimeOffset { Secs = 1 } }, "linux.timeOffsets", "no time namespace" },
        {
            "timeOffsets with a joined time namespace",
            c => { L(c).Namespaces!.Add(new LinuxNamespace { Type = "time", Path = "/proc/1/ns/time" }); L(c).TimeOffsets = new() { ["boottime"] = new LinuxTimeOffset() }; },
            "linux.timeOffsets", "joins an existing time namespace"
        },
        {
            "unknown clock",
            c => { L(c).Namespaces!.Add(new LinuxNamespace { Type = "time" }); L(c).TimeOffsets = new() { ["realtime"] = new LinuxTimeOffset() }; },
            "linux.timeOffsets[\"realtime\"]", "is not a clock"
        },
        {
            "nanosecs of a second or more",
            c => { L(c).Namespaces!.Add(new LinuxNamespace { Type = "time" }); L(c).TimeOffsets = new() { ["monotonic"] = new LinuxTimeOffset { Nanosecs = 1_000_000_000 } }; },
            "linux.timeOffsets[\"monotonic\"].nanosecs", "below 1000000000"
        },

        // devices
        { "device without path", c => L(c).Devices = [new LinuxDevice { Type = "c", Major = 1, Minor = 3 }], "linux.devices[0].path", "is required" },
        { "relative device path", c => L(c).Devices = [new LinuxDevice { Path = "dev/null", Type = "c", Major = 1, Minor = 3 }], "linux.devices[0].path", "not absolute" },
        { "device type x", c => L(c).Devices = [new LinuxDevice { Path = "/dev/x", Type = "x" }], "linux.devices[0].type", "is not a device type" },
        { "device without type", c => L(c).Devices = [new LinuxDevice { Path = "/dev/x", Major = 1 }], "linux.devices[0].type", "\"c\" (character)" },

        // propagation, paths, sysctl
        { "propagation recursive-private", c => L(c).RootfsPropagation = "recursive", "linux.rootfsPropagation", "is not a mount propagation" },
        { "propagation in capitals", c => L(c).RootfsPropagation = "SHARED", "linux.rootfsPropagation", "\"rshared\"" },
        { "relative masked path", c => L(c).MaskedPaths![2] = "proc/kcore", "linux.maskedPaths[2]", "is not an absolute path" },
        { "empty readonly path", c => L(c).ReadonlyPaths![0] = "", "linux.readonlyPaths[0]", "is not an absolute path" },
        { "masked paths without mount namespace", c => { NoNamespace(c, "mount"); L(c).ReadonlyPaths = null; c.Mounts = null; c.Root!.Readonly = false; }, "linux.maskedPaths", "no mount namespace" },
        { "mounts without mount namespace", c => { NoNamespace(c, "mount"); L(c).ReadonlyPaths = null; L(c).MaskedPaths = null; c.Root!.Readonly = false; }, "mounts", "no mount namespace" },
        { "read-only root without mount namespace", c => { NoNamespace(c, "mount"); L(c).ReadonlyPaths = null; L(c).MaskedPaths = null; c.Mounts = null; c.Root!.Readonly = true; }, "root.readonly", "no mount namespace" },
        { "rootfsPropagation without mount namespace", c => { NoNamespace(c, "mount"); L(c).ReadonlyPaths = null; L(c).MaskedPaths = null; c.Mounts = null; c.Root!.Readonly = false; L(c).RootfsPropagation = "shared"; }, "linux.rootfsPropagation", "no mount namespace" },
        { "empty sysctl key", c => L(c).Sysctl = new() { [""] = "1" }, "linux.sysctl[\"\"]", "is not a sysctl name" },

        // seccomp
        { "unknown default action", c => Seccomp(c).DefaultAction = "SCMP_ACT_DENY", "linux.seccomp.defaultAction", "is not a seccomp action" },
        { "empty default action", c => Seccomp(c).DefaultAction = "", "linux.seccomp.defaultAction", "is not a seccomp action" },
        { "notify as default action", c => { Seccomp(c).DefaultAction = "SCMP_ACT_NOTIFY"; Seccomp(c).ListenerPath = "/run/agent.sock"; }, "linux.seccomp.defaultAction", "cannot be SCMP_ACT_NOTIFY" },
        { "defaultErrnoRet with allow", c => { Seccomp(c).DefaultAction = "SCMP_ACT_ALLOW"; Seccomp(c).DefaultErrnoRet = 1; }, "linux.seccomp.defaultErrnoRet", "returns no errno" },
        { "errnoRet with kill", c => { Seccomp(c).Syscalls![0].Action = "SCMP_ACT_KILL"; Seccomp(c).Syscalls![0].ErrnoRet = 1; }, "linux.seccomp.syscalls[0].errnoRet", "returns no errno" },
        { "unknown syscall action", c => Seccomp(c).Syscalls![0].Action = "allow", "linux.seccomp.syscalls[0].action", "is not a seccomp action" },
        { "rule without names", c => Seccomp(c).Syscalls![0].Names = [], "linux.seccomp.syscalls[0].names", "at least one syscall name" },
        { "rule with null names", c => Seccomp(c).Syscalls![0].Names = null, "linux.seccomp.syscalls[0].names", "at least one syscall name" },
        { "rule with an empty name", c => Seccomp(c).Syscalls![0].Names = ["read", ""], "linux.seccomp.syscalls[0].names[1]", "is empty" },
        {
            "unknown operator",
            c => Seccomp(c).Syscalls![0].Args = [new LinuxSeccompArg { Index = 0, Value = 1, Op = "SCMP_CMP_EQ" }, new LinuxSeccompArg { Op = "==" }],
            "linux.seccomp.syscalls[0].args[1].op", "is not a seccomp operator"
        },
        { "argument index 6", c => Seccomp(c).Syscalls![0].Args = [new LinuxSeccompArg { Index = 6, Op = "SCMP_CMP_EQ" }], "linux.seccomp.syscalls[0].args[0].index", "0 to 5" },
        { "unknown architecture", c => Seccomp(c).Architectures = ["SCMP_ARCH_X86_64", "amd64"], "linux.seccomp.architectures[1]", "is not a known architecture" },
        { "unknown flag", c => Seccomp(c).Flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_NEW_LISTENER"], "linux.seccomp.flags[1]", "is not a known seccomp filter flag" },
        { "metadata without listener", c => Seccomp(c).ListenerMetadata = "x", "linux.seccomp.listenerMetadata", "without listenerPath" },
        { "notify without listener", c => Seccomp(c).Syscalls![0].Action = "SCMP_ACT_NOTIFY", "linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY" },

        // personality, memory policy, intelRdt
        { "personality flags", c => L(c).Personality = new LinuxPersonality { Domain = "LINUX", Flags = ["X"] }, "linux.personality.flags", "no personality flag is supported" },
        { "personality LINUX64", c => L(c).Personality = new LinuxPersonality { Domain = "LINUX64" }, "linux.personality.domain", "\"LINUX\" or \"LINUX32\"" },
        { "unknown memory policy mode", c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_SPREAD" }, "linux.memoryPolicy.mode", "is not a memory policy mode" },
        { "MPOL_BIND without nodes", c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_BIND" }, "linux.memoryPolicy.nodes", "is required with MPOL_BIND" },
        { "MPOL_DEFAULT with nodes", c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_DEFAULT", Nodes = "0" }, "linux.memoryPolicy.nodes", "must be empty with MPOL_DEFAULT" },
        {
            "unknown memory policy flag",
            c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_INTERLEAVE", Nodes = "0-1", Flags = ["MPOL_F_STATIC_NODES", "MPOL_F_FAST"] },
            "linux.memoryPolicy.flags[1]", "is not a memory policy flag"
        },
        {
            "static and relative nodes together",
            c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_BIND", Nodes = "0", Flags = ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"] },
            "linux.memoryPolicy.flags", "exclude each other"
        },
        { "closID with a slash", c => L(c).IntelRdt = new LinuxIntelRdt { ClosID = "a/b" }, "linux.intelRdt.closID", "cannot name a resctrl group" },
        { "closID ..", c => L(c).IntelRdt = new LinuxIntelRdt { ClosID = ".." }, "linux.intelRdt.closID", "cannot name a resctrl group" },
        { "memBwSchema without MB:", c => L(c).IntelRdt = new LinuxIntelRdt { MemBwSchema = "L3:0=f" }, "linux.intelRdt.memBwSchema", "must start with \"MB:\"" },
        { "schemata line with newline", c => L(c).IntelRdt = new LinuxIntelRdt { Schemata = ["L3:0=f", "MB:0=20\nMB:1=70"] }, "linux.intelRdt.schemata[1]", "holds a newline" },

        // resources
        { "pids limit -2", c => L(c).Resources!.Pids = new LinuxPids { Limit = -2 }, "linux.resources.pids.limit", "-1 for no limit" },
        { "device rule type x", c => L(c).Resources!.Devices![0].Type = "x", "linux.resources.devices[0].type", "is not a device rule type" },
        { "device rule access rwx", c => L(c).Resources!.Devices![0].Access = "rwx", "linux.resources.devices[0].access", "r (read), w (write) and m (mknod)" },
    };

    public static TheoryData<string> InvalidNames => Names(Invalid.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Invalid_setting_gives_one_error_at_its_path(string name)
    {
        var (_, change, path, fragment) = Invalid.Single(c => c.Name == name);
        SingleError(Default(change), path, fragment);
    }

    /// <summary>Settings near the edge of a rule that must stay valid.</summary>
    private static readonly ValidCases Valid = new()
    {
        { "the defaults", _ => { } },
        { "no process (create needs none)", c => c.Process = null },
        { "no linux object", c => { c.Linux = null; c.Hostname = null; c.Mounts = null; c.Root!.Readonly = false; } },
        { "no mount namespace, nothing to mount", c => { NoNamespace(c, "mount"); L(c).ReadonlyPaths = null; L(c).MaskedPaths = null; c.Mounts = []; c.Root!.Readonly = false; } },
        { "relative root path", c => c.Root!.Path = "rootfs" },
        { "absolute root path", c => c.Root!.Path = "/var/lib/x/rootfs" },
        { "relative mount destination (deprecated, warned)", c => c.Mounts![0].Destination = "proc" },
        { "bind mount with idmap and both mappings", c => { var m = BindFirst(c, "idmap"); m.UidMappings = Map(0, 1000, 1); m.GidMappings = Map(0, 1000, 1); } },
        { "bind mount with ridmap and both mappings up to the last id", c => { var m = BindFirst(c, "ridmap"); m.UidMappings = Map(0, 4294967294, 1); m.GidMappings = Map(4294967294, 0, 1); } },
        { "type bind mount with mappings and no option (warned)", c => { var m = BindFirst(c); m.Options = ["ro"]; m.UidMappings = Map(0, 1000, 1); m.GidMappings = Map(0, 1000, 1); } },
        { "idmap with a user namespace", c => { AddUserNamespace(c); BindFirst(c, "idmap"); } },
        { "ridmap with a joined user namespace", c => { L(c).Namespaces!.Add(new LinuxNamespace { Type = "user", Path = "/proc/1/ns/user" }); BindFirst(c, "ridmap"); } },
        { "empty mount mapping lists are no mapping", c => { var m = BindFirst(c); m.UidMappings = []; m.GidMappings = []; } },
        { "consoleSize without terminal (ignored)", c => { P(c).Terminal = false; P(c).ConsoleSize = new Box { Height = 25, Width = 80 }; } },
        { "soft equal to hard", c => P(c).Rlimits![0].Soft = 1024 },
        { "every rlimit once", c => P(c).Rlimits = [.. KnownNames.Rlimits.Select(t => new PosixRlimit { Type = t, Soft = 1, Hard = 2 })] },
        { "every capability", c => P(c).Capabilities = new LinuxCapabilities { Bounding = [.. KnownNames.Capabilities], Ambient = ["CAP_CHECKPOINT_RESTORE"] } },
        { "unknown capability (warned only)", c => P(c).Capabilities!.Bounding!.Add("CAP_FUTURE") },
        { "env value with =", c => P(c).Env = ["A=b=c", "EMPTY="] },
        { "uid and gid 2147483647", c => { P(c).User.Uid = int.MaxValue; P(c).User.Gid = int.MaxValue; P(c).User.AdditionalGids = [int.MaxValue]; } },
        { "oomScoreAdj bounds", c => P(c).OomScoreAdj = -1000 },
        { "SCHED_FIFO with priority", c => P(c).Scheduler = new Scheduler { Policy = "SCHED_FIFO", Priority = 10, Nice = -20 } },
        { "SCHED_DEADLINE with times", c => P(c).Scheduler = new Scheduler { Policy = "SCHED_DEADLINE", Runtime = 1, Deadline = 2, Period = 3 } },
        { "io priority", c => P(c).IOPriority = new LinuxIOPriority { Class = "IOPRIO_CLASS_IDLE", Priority = 7 } },
        { "hostname with a joined uts namespace", c => L(c).Namespaces!.Find(ns => ns.Type == "uts")!.Path = "/proc/1/ns/uts" },
        { "no hostname, no uts", c => { NoNamespace(c, "uts"); c.Hostname = null; } },
        { "empty hostname, no uts", c => { NoNamespace(c, "uts"); c.Hostname = ""; } },
        { "hooks everywhere", c => c.Hooks = new Hooks { Prestart = [new Hook { Path = "/a", Timeout = 1 }], Poststop = [new Hook { Path = "/b" }] } },
        { "all namespace types", c => { L(c).Namespaces!.AddRange([new LinuxNamespace { Type = "cgroup" }, new LinuxNamespace { Type = "time" }]); AddUserNamespace(c); } },
        { "empty namespace path means new", c => L(c).Namespaces![0].Path = "" },
        { "joined user namespace without mappings", c => L(c).Namespaces!.Add(new LinuxNamespace { Type = "user", Path = "/proc/1/ns/user" }) },
        { "empty mapping lists without user namespace", c => { L(c).UidMappings = []; L(c).GidMappings = []; } },
        { "time offsets with a new time namespace", c => { L(c).Namespaces!.Add(new LinuxNamespace { Type = "time" }); L(c).TimeOffsets = new() { ["monotonic"] = new LinuxTimeOffset { Secs = -5, Nanosecs = 999_999_999 }, ["boottime"] = new LinuxTimeOffset() }; } },
        { "devices of every type", c => L(c).Devices = [.. new[] { "c", "b", "u", "p" }.Select(t => new LinuxDevice { Path = "/dev/x" + t, Type = t, Major = 1, Minor = 1 })] },
        { "propagation empty (runc: unchanged)", c => L(c).RootfsPropagation = "" },
        { "propagation rslave (runc's r-forms)", c => L(c).RootfsPropagation = "rslave" },
        { "propagation runbindable", c => L(c).RootfsPropagation = "runbindable" },
        { "propagation private", c => L(c).RootfsPropagation = "private" },
        { "sysctl", c => L(c).Sysctl = new() { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmax"] = "1" } },
        { "seccomp everything", c => { var s = Seccomp(c); s.DefaultErrnoRet = 38; s.Architectures = [.. KnownNames.SeccompArchitectures]; s.Flags = [.. KnownNames.SeccompFlags]; s.Syscalls!.Add(new LinuxSyscall { Names = ["kill"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 1, Args = [new LinuxSeccompArg { Index = 5, Op = "SCMP_CMP_MASKED_EQ" }] }); } },
        { "seccomp notify with a listener", c => { Seccomp(c).Syscalls![0].Action = "SCMP_ACT_NOTIFY"; Seccomp(c).ListenerPath = "/run/agent.sock"; Seccomp(c).ListenerMetadata = "m"; } },
        { "seccomp trace with errno", c => { Seccomp(c).Syscalls![0].Action = "SCMP_ACT_TRACE"; Seccomp(c).Syscalls![0].ErrnoRet = 1; } },
        { "personality LINUX32", c => L(c).Personality = new LinuxPersonality { Domain = "LINUX32" } },
        { "MPOL_PREFERRED without nodes", c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_PREFERRED" } },
        { "MPOL_LOCAL", c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_LOCAL", Flags = [] } },
        { "MPOL_WEIGHTED_INTERLEAVE with flags", c => L(c).MemoryPolicy = new LinuxMemoryPolicy { Mode = "MPOL_WEIGHTED_INTERLEAVE", Nodes = "0,2-3", Flags = ["MPOL_F_NUMA_BALANCING", "MPOL_F_STATIC_NODES"] } },
        { "closID / (default group)", c => L(c).IntelRdt = new LinuxIntelRdt { ClosID = "/", MemBwSchema = "MB:0=20", Schemata = ["L3:0=7f0"] } },
        { "pids limit -1 and 0", c => L(c).Resources!.Pids = new LinuxPids { Limit = -1 } },
        { "device rule with every letter", c => L(c).Resources!.Devices = [new LinuxDeviceCgroup { Allow = true, Type = "b", Access = "mwr" }, new LinuxDeviceCgroup { Type = "a", Access = "" }] },
    };

    public static TheoryData<string> ValidNames => Names(Valid.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void Valid_setting_gives_no_error(string name) => NoErrors(Default(Valid.Single(c => c.Name == name).Change));

    [Fact]
    public void Case_names_are_unique()
    {
        Assert.Equal(Invalid.Count, Invalid.Select(c => c.Name).Distinct().Count());
        Assert.Equal(Valid.Count, Valid.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Unknown_capability_is_a_warning_naming_its_set_and_index()
    {
        var config = Default(c => P(c).Capabilities!.Effective!.Add("CAP_NET_ADMINS"));
        var report = ConfigValidator.Check(config);
        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal($"process.capabilities.effective[{P(config).Capabilities!.Effective!.Count - 1}]", warning.Path);
        Assert.Contains("\"CAP_NET_ADMINS\" is not a capability", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mount_mappings_without_idmap_or_ridmap_are_a_warning()
    {
        var config = Default(c =>
        {
            var m = BindFirst(c);
            m.UidMappings = Map(0, 1000, 1);
            m.GidMappings = Map(0, 1000, 1);
        });
        var report = ConfigValidator.Check(config);
        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal("mounts[0].options", warning.Path);
        Assert.Contains("applied as \"idmap\"", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_mount_destination_is_a_warning()
    {
        var report = ConfigValidator.Check(Default(c => c.Mounts![3].Destination = "dev/shm"));
        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal("mounts[3].destination", warning.Path);
        Assert.Contains("taken as \"/dev/shm\"", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("process.commandLine", "process.args is what runs")]
    [InlineData("process.user.username", "the process runs as process.user.uid and gid")]
    public void Windows_only_process_fields_are_warned_about(string path, string fragment)
    {
        var report = ConfigValidator.Check(Default(c =>
        {
            if (path == "process.commandLine")
            {
                P(c).CommandLine = "cmd /c dir";
            }
            else
            {
                P(c).User.Username = "ContainerUser";
            }
        }));
        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal(path, warning.Path);
        Assert.Contains("is for Windows only and is ignored; " + fragment, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_give_no_warning()
    {
        Assert.Empty(ConfigValidator.Check(Default()).Warnings);
        Assert.Empty(ConfigValidator.Check(DefaultConfig.Create(rootless: true)).Warnings);
    }

    [Fact]
    public void Rootless_defaults_are_valid() => NoErrors(DefaultConfig.Create(rootless: true));

    [Fact]
    public void Capability_list_ends_at_40_checkpoint_restore()
    {
        Assert.Equal(41, KnownNames.Capabilities.Length);
        Assert.Equal("CAP_CHECKPOINT_RESTORE", KnownNames.Capabilities[40]);
        Assert.Equal("CAP_SYS_ADMIN", KnownNames.Capabilities[21]);
        Assert.Equal(KnownNames.Capabilities.Length, KnownNames.Capabilities.Distinct().Count());
    }
}
