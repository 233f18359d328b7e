using Hutch.Linux.Cgroups;
using Hutch.Testing;

namespace Hutch.Runtime.Tests.Cgroups;

/// <summary>A fact on a cgroup v1 controller of this host: needs root and the controller on v1; skipped with the reason otherwise.</summary>
public sealed class V1ControllerFactAttribute(string controller) : FactAttribute
{
    public override string? Skip
    {
        get => base.Skip ?? Missing();
        set => base.Skip = value;
    }

    private string? Missing()
    {
        if (!Host.IsRoot)
        {
            return "needs root (run the suite as root: sudo make test)";
        }
        var layout = CgroupLayout.Detect();
        return layout.IsV1(controller) ? null : $"needs the {controller} controller on cgroup v1 (this host is {layout.Mode})";
    }
}
