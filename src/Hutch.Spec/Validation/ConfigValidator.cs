namespace Hutch.Spec;

/// <summary>
/// Checks a parsed config.json against runtime-spec v1.3.0 (config.md, config-linux.md) before
/// anything touches the system. Pure: no syscalls, no file access. Every problem is collected,
/// each naming its JSON path, what is wrong and what to do.
/// </summary>
/// <remarks>
/// Errors are the spec's MUSTs and settings that cannot work (a kernel would refuse them later,
/// after part of the container exists). Where the spec asks the runtime to log and go on
/// (unknown capabilities, relative mount destinations) the finding is a warning instead.
/// </remarks>
internal static class ConfigValidator
{
    /// <summary>The errors in <paramref name="config"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(ContainerConfig config) => Check(config).Errors;

    /// <summary>Errors and warnings of <paramref name="config"/>.</summary>
    public static ValidationReport Check(ContainerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var report = new ValidationReport();
        var namespaces = new NamespaceSet(config.Linux?.Namespaces);

        OciVersionRule.Check(config.OciVersion, report);
        CheckRoot(config.Root, report);
        CheckMounts(config.Mounts, namespaces, report);
        MountNamespaceRules.Check(config, namespaces, report);
        if (config.Process != null)
        {
            ProcessRules.Check(config.Process, report);
        }
        CheckUtsNames(config, namespaces, report);
        CheckHooks(config.Hooks, report);
        if (config.Linux != null)
        {
            LinuxRules.Check(config.Linux, namespaces, report);
        }
        return report;
    }

    /// <summary>Throws <see cref="SpecValidationException"/> listing every error; returns the report (its warnings) otherwise.</summary>
    public static ValidationReport EnsureValid(ContainerConfig config)
    {
        var report = Check(config);
        if (!report.IsValid)
        {
            throw new SpecValidationException(report.Errors);
        }
        return report;
    }

    private static void CheckRoot(Root? root, ValidationReport report)
    {
        // config.md: root is OPTIONAL only for Windows Hyper-V containers; "On all other platforms, this field is REQUIRED".
        if (root == null)
        {
            report.Error("root", "is required on Linux; add \"root\": {\"path\": \"rootfs\"} naming the container's root filesystem");
            return;
        }
        if (string.IsNullOrEmpty(root.Path))
        {
            report.Error("root.path", "is required; give the root filesystem's directory, absolute or relative to the bundle (usually \"rootfs\")");
        }
        KernelLimits.CheckLength("root.path", root.Path, KernelLimits.PathBytes, "a path", report);
    }

    private static void CheckMounts(List<Mount>? mounts, NamespaceSet namespaces, ValidationReport report)
    {
        if (mounts == null)
        {
            return;
        }
        for (var i = 0; i < mounts.Count; i++)
        {
            var path = JsonPath.Index("mounts", i);
            var mount = mounts[i];
            if (mount == null)
            {
                report.Error(path, "is null; each mount must be an object with at least \"destination\"");
                continue;
            }
            if (string.IsNullOrEmpty(mount.Destination))
            {
                report.Error(path + ".destination", "is required; give the absolute path inside the container, e.g. \"/data\"");
            }
            else if (ContainerPath.Clean(mount.Destination) == "/")
            {
                // ".", "/", "/x/..": a mount there would hide the whole root filesystem (runc refuses "." too).
                report.Error(path + ".destination", $"{JsonPath.Quote(mount.Destination)} is the container's root; a mount cannot " +
                                                    "replace the root filesystem (that is root.path): give a directory inside it, e.g. \"/data\"");
            }
            else if (!mount.Destination.StartsWith('/'))
            {
                // config.md (v1.2+), Linux: SHOULD be absolute; a relative path MAY be given and MUST be taken
                // relative to "/" (deprecated). runc only warns too.
                report.Warning(path + ".destination", $"{JsonPath.Quote(mount.Destination)} is relative, which is deprecated; " +
                                                      $"it is taken as \"/{mount.Destination}\": write it that way");
            }

            CheckMountStrings(path, mount, report);
            CheckProcMount(path, mount, report);
            CheckIdMappedMount(path, mount, namespaces, report);
        }
    }

    /// <summary>
    /// config.md, "Mounts" (uidMappings, gidMappings) and the idmap/ridmap options: both mappings
    /// or neither; without them the container's user namespace gives the mapping, and without one
    /// "an error MUST be returned". Id-mapped mounts are bind mounts here (runc's rule: a new
    /// filesystem instance is not id-mapped by hutch). Mappings without idmap/ridmap are applied
    /// as idmap, as runc does; the spec says the option SHOULD be there, so that is a warning.
    /// </summary>
    private static void CheckIdMappedMount(string path, Mount mount, NamespaceSet namespaces, ValidationReport report)
    {
        LinuxRules.CheckMappingSizes(path + ".uidMappings", mount.UidMappings, report);
        LinuxRules.CheckMappingSizes(path + ".gidMappings", mount.GidMappings, report);
        for (var i = 0; mount.Options != null && i < mount.Options.Count; i++)
        {
            if (mount.Options[i] is { } option && (option.StartsWith("idmap=", StringComparison.Ordinal) || option.StartsWith("ridmap=", StringComparison.Ordinal)))
            {
                report.Error(JsonPath.Index(path + ".options", i), $"{JsonPath.Quote(option)} is crun's own form of an id mapping, which hutch " +
                                                                   "does not read; write \"idmap\" (or \"ridmap\") and give the mapping in this mount's " +
                                                                   "uidMappings and gidMappings (config.md)");
            }
        }
        if (!MountIdMapping.IsIdMapped(mount))
        {
            return;
        }
        var hasUid = mount.UidMappings is { Count: > 0 };
        var hasGid = mount.GidMappings is { Count: > 0 };
        var what = MountIdMapping.HasOption(mount) ? "an id-mapped mount (idmap/ridmap)" : "uidMappings/gidMappings (an id-mapped mount)";
        if (!ContainerPath.IsBind(mount))
        {
            report.Error(path + (MountIdMapping.HasOption(mount) ? ".options" : ".uidMappings"),
                $"asks for {what}, which hutch makes of bind mounts only (as runc does), but this mount has neither \"bind\" nor " +
                "\"rbind\" in its options; bind-mount a host directory, or remove the id mapping");
        }
        if (hasUid != hasGid)
        {
            // config.md: "If specified, it MUST be specified along with gidMappings" (and vice versa).
            var (given, missing) = hasUid ? ("uidMappings", "gidMappings") : ("gidMappings", "uidMappings");
            report.Error(path + "." + missing, $"is missing while {given} is set; an id-mapped mount needs both uidMappings and gidMappings");
        }
        else if (!hasUid && !namespaces.Has("user"))
        {
            // config.md, idmap/ridmap: no mappings and no user namespace: "an error MUST be returned".
            report.Error(path + ".options", "asks for an id-mapped mount (idmap/ridmap) but the mount has no uidMappings/gidMappings " +
                                            "and the container has no user namespace to take them from; add mappings to the mount " +
                                            "or a {\"type\": \"user\"} namespace");
        }
        if (hasUid && hasGid && !MountIdMapping.HasOption(mount))
        {
            report.Warning(path + ".options", "has no \"idmap\" or \"ridmap\" though the mount has uidMappings/gidMappings; they are " +
                                              "applied as \"idmap\" (the top mount only): add the option, which config.md asks for so that " +
                                              "older runtimes refuse the mount instead of ignoring the mappings");
        }
    }

    private static void CheckMountStrings(string path, Mount mount, ValidationReport report)
    {
        KernelLimits.CheckLength(path + ".destination", mount.Destination, KernelLimits.PathBytes, "a path", report);
        KernelLimits.CheckLength(path + ".source", mount.Source, KernelLimits.PathBytes, "a mount source", report);
        KernelLimits.CheckLength(path + ".type", mount.Type, KernelLimits.PathBytes, "a filesystem type", report);
        for (var i = 0; mount.Options != null && i < mount.Options.Count; i++)
        {
            KernelLimits.CheckLength(JsonPath.Index(path + ".options", i), mount.Options[i], KernelLimits.PathBytes, "a mount option", report);
        }
    }

    /// <summary>
    /// The container's /proc must be a procfs: the runtime itself reads it in the container
    /// (/proc/self/fd for the exec fifo and the fds it closes), and a tmpfs there would leave a
    /// container that dies at start with "container not running". runc refuses a /proc that is not
    /// proc too. A bind mount is left to create, which checks that its source is a procfs
    /// (rootless podman binds the host's /proc for --pid host).
    /// </summary>
    private static void CheckProcMount(string path, Mount mount, ValidationReport report)
    {
        if (string.IsNullOrEmpty(mount.Destination) || ContainerPath.Clean(mount.Destination) != "/proc" ||
            mount.Type == "proc" || ContainerPath.IsBind(mount))
        {
            return;
        }
        report.Error(path + ".type", $"{JsonPath.Quote(mount.Type ?? "")} cannot be mounted on /proc: the container's /proc must be " +
                                     "a procfs (type \"proc\") or a bind mount of one; mount this elsewhere");
    }

    private static void CheckUtsNames(ContainerConfig config, NamespaceSet namespaces, ValidationReport report)
    {
        // Without its own UTS namespace the container shares the runtime's, so setting the name would
        // rename the host. runc refuses this too.
        foreach (var (field, value) in new[] { ("hostname", config.Hostname), ("domainname", config.Domainname) })
        {
            KernelLimits.CheckLength(field, value, KernelLimits.HostNameBytes, "a " + field + " (HOST_NAME_MAX)", report);
            if (!string.IsNullOrEmpty(value) && !namespaces.Has("uts"))
            {
                report.Error(field, $"is set but the container has no UTS namespace, so it would change the host's {field}; " +
                                    "add {\"type\": \"uts\"} to linux.namespaces or remove " + field);
            }
        }
    }

    private static void CheckHooks(Hooks? hooks, ValidationReport report)
    {
        if (hooks == null)
        {
            return;
        }
        CheckHookList("hooks.prestart", hooks.Prestart, report);
        CheckHookList("hooks.createRuntime", hooks.CreateRuntime, report);
        CheckHookList("hooks.createContainer", hooks.CreateContainer, report);
        CheckHookList("hooks.startContainer", hooks.StartContainer, report);
        CheckHookList("hooks.poststart", hooks.Poststart, report);
        CheckHookList("hooks.poststop", hooks.Poststop, report);
    }

    private static void CheckHookList(string listPath, List<Hook>? hooks, ValidationReport report)
    {
        if (hooks == null)
        {
            return;
        }
        for (var i = 0; i < hooks.Count; i++)
        {
            var path = JsonPath.Index(listPath, i);
            var hook = hooks[i];
            if (hook == null)
            {
                report.Error(path, "is null; each hook must be an object with an absolute \"path\"");
                continue;
            }
            // config.md: path REQUIRED and "MUST be absolute"; timeout "MUST be greater than zero".
            if (string.IsNullOrEmpty(hook.Path))
            {
                report.Error(path + ".path", "is required; give the absolute path of the program to run");
            }
            else if (!hook.Path.StartsWith('/'))
            {
                report.Error(path + ".path", $"{JsonPath.Quote(hook.Path)} is not absolute; hook paths must start with '/'");
            }
            KernelLimits.CheckLength(path + ".path", hook.Path, KernelLimits.PathBytes, "a path", report);
            ProcessRules.CheckArgumentLengths(path + ".args", hook.Args, report);
            ProcessRules.CheckArgumentLengths(path + ".env", hook.Env, report);
            if (hook.Timeout is { } timeout && timeout <= 0)
            {
                report.Error(path + ".timeout", $"is {timeout}; when set it must be greater than zero (seconds), or leave it out for no timeout");
            }
        }
    }
}
