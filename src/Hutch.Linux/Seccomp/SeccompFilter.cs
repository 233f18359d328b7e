namespace Hutch.Linux.Seccomp;

/// <summary>
/// A seccomp filter to compile, in numbers: libseccomp's actions and operators, libseccomp's
/// architecture names, seccomp(2) flags. Built from the spec by the runtime; compiled by
/// <see cref="SeccompCompiler"/>.
/// </summary>
internal sealed class SeccompFilter
{
    public required uint DefaultAction { get; init; }

    /// <summary>libseccomp names ("x86_64", "x86"); the native one is always in the filter.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary>SECCOMP_FILTER_FLAG_* bits for seccomp(2); NEW_LISTENER is added when a rule notifies.</summary>
    public uint Flags { get; init; }

    public IReadOnlyList<SeccompRule> Rules { get; init; } = [];

    /// <summary>Whether the default action or a rule is SCMP_ACT_NOTIFY (then the filter needs a listener).</summary>
    public bool UsesNotify => DefaultAction == SeccompActions.Notify || Rules.Any(r => r.Action == SeccompActions.Notify);
}

/// <summary>One libseccomp rule: an action for a syscall when all conditions hold (AND).</summary>
internal sealed record SeccompRule(string Syscall, uint Action, IReadOnlyList<SeccompCondition> Conditions);

/// <summary>struct scmp_arg_cmp: argument index (0-5), operator, datum a, datum b.</summary>
internal sealed record SeccompCondition(uint Index, int Operator, ulong DatumA, ulong DatumB);
