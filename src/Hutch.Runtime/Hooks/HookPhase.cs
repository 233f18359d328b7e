namespace Hutch.Runtime.Hooks;

/// <summary>The hook lists of config.json, named as in the spec (config.md "POSIX-platform Hooks").</summary>
internal enum HookPhase
{
    Prestart,
    CreateRuntime,
    CreateContainer,
    StartContainer,
    Poststart,
    Poststop,
}

internal static class HookPhases
{
    public static string JsonName(this HookPhase phase) => phase switch
    {
        HookPhase.Prestart => "prestart",
        HookPhase.CreateRuntime => "createRuntime",
        HookPhase.CreateContainer => "createContainer",
        HookPhase.StartContainer => "startContainer",
        HookPhase.Poststart => "poststart",
        HookPhase.Poststop => "poststop",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not a hook phase"),
    };

    public static List<Hutch.Spec.Hook>? Of(this Hutch.Spec.Hooks? hooks, HookPhase phase) => hooks is null ? null : phase switch
    {
        HookPhase.Prestart => hooks.Prestart,
        HookPhase.CreateRuntime => hooks.CreateRuntime,
        HookPhase.CreateContainer => hooks.CreateContainer,
        HookPhase.StartContainer => hooks.StartContainer,
        HookPhase.Poststart => hooks.Poststart,
        HookPhase.Poststop => hooks.Poststop,
        _ => null,
    };
}
