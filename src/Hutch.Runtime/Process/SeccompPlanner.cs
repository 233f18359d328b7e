using Hutch.Linux.Seccomp;
using Hutch.Spec;

namespace Hutch.Runtime.Processes;

/// <summary>
/// linux.seccomp (config-linux.md "Seccomp") to a <see cref="SeccompFilter"/>: actions with
/// their errnoRet, architectures, flags, rules and their argument conditions. Pure: unknown
/// syscall names are left to the compiler (it skips them, as runc does).
/// </summary>
internal static class SeccompPlanner
{
    /// <summary>Throws <see cref="ProcessSetupException"/> (step "seccomp") naming the JSON path of a wrong value.</summary>
    public static SeccompFilter Plan(LinuxSeccomp seccomp)
    {
        var defaultAction = Action(seccomp.DefaultAction, seccomp.DefaultErrnoRet, "linux.seccomp.defaultAction");

        var architectures = new List<string>();
        for (var i = 0; seccomp.Architectures != null && i < seccomp.Architectures.Count; i++)
        {
            var name = SeccompArchitectures.LibseccompName(seccomp.Architectures[i]) ??
                       throw Error($"linux.seccomp.architectures[{i}]", $"\"{seccomp.Architectures[i]}\" is not a seccomp architecture (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)");
            if (!architectures.Contains(name))
            {
                architectures.Add(name);
            }
        }

        uint flags = 0;
        for (var i = 0; seccomp.Flags != null && i < seccomp.Flags.Count; i++)
        {
            flags |= SeccompFilterFlags.Parse(seccomp.Flags[i]) ??
                     throw Error($"linux.seccomp.flags[{i}]", $"\"{seccomp.Flags[i]}\" is not a seccomp flag; use SECCOMP_FILTER_FLAG_TSYNC, " +
                                                              "SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW or SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        }

        var rules = new List<SeccompRule>();
        for (var i = 0; seccomp.Syscalls != null && i < seccomp.Syscalls.Count; i++)
        {
            var path = $"linux.seccomp.syscalls[{i}]";
            var syscall = seccomp.Syscalls[i];
            if (syscall.Names is not { Count: > 0 })
            {
                throw Error(path + ".names", "needs at least one syscall name");
            }
            var action = Action(syscall.Action, syscall.ErrnoRet, path + ".action");
            var conditions = new List<SeccompCondition>();
            for (var j = 0; syscall.Args != null && j < syscall.Args.Count; j++)
            {
                var arg = syscall.Args[j];
                var argPath = $"{path}.args[{j}]";
                if (arg.Index > 5)
                {
                    throw Error(argPath + ".index", $"is {arg.Index}; syscalls have arguments 0 to 5");
                }
                var op = SeccompOperators.Parse(arg.Op) ??
                         throw Error(argPath + ".op", $"\"{arg.Op}\" is not a comparison; use SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, " +
                                                      "SCMP_CMP_GE, SCMP_CMP_GT or SCMP_CMP_MASKED_EQ");
                // MASKED_EQ: (arg & value) == valueTwo; the others compare with value alone.
                conditions.Add(new SeccompCondition(arg.Index, op, arg.Value, op == SeccompOperators.MaskedEqual ? arg.ValueTwo ?? 0 : 0));
            }
            foreach (var name in syscall.Names)
            {
                if (string.IsNullOrEmpty(name))
                {
                    throw Error(path + ".names", "holds an empty syscall name");
                }
                rules.Add(new SeccompRule(name, action, conditions));
            }
        }

        var filter = new SeccompFilter { DefaultAction = defaultAction, Architectures = architectures, Flags = flags, Rules = rules };
        if (filter.UsesNotify && string.IsNullOrEmpty(seccomp.ListenerPath))
        {
            throw Error("linux.seccomp.listenerPath", "is required when an action is SCMP_ACT_NOTIFY: the notify fd goes to the agent listening there");
        }
        if (!string.IsNullOrEmpty(seccomp.ListenerMetadata) && string.IsNullOrEmpty(seccomp.ListenerPath))
        {
            throw Error("linux.seccomp.listenerMetadata", "is set without listenerPath; the spec forbids it");
        }
        return filter;
    }

    private static uint Action(string name, uint? errnoRet, string path) =>
        SeccompActions.Parse(name ?? "", errnoRet, out var error) ?? throw Error(path, error!);

    private static ProcessSetupException Error(string path, string message) =>
        new("seccomp", $"config.json: {path}: {message}");
}
