using Hutch.Linux.Interop;

namespace Hutch.Linux.Seccomp;

/// <summary>
/// Compiles a <see cref="SeccompFilter"/> to BPF with the system's libseccomp (seccomp_init,
/// seccomp_arch_add, seccomp_rule_add_array, seccomp_export_bpf into a memfd, read back).
/// Nothing is loaded into the kernel here: hutch_exec_with_filter does that right before execve.
/// </summary>
internal static class SeccompCompiler
{
    private const int MaxArguments = 6;

    public static SeccompProgram Compile(SeccompFilter filter)
    {
        var ctx = Init(filter.DefaultAction);
        try
        {
            foreach (var arch in filter.Architectures)
            {
                AddArchitecture(ctx, arch);
            }
            var skipped = new List<string>();
            foreach (var rule in filter.Rules)
            {
                AddRule(ctx, rule, filter.DefaultAction, skipped);
            }
            var flags = filter.Flags;
            if (filter.UsesNotify)
            {
                flags |= SeccompFilterFlags.NewListener;
            }
            else
            {
                // Only meaningful with a listener; the kernel refuses it without one.
                flags &= ~SeccompFilterFlags.WaitKillableRecv;
            }
            return new SeccompProgram { Instructions = Export(ctx), Flags = flags, SkippedSyscalls = skipped };
        }
        finally
        {
            Libc.seccomp_release(ctx);
        }
    }

    /// <summary>Whether libseccomp knows <paramref name="syscall"/> on this architecture (or any it can translate to).</summary>
    public static bool KnowsSyscall(string syscall) => LoadingLibseccomp(() => Libc.seccomp_syscall_resolve_name(syscall)) != Libc.NR_SCMP_ERROR;

    private static nint Init(uint defaultAction)
    {
        var ctx = LoadingLibseccomp(() => Libc.seccomp_init(defaultAction));
        if (ctx == 0)
        {
            throw new SeccompException($"seccomp: libseccomp refused the default action 0x{defaultAction:x8} (seccomp_init failed)");
        }
        return ctx;
    }

    private static T LoadingLibseccomp<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (DllNotFoundException e)
        {
            throw new SeccompException(
                "seccomp: libseccomp.so.2 cannot be loaded; install libseccomp (Debian/Ubuntu: apt-get install libseccomp2) " +
                "or remove linux.seccomp from config.json", e);
        }
    }

    private static void AddArchitecture(nint ctx, string name)
    {
        var token = Libc.seccomp_arch_resolve_name(name);
        if (token == 0)
        {
            throw new SeccompException($"seccomp: architecture \"{name}\" is unknown to this libseccomp; remove it from linux.seccomp.architectures or update libseccomp");
        }
        var rc = Libc.seccomp_arch_add(ctx, token);
        if (rc < 0 && rc != -Errno.EEXIST)
        {
            throw new SeccompException($"seccomp: add architecture \"{name}\": {Errno.Describe(-rc)}", -rc);
        }
    }

    private static unsafe void AddRule(nint ctx, SeccompRule rule, uint defaultAction, List<string> skipped)
    {
        var number = Libc.seccomp_syscall_resolve_name(rule.Syscall);
        if (number == Libc.NR_SCMP_ERROR)
        {
            // runc skips names its libseccomp does not know (a newer syscall, another architecture's).
            if (!skipped.Contains(rule.Syscall))
            {
                skipped.Add(rule.Syscall);
            }
            return;
        }
        if (rule.Action == defaultAction)
        {
            return; // libseccomp refuses a rule that repeats the default; it changes nothing
        }
        foreach (var condition in rule.Conditions)
        {
            if (condition.Index >= MaxArguments)
            {
                throw new SeccompException($"seccomp: syscall \"{rule.Syscall}\": argument index {condition.Index} is out of range; syscalls have arguments 0 to 5");
            }
        }
        // libseccomp cannot AND two comparisons of one argument: then each becomes a rule of its
        // own (OR), as runc does; otherwise all conditions form one rule (AND).
        var repeatsAnArgument = rule.Conditions.GroupBy(c => c.Index).Any(g => g.Count() > 1);
        if (!repeatsAnArgument && rule.Conditions.Count > MaxArguments)
        {
            throw new SeccompException($"seccomp: syscall \"{rule.Syscall}\" has {rule.Conditions.Count} argument conditions; at most 6 fit one rule");
        }
        var groups = repeatsAnArgument ? rule.Conditions.Select(c => (IReadOnlyList<SeccompCondition>)[c]) : [rule.Conditions];
        var args = stackalloc Libc.ScmpArgCmp[MaxArguments];
        foreach (var conditions in groups)
        {
            for (var i = 0; i < conditions.Count; i++)
            {
                args[i] = new Libc.ScmpArgCmp
                {
                    Arg = conditions[i].Index,
                    Op = conditions[i].Operator,
                    DatumA = conditions[i].DatumA,
                    DatumB = conditions[i].DatumB,
                };
            }
            var rc = Libc.seccomp_rule_add_array(ctx, rule.Action, number, (uint)conditions.Count, args);
            if (rc < 0)
            {
                throw new SeccompException(
                    $"seccomp: add the rule for syscall \"{rule.Syscall}\" (action 0x{rule.Action:x8}, {conditions.Count} conditions): {Errno.Describe(-rc)}", -rc);
            }
        }
    }

    private static unsafe byte[] Export(nint ctx)
    {
        var fd = Libc.memfd_create("hutch-seccomp", Libc.MFD_CLOEXEC);
        if (fd < 0)
        {
            throw new SeccompException($"seccomp: memfd_create for the filter export: {Errno.Describe(Libc.LastErrno)}", Libc.LastErrno);
        }
        using var memfd = new SafeFd(fd);
        var rc = Libc.seccomp_export_bpf(ctx, fd);
        if (rc < 0)
        {
            throw new SeccompException($"seccomp: export the filter as BPF: {Errno.Describe(-rc)}", -rc);
        }
        using var output = new MemoryStream();
        var buffer = new byte[8192];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = Libc.pread(fd, p, (nuint)buffer.Length, output.Length);
                if (n < 0 && Libc.LastErrno == Errno.EINTR)
                {
                    continue;
                }
                if (n < 0)
                {
                    throw new SeccompException($"seccomp: read the exported filter back: {Errno.Describe(Libc.LastErrno)}", Libc.LastErrno);
                }
                if (n == 0)
                {
                    break;
                }
                output.Write(buffer, 0, (int)n);
            }
        }
        var bytes = output.ToArray();
        if (bytes.Length == 0 || bytes.Length % 8 != 0)
        {
            throw new SeccompException($"seccomp: libseccomp exported {bytes.Length} bytes, not a whole number of BPF instructions");
        }
        return bytes;
    }
}
