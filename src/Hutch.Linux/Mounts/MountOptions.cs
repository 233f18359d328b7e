namespace Hutch.Linux.Mounts;

/// <summary>
/// Parses a mount's "options" (config.md "Mounts"; the set runc accepts). Pure: no syscalls.
/// Later options win over earlier ones ("ro,rw" is rw). Unknown options go, in order, to the
/// data string the filesystem parses (mode=755, size=65536k, newinstance ...).
/// </summary>
internal static class MountOptions
{
    private readonly record struct FlagOption(MountFlags Flag, bool Clear);

    private readonly record struct AttrOption(MountAttr Attr, bool Clear);

    private static readonly Dictionary<string, FlagOption> Flags = new(StringComparer.Ordinal)
    {
        ["defaults"] = new(MountFlags.None, false),
        ["ro"] = new(MountFlags.ReadOnly, false),
        ["rw"] = new(MountFlags.ReadOnly, true),
        ["nosuid"] = new(MountFlags.NoSuid, false),
        ["suid"] = new(MountFlags.NoSuid, true),
        ["nodev"] = new(MountFlags.NoDev, false),
        ["dev"] = new(MountFlags.NoDev, true),
        ["noexec"] = new(MountFlags.NoExec, false),
        ["exec"] = new(MountFlags.NoExec, true),
        ["sync"] = new(MountFlags.Synchronous, false),
        ["async"] = new(MountFlags.Synchronous, true),
        ["dirsync"] = new(MountFlags.DirSync, false),
        ["remount"] = new(MountFlags.Remount, false),
        ["mand"] = new(MountFlags.MandLock, false),
        ["nomand"] = new(MountFlags.MandLock, true),
        ["noatime"] = new(MountFlags.NoAtime, false),
        ["atime"] = new(MountFlags.NoAtime, true),
        ["nodiratime"] = new(MountFlags.NoDirAtime, false),
        ["diratime"] = new(MountFlags.NoDirAtime, true),
        ["relatime"] = new(MountFlags.RelAtime, false),
        ["norelatime"] = new(MountFlags.RelAtime, true),
        ["strictatime"] = new(MountFlags.StrictAtime, false),
        ["nostrictatime"] = new(MountFlags.StrictAtime, true),
        ["nosymfollow"] = new(MountFlags.NoSymFollow, false),
        ["symfollow"] = new(MountFlags.NoSymFollow, true),
        ["lazytime"] = new(MountFlags.LazyTime, false),
        ["nolazytime"] = new(MountFlags.LazyTime, true),
        ["iversion"] = new(MountFlags.IVersion, false),
        ["noiversion"] = new(MountFlags.IVersion, true),
        ["silent"] = new(MountFlags.Silent, false),
        ["loud"] = new(MountFlags.Silent, true),
        ["bind"] = new(MountFlags.Bind, false),
        ["rbind"] = new(MountFlags.Bind | MountFlags.Recursive, false),
    };

    private static readonly Dictionary<string, MountFlags> Propagations = new(StringComparer.Ordinal)
    {
        ["private"] = MountFlags.Private,
        ["rprivate"] = MountFlags.Private | MountFlags.Recursive,
        ["shared"] = MountFlags.Shared,
        ["rshared"] = MountFlags.Shared | MountFlags.Recursive,
        ["slave"] = MountFlags.Slave,
        ["rslave"] = MountFlags.Slave | MountFlags.Recursive,
        ["unbindable"] = MountFlags.Unbindable,
        ["runbindable"] = MountFlags.Unbindable | MountFlags.Recursive,
    };

    private static readonly Dictionary<string, AttrOption> RecursiveAttrs = new(StringComparer.Ordinal)
    {
        ["rro"] = new(MountAttr.ReadOnly, false),
        ["rrw"] = new(MountAttr.ReadOnly, true),
        ["rnosuid"] = new(MountAttr.NoSuid, false),
        ["rsuid"] = new(MountAttr.NoSuid, true),
        ["rnodev"] = new(MountAttr.NoDev, false),
        ["rdev"] = new(MountAttr.NoDev, true),
        ["rnoexec"] = new(MountAttr.NoExec, false),
        ["rexec"] = new(MountAttr.NoExec, true),
        ["rnodiratime"] = new(MountAttr.NoDirAtime, false),
        ["rdiratime"] = new(MountAttr.NoDirAtime, true),
        ["rnosymfollow"] = new(MountAttr.NoSymFollow, false),
        ["rsymfollow"] = new(MountAttr.NoSymFollow, true),
    };

    // The atime mode is an enum: each option picks one mode; the "undo" forms go back to relatime.
    private static readonly Dictionary<string, MountAttr> RecursiveAtime = new(StringComparer.Ordinal)
    {
        ["rrelatime"] = MountAttr.RelAtime,
        ["rnorelatime"] = MountAttr.RelAtime,
        ["rnoatime"] = MountAttr.NoAtime,
        ["ratime"] = MountAttr.RelAtime,
        ["rstrictatime"] = MountAttr.StrictAtime,
        ["rnostrictatime"] = MountAttr.RelAtime,
    };

    private readonly record struct ExtensionOption(MountExtensions Extension, bool Clear);

    private static readonly Dictionary<string, ExtensionOption> Extensions = new(StringComparer.Ordinal)
    {
        ["tmpcopyup"] = new(MountExtensions.TmpCopyUp, false),
        ["notmpcopyup"] = new(MountExtensions.TmpCopyUp, true),
        ["copy-symlink"] = new(MountExtensions.CopySymlink, false),
        ["src-nofollow"] = new(MountExtensions.SourceNoFollow, false),
        ["dest-nofollow"] = new(MountExtensions.DestinationNoFollow, false),
    };

    /// <summary>The id-mapped mount options (config.md): never passed to mount(2).</summary>
    private static readonly string[] IdMapOptions = ["idmap", "ridmap"];

    /// <summary>
    /// Every option this parser gives a meaning and the runtime carries out (for `hutch features`
    /// mountOptions). Not crun's idmap=uids=...;gids=... form: it is recognised only to be refused.
    /// </summary>
    public static IEnumerable<string> KnownOptions =>
        Flags.Keys.Concat(Propagations.Keys).Concat(RecursiveAttrs.Keys).Concat(RecursiveAtime.Keys).Concat(Extensions.Keys)
            .Concat(IdMapOptions);

    public static ParsedMountOptions Parse(IEnumerable<string>? options)
    {
        var parsed = new ParsedMountOptions();
        if (options is null)
        {
            return parsed;
        }
        var data = new List<string>();
        foreach (var option in options)
        {
            if (Flags.TryGetValue(option, out var flag))
            {
                if (flag.Clear)
                {
                    parsed.Flags &= ~flag.Flag;
                    parsed.ClearFlags |= flag.Flag;
                }
                else
                {
                    parsed.Flags |= flag.Flag;
                    parsed.ClearFlags &= ~flag.Flag;
                }
            }
            else if (Propagations.TryGetValue(option, out var propagation))
            {
                parsed.PropagationSteps.Add(propagation);
            }
            else if (RecursiveAttrs.TryGetValue(option, out var attr))
            {
                if (attr.Clear)
                {
                    parsed.RecursiveSet &= ~attr.Attr;
                    parsed.RecursiveClear |= attr.Attr;
                }
                else
                {
                    parsed.RecursiveSet |= attr.Attr;
                    parsed.RecursiveClear &= ~attr.Attr;
                }
            }
            else if (RecursiveAtime.TryGetValue(option, out var atime))
            {
                parsed.RecursiveSet = (parsed.RecursiveSet & ~MountAttr.AtimeMask) | atime;
                parsed.RecursiveClear |= MountAttr.AtimeMask;
            }
            else if (Extensions.TryGetValue(option, out var extension))
            {
                parsed.Extensions = extension.Clear ? parsed.Extensions & ~extension.Extension : parsed.Extensions | extension.Extension;
            }
            else if (option is "idmap" or "ridmap")
            {
                parsed.IdMap = true;
                parsed.RecursiveIdMap = option == "ridmap";
            }
            else if (option.StartsWith("idmap=", StringComparison.Ordinal) || option.StartsWith("ridmap=", StringComparison.Ordinal))
            {
                // crun's own form with the mapping in the option; ConfigValidator refuses it.
                parsed.IdMap = true;
                parsed.RecursiveIdMap = option[0] == 'r';
            }
            else if (option.Length > 0)
            {
                data.Add(option);
            }
        }
        parsed.Data = string.Join(',', data);
        return parsed;
    }

    /// <summary>The mount_setattr form of the per-mount MS_* flags (for a bind mount's own attributes).</summary>
    public static (MountAttr Set, MountAttr Clear) ToMountAttr(MountFlags set, MountFlags clear)
    {
        MountAttr attrSet = 0, attrClear = 0;
        void Map(MountFlags flag, MountAttr attr)
        {
            if ((set & flag) != 0)
            {
                attrSet |= attr;
            }
            else if ((clear & flag) != 0)
            {
                attrClear |= attr;
            }
        }
        Map(MountFlags.ReadOnly, MountAttr.ReadOnly);
        Map(MountFlags.NoSuid, MountAttr.NoSuid);
        Map(MountFlags.NoDev, MountAttr.NoDev);
        Map(MountFlags.NoExec, MountAttr.NoExec);
        Map(MountFlags.NoDirAtime, MountAttr.NoDirAtime);
        Map(MountFlags.NoSymFollow, MountAttr.NoSymFollow);
        // atime: the last word among noatime/strictatime/relatime; a cleared one means relatime.
        if ((set & MountFlags.NoAtime) != 0)
        {
            (attrSet, attrClear) = ((attrSet & ~MountAttr.AtimeMask) | MountAttr.NoAtime, attrClear | MountAttr.AtimeMask);
        }
        else if ((set & MountFlags.StrictAtime) != 0)
        {
            (attrSet, attrClear) = ((attrSet & ~MountAttr.AtimeMask) | MountAttr.StrictAtime, attrClear | MountAttr.AtimeMask);
        }
        else if ((set & MountFlags.RelAtime) != 0 || (clear & (MountFlags.NoAtime | MountFlags.StrictAtime)) != 0)
        {
            (attrSet, attrClear) = (attrSet & ~MountAttr.AtimeMask, attrClear | MountAttr.AtimeMask);
        }
        return (attrSet, attrClear);
    }
}
