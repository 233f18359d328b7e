namespace Hutch.Spec;

/// <summary>The "linux" object (config-linux.md).</summary>
internal static class LinuxRules
{
    public static void Check(Linux linux, NamespaceSet namespaces, ValidationReport report)
    {
        CheckNamespaces(linux.Namespaces, report);
        CheckIdMappings(linux, namespaces, report);
        CheckTimeOffsets(linux.TimeOffsets, namespaces, report);
        CheckDevices(linux.Devices, report);
        CheckRootfsPropagation(linux.RootfsPropagation, report);
        CheckPathList("linux.maskedPaths", linux.MaskedPaths, namespaces, report);
        CheckPathList("linux.readonlyPaths", linux.ReadonlyPaths, namespaces, report);
        CheckSysctl(linux.Sysctl, report);
        CheckPersonality(linux.Personality, report);
        CheckMemoryPolicy(linux.MemoryPolicy, report);
        CheckIntelRdt(linux.IntelRdt, report);
        if (linux.Seccomp != null)
        {
            SeccompRules.Check(linux.Seccomp, report);
        }
        if (linux.Resources != null)
        {
            ResourcesRules.Check(linux.Resources, report);
        }
        NetDevicesRules.Check(linux.NetDevices, namespaces, report);
    }

    private static void CheckNamespaces(List<LinuxNamespace>? list, ValidationReport report)
    {
        var firstIndexOfType = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; list != null && i < list.Count; i++)
        {
            var path = JsonPath.Index("linux.namespaces", i);
            var ns = list[i];
            if (ns == null)
            {
                report.Error(path, "is null; each namespace is {\"type\": \"...\"} with an optional \"path\"");
                continue;
            }
            if (!KnownNames.Contains(KnownNames.NamespaceTypes, ns.Type ?? ""))
            {
                report.Error(path + ".type", $"{JsonPath.Quote(ns.Type ?? "")} is not a namespace type; use one of " +
                                             KnownNames.List(KnownNames.NamespaceTypes));
            }
            // "If a namespaces field contains duplicated namespaces with same type, the runtime MUST generate an error."
            else if (firstIndexOfType.TryGetValue(ns.Type!, out var first))
            {
                report.Error(path + ".type", $"\"{ns.Type}\" is already listed at linux.namespaces[{first}]; list each type once");
            }
            else
            {
                firstIndexOfType[ns.Type!] = i;
            }
            KernelLimits.CheckLength(path + ".path", ns.Path, KernelLimits.PathBytes, "a path", report);
            // path: "This value MUST be an absolute path". An empty path means "create", as in runc.
            if (!string.IsNullOrEmpty(ns.Path) && !ns.Path.StartsWith('/'))
            {
                report.Error(path + ".path", $"{JsonPath.Quote(ns.Path)} is not absolute; give the namespace file's absolute path, " +
                                             "e.g. \"/var/run/netns/NAME\" or \"/proc/PID/ns/net\"");
            }
        }
    }

    private static void CheckIdMappings(Linux linux, NamespaceSet namespaces, ValidationReport report)
    {
        var hasUid = linux.UidMappings is { Count: > 0 };
        var hasGid = linux.GidMappings is { Count: > 0 };
        if (!namespaces.Has("user"))
        {
            // Mappings belong to a user namespace; without one they would be silently ignored. runc refuses too.
            foreach (var (field, has) in new[] { ("uidMappings", hasUid), ("gidMappings", hasGid) })
            {
                if (has)
                {
                    report.Error("linux." + field, "is set but the container has no user namespace; add {\"type\": \"user\"} " +
                                                   "to linux.namespaces or remove the mappings");
                }
            }
            return;
        }
        if (namespaces.Creates("user"))
        {
            // A new user namespace without maps leaves every id unmapped (the process runs as the overflow
            // id and can do almost nothing); runc refuses it as well. The spec is silent.
            foreach (var (field, has) in new[] { ("uidMappings", hasUid), ("gidMappings", hasGid) })
            {
                if (!has)
                {
                    report.Error("linux." + field, "is missing: the container creates a new user namespace, which needs " +
                                                   "both uidMappings and gidMappings (e.g. [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}])");
                }
            }
        }
        CheckMappingSizes("linux.uidMappings", linux.UidMappings, report);
        CheckMappingSizes("linux.gidMappings", linux.GidMappings, report);
    }

    /// <summary>Every size non-zero, every range within the kernel's ids (<see cref="CheckMappingRanges"/>).</summary>
    internal static void CheckMappingSizes(string listPath, List<LinuxIdMapping>? mappings, ValidationReport report)
    {
        for (var i = 0; mappings != null && i < mappings.Count; i++)
        {
            if (mappings[i] is { Size: 0 })
            {
                // The kernel refuses a zero-length range in uid_map/gid_map (EINVAL).
                report.Error(JsonPath.Index(listPath, i) + ".size", "is 0; a mapping must cover at least one id");
            }
        }
        CheckMappingRanges(listPath, mappings, report);
    }

    /// <summary>
    /// Each range within 0..4294967294 on both sides: the kernel refuses (EINVAL) a range that
    /// wraps past 2^32 or covers (uid_t)-1, which is never an id.
    /// </summary>
    internal static void CheckMappingRanges(string listPath, List<LinuxIdMapping>? mappings, ValidationReport report)
    {
        for (var i = 0; mappings != null && i < mappings.Count; i++)
        {
            if (mappings[i] is not { Size: > 0 } m)
            {
                continue;
            }
            foreach (var (field, first) in new[] { ("containerID", m.ContainerID), ("hostID", m.HostID) })
            {
                var last = (long)first + m.Size - 1;
                if (last > KernelLimits.MaxMappedId)
                {
                    report.Error(JsonPath.Index(listPath, i), $"maps {field} {first} to {last} (size {m.Size}); ids run from 0 to " +
                                                              $"{KernelLimits.MaxMappedId} (4294967295 is (uid_t)-1): lower {field} or size");
                }
            }
        }
    }

    private static void CheckTimeOffsets(Dictionary<string, LinuxTimeOffset>? offsets, NamespaceSet namespaces, ValidationReport report)
    {
        if (offsets is not { Count: > 0 })
        {
            return;
        }
        // Offsets can only be written into a new time namespace before its first process enters (time_namespaces(7)).
        if (!namespaces.Has("time"))
        {
            report.Error("linux.timeOffsets", "is set but the container has no time namespace; add {\"type\": \"time\"} to " +
                                              "linux.namespaces or remove timeOffsets");
        }
        else if (namespaces.Joins("time"))
        {
            report.Error("linux.timeOffsets", "is set but the container joins an existing time namespace, whose offsets can no " +
                                              "longer change; remove timeOffsets or the time namespace's path");
        }
        foreach (var (clock, offset) in offsets)
        {
            var path = JsonPath.Key("linux.timeOffsets", clock);
            if (!KnownNames.Contains(KnownNames.TimeOffsetClocks, clock))
            {
                report.Error(path, $"is not a clock a time namespace can offset; use {KnownNames.List(KnownNames.TimeOffsetClocks)}");
            }
            if (offset?.Nanosecs is >= 1_000_000_000)
            {
                report.Error(path + ".nanosecs", $"is {offset.Nanosecs}; it must be below 1000000000 (put whole seconds in secs)");
            }
        }
    }

    private static void CheckDevices(List<LinuxDevice>? devices, ValidationReport report)
    {
        for (var i = 0; devices != null && i < devices.Count; i++)
        {
            var path = JsonPath.Index("linux.devices", i);
            var device = devices[i];
            if (device == null)
            {
                report.Error(path, "is null; each device is {\"path\": \"/dev/...\", \"type\": \"c\", \"major\": N, \"minor\": N}");
                continue;
            }
            // path: REQUIRED, the "full path to device inside container".
            if (string.IsNullOrEmpty(device.Path))
            {
                report.Error(path + ".path", "is required; give the device's absolute path inside the container, e.g. \"/dev/fuse\"");
            }
            else if (!device.Path.StartsWith('/'))
            {
                report.Error(path + ".path", $"{JsonPath.Quote(device.Path)} is not absolute; give the full path inside the container");
            }
            else if (ContainerPath.Clean(device.Path) == "/")
            {
                report.Error(path + ".path", $"{JsonPath.Quote(device.Path)} is the container's root, not a file in it; give the node's path, e.g. \"/dev/fuse\"");
            }
            KernelLimits.CheckLength(path + ".path", device.Path, KernelLimits.PathBytes, "a path", report);
            // mknod(2) of a FIFO takes no device number; the others must fit the kernel's dev_t.
            if (device.Type != "p")
            {
                KernelLimits.CheckDeviceNumber(path + ".major", device.Major, isMajor: true, wildcard: false, report);
                KernelLimits.CheckDeviceNumber(path + ".minor", device.Minor, isMajor: false, wildcard: false, report);
            }
            // chown(2) reads (uid_t)-1 as "unchanged": uid 4294967295 would leave the node owned by root.
            if (device.Uid is { } uid && !PosixIds.InRange(uid))
            {
                report.Error(path + ".uid", PosixIds.OutOfRange(uid));
            }
            if (device.Gid is { } gid && !PosixIds.InRange(gid))
            {
                report.Error(path + ".gid", PosixIds.OutOfRange(gid));
            }
            // type: REQUIRED, c, b, u or p. (major/minor are REQUIRED unless p, but the model cannot tell
            // an absent number from 0, like the spec's Go types; 0 is left to mknod.)
            if (!KnownNames.Contains(KnownNames.DeviceTypes, device.Type ?? ""))
            {
                report.Error(path + ".type", $"{JsonPath.Quote(device.Type ?? "")} is not a device type; use \"c\" (character), " +
                                             "\"b\" (block), \"u\" (unbuffered character) or \"p\" (FIFO)");
            }
        }
    }

    private static void CheckRootfsPropagation(string? propagation, ValidationReport report)
    {
        if (propagation != null && !KnownNames.Contains(KnownNames.RootfsPropagations, propagation))
        {
            report.Error("linux.rootfsPropagation", $"{JsonPath.Quote(propagation)} is not a mount propagation; use " +
                                                    KnownNames.List(KnownNames.RootfsPropagations));
        }
    }

    private static void CheckPathList(string listPath, List<string>? paths, NamespaceSet namespaces, ValidationReport report)
    {
        if (paths is not { Count: > 0 })
        {
            return;
        }
        // Masking or remounting without a mount namespace would do it on the host's mounts; runc refuses too.
        if (!namespaces.Has("mount"))
        {
            report.Error(listPath, "is set but the container has no mount namespace, so it would change the host's mounts; " +
                                   "add {\"type\": \"mount\"} to linux.namespaces");
        }
        for (var i = 0; i < paths.Count; i++)
        {
            // "The values MUST be absolute paths in the container namespace."
            if (paths[i] is not { } p || !p.StartsWith('/'))
            {
                report.Error(JsonPath.Index(listPath, i), $"{JsonPath.Quote(paths[i] ?? "")} is not an absolute path; write it from the " +
                                                          "container's root, e.g. \"/proc/kcore\"");
            }
            KernelLimits.CheckLength(JsonPath.Index(listPath, i), paths[i], KernelLimits.PathBytes, "a path", report);
        }
    }

    private static void CheckSysctl(Dictionary<string, string>? sysctl, ValidationReport report)
    {
        foreach (var key in sysctl?.Keys ?? Enumerable.Empty<string>())
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                report.Error(JsonPath.Key("linux.sysctl", key), "is not a sysctl name; use names like \"net.ipv4.ip_forward\"");
                continue;
            }
            // The key names a file under /proc/sys: dots (or slashes, when it has any) separate its
            // components, none of which may be empty, "." or "..", which would name another file.
            var components = key.Contains('/', StringComparison.Ordinal) ? key.Trim('/').Split('/') : key.Split('.');
            if (components.Any(c => c is "" or "." or ".."))
            {
                report.Error(JsonPath.Key("linux.sysctl", key), "is not a sysctl name: it has an empty, \".\" or \"..\" component; " +
                                                               "use names like \"net.ipv4.ip_forward\"");
            }
        }
    }

    private static void CheckPersonality(LinuxPersonality? personality, ValidationReport report)
    {
        if (personality == null)
        {
            return;
        }
        if (!KnownNames.Contains(KnownNames.PersonalityDomains, personality.Domain ?? ""))
        {
            report.Error("linux.personality.domain", $"{JsonPath.Quote(personality.Domain ?? "")} is not supported; use " +
                                                     KnownNames.List(KnownNames.PersonalityDomains));
        }
        if (personality.Flags is { Count: > 0 })
        {
            // "Currently no flag values are supported." runc warns and ignores them; hutch refuses (the init's plan
            // did already), so that no flag someone relies on is dropped unseen.
            report.Error("linux.personality.flags", "no personality flag is supported (the runtime-spec defines none yet); remove flags");
        }
    }

    private static void CheckMemoryPolicy(LinuxMemoryPolicy? policy, ValidationReport report)
    {
        if (policy == null)
        {
            return;
        }
        const string path = "linux.memoryPolicy";
        if (!KnownNames.Contains(KnownNames.MemoryPolicyModes, policy.Mode ?? ""))
        {
            report.Error(path + ".mode", $"{JsonPath.Quote(policy.Mode ?? "")} is not a memory policy mode; use one of " +
                                         KnownNames.List(KnownNames.MemoryPolicyModes));
        }
        // set_mempolicy(2): DEFAULT and LOCAL take no nodes; BIND, INTERLEAVE, WEIGHTED_INTERLEAVE and
        // PREFERRED_MANY need at least one (EINVAL otherwise). PREFERRED takes either.
        var hasNodes = !string.IsNullOrEmpty(policy.Nodes);
        if (hasNodes && policy.Mode is "MPOL_DEFAULT" or "MPOL_LOCAL")
        {
            report.Error(path + ".nodes", $"must be empty with {policy.Mode}; remove nodes or pick a mode that uses them");
        }
        else if (!hasNodes && policy.Mode is "MPOL_BIND" or "MPOL_INTERLEAVE" or "MPOL_WEIGHTED_INTERLEAVE" or "MPOL_PREFERRED_MANY")
        {
            report.Error(path + ".nodes", $"is required with {policy.Mode}; list at least one memory node, e.g. \"0\" or \"0-1\"");
        }
        if (policy.Flags is { } flags && flags.Contains("MPOL_F_STATIC_NODES") && flags.Contains("MPOL_F_RELATIVE_NODES"))
        {
            // set_mempolicy(2): EINVAL for both.
            report.Error(path + ".flags", "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other; keep one");
        }
        for (var i = 0; policy.Flags != null && i < policy.Flags.Count; i++)
        {
            if (!KnownNames.Contains(KnownNames.MemoryPolicyFlags, policy.Flags[i] ?? ""))
            {
                report.Error(JsonPath.Index(path + ".flags", i), $"{JsonPath.Quote(policy.Flags[i] ?? "")} is not a memory policy flag; use " +
                                                                KnownNames.List(KnownNames.MemoryPolicyFlags));
            }
        }
    }

    private static void CheckIntelRdt(LinuxIntelRdt? rdt, ValidationReport report)
    {
        if (rdt == null)
        {
            return;
        }
        const string path = "linux.intelRdt";
        // closID names a resctrl directory; "/" alone means the default CLOS (v1.3.0). runc refuses "." ".." and '/'.
        if (rdt.ClosID is { Length: > 0 } clos && clos != "/" && (clos is "." or ".." || clos.Contains('/', StringComparison.Ordinal)))
        {
            report.Error(path + ".closID", $"{JsonPath.Quote(clos)} cannot name a resctrl group; use a plain name without '/', " +
                                           "or \"/\" for the default group");
        }
        // memBwSchema "MUST start with MB: and MUST NOT contain newlines"; schemata "MUST NOT contain newlines".
        if (rdt.MemBwSchema is { } mb && (!mb.StartsWith("MB:", StringComparison.Ordinal) || mb.Contains('\n', StringComparison.Ordinal)))
        {
            report.Error(path + ".memBwSchema", "must start with \"MB:\" and hold no newline, e.g. \"MB:0=20;1=70\"");
        }
        for (var i = 0; rdt.Schemata != null && i < rdt.Schemata.Count; i++)
        {
            if (rdt.Schemata[i]?.Contains('\n', StringComparison.Ordinal) == true)
            {
                report.Error(JsonPath.Index(path + ".schemata", i), "holds a newline; give each schemata line as its own entry");
            }
        }
    }
}
