namespace Hutch.Spec;

/// <summary>linux.seccomp (config-linux.md, "Seccomp"); names as of libseccomp v2.6.0.</summary>
internal static class SeccompRules
{
    /// <summary>seccomp rules compare one of a syscall's six arguments.</summary>
    private const int MaxSyscallArgs = 6;

    public static void Check(LinuxSeccomp seccomp, ValidationReport report)
    {
        const string path = "linux.seccomp";
        var usesNotify = seccomp.DefaultAction == "SCMP_ACT_NOTIFY";

        CheckAction(path + ".defaultAction", seccomp.DefaultAction, seccomp.DefaultErrnoRet, path + ".defaultErrnoRet", report);
        if (usesNotify)
        {
            // libseccomp refuses SCMP_ACT_NOTIFY as the filter's default action (seccomp_init: EINVAL).
            report.Error(path + ".defaultAction", "cannot be SCMP_ACT_NOTIFY (the kernel would have to notify on every syscall); " +
                                                  "use it only in syscalls[].action");
        }
        CheckNames(path + ".architectures", seccomp.Architectures, KnownNames.SeccompArchitectures, "architecture", report);
        CheckNames(path + ".flags", seccomp.Flags, KnownNames.SeccompFlags, "seccomp filter flag", report);

        for (var i = 0; seccomp.Syscalls != null && i < seccomp.Syscalls.Count; i++)
        {
            var rulePath = JsonPath.Index(path + ".syscalls", i);
            var rule = seccomp.Syscalls[i];
            if (rule == null)
            {
                report.Error(rulePath, "is null; each rule is {\"names\": [...], \"action\": \"SCMP_ACT_...\"}");
                continue;
            }
            // names: REQUIRED, "MUST contain at least one entry".
            if (rule.Names is not { Count: > 0 })
            {
                report.Error(rulePath + ".names", "needs at least one syscall name, e.g. [\"mount\"]");
            }
            else
            {
                for (var j = 0; j < rule.Names.Count; j++)
                {
                    if (string.IsNullOrEmpty(rule.Names[j]))
                    {
                        report.Error(JsonPath.Index(rulePath + ".names", j), "is empty; give a syscall name such as \"mount\"");
                    }
                }
            }
            CheckAction(rulePath + ".action", rule.Action, rule.ErrnoRet, rulePath + ".errnoRet", report);
            usesNotify |= rule.Action == "SCMP_ACT_NOTIFY";

            for (var j = 0; rule.Args != null && j < rule.Args.Count; j++)
            {
                var argPath = JsonPath.Index(rulePath + ".args", j);
                var arg = rule.Args[j];
                if (arg == null)
                {
                    report.Error(argPath, "is null; each argument rule is {\"index\": N, \"value\": N, \"op\": \"SCMP_CMP_...\"}");
                    continue;
                }
                if (arg.Index >= MaxSyscallArgs)
                {
                    report.Error(argPath + ".index", $"is {arg.Index}; syscalls have arguments 0 to {MaxSyscallArgs - 1}");
                }
                if (!KnownNames.Contains(KnownNames.SeccompOperators, arg.Op ?? ""))
                {
                    report.Error(argPath + ".op", $"{JsonPath.Quote(arg.Op ?? "")} is not a seccomp operator; use one of " +
                                                  KnownNames.List(KnownNames.SeccompOperators));
                }
            }
        }

        // listenerMetadata "MUST NOT be set if listenerPath is not set".
        if (!string.IsNullOrEmpty(seccomp.ListenerMetadata) && string.IsNullOrEmpty(seccomp.ListenerPath))
        {
            report.Error(path + ".listenerMetadata", "is set without listenerPath; set listenerPath (the agent's socket) or remove it");
        }
        // SCMP_ACT_NOTIFY hands a seccomp fd to an agent over listenerPath; without one nobody could answer.
        if (usesNotify && string.IsNullOrEmpty(seccomp.ListenerPath))
        {
            report.Error(path + ".listenerPath", "is required when an action is SCMP_ACT_NOTIFY; give the seccomp agent's unix socket path");
        }
    }

    private static void CheckAction(string path, string? action, uint? errnoRet, string errnoPath, ValidationReport report)
    {
        if (!KnownNames.Contains(KnownNames.SeccompActions, action ?? ""))
        {
            report.Error(path, $"{JsonPath.Quote(action ?? "")} is not a seccomp action; use one of " + KnownNames.List(KnownNames.SeccompActions));
        }
        // errnoRet: "When the action doesn't support an errno, the runtime MUST print and error and fail."
        else if (errnoRet != null && !KnownNames.Contains(KnownNames.SeccompErrnoActions, action!))
        {
            report.Error(errnoPath, $"is set but action {action} returns no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
        }
    }

    private static void CheckNames(string listPath, List<string>? values, string[] known, string what, ValidationReport report)
    {
        for (var i = 0; values != null && i < values.Count; i++)
        {
            if (!KnownNames.Contains(known, values[i] ?? ""))
            {
                report.Error(JsonPath.Index(listPath, i), $"{JsonPath.Quote(values[i] ?? "")} is not a known {what}; use one of " +
                                                          KnownNames.List(known));
            }
        }
    }
}
