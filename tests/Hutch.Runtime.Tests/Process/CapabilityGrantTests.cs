using Hutch.Linux.Capabilities;
using Hutch.Runtime.Processes;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>Capabilities that cannot be granted are warnings (config.md), never a capset EPERM.</summary>
public sealed class CapabilityGrantTests
{
    private static CapabilitySet Set(params int[] caps) => CapabilitySet.Of(caps);

    [Fact]
    public void Everything_held_passes_unchanged()
    {
        var caps = new PlannedCapabilities(Set(0, 5, 10), Set(5), Set(5, 10), Set(10), Set(10), 40);
        var warnings = new List<string>();

        var granted = CapabilityGrant.RestrictTo(caps, CapabilitySet.UpTo(40), CapabilitySet.UpTo(40), CapabilitySet.Empty, warnings);

        Assert.Equal(caps, granted);
        Assert.Empty(warnings);
    }

    [Fact]
    public void What_the_runtime_lacks_is_skipped_with_a_warning_per_set()
    {
        // The runtime lacks CAP_SYS_RESOURCE (24) entirely.
        var held = new CapabilitySet(CapabilitySet.UpTo(40).Bits & ~(1UL << 24));
        var caps = new PlannedCapabilities(Set(5, 24), Set(24), Set(5, 24), Set(24), Set(24), 40);
        var warnings = new List<string>();

        var granted = CapabilityGrant.RestrictTo(caps, held, held, CapabilitySet.Empty, warnings);

        Assert.Equal(new PlannedCapabilities(Set(5), Set(), Set(5), Set(), Set(), 40), granted);
        Assert.Equal(
        [
            "process.capabilities.bounding: CAP_SYS_RESOURCE cannot be granted: the runtime does not hold it; it is skipped",
            "process.capabilities.permitted: CAP_SYS_RESOURCE cannot be granted: the runtime does not hold it; it is skipped",
            "process.capabilities.inheritable: CAP_SYS_RESOURCE cannot be granted: the runtime does not hold it; it is skipped",
            "process.capabilities.effective: CAP_SYS_RESOURCE cannot be granted: it is not in the permitted set; it is skipped",
            "process.capabilities.ambient: CAP_SYS_RESOURCE cannot be granted: an ambient capability must be permitted and inheritable; it is skipped",
        ], warnings);
    }

    [Fact]
    public void Effective_must_be_permitted_and_ambient_must_be_both()
    {
        var caps = new PlannedCapabilities(Set(5, 10), Set(5, 10), Set(10), Set(5), Set(5, 10), 40);
        var warnings = new List<string>();

        var granted = CapabilityGrant.RestrictTo(caps, CapabilitySet.UpTo(40), CapabilitySet.UpTo(40), CapabilitySet.Empty, warnings);

        Assert.Equal(Set(10), granted.Effective);
        Assert.Equal(Set(), granted.Ambient); // 5 is not permitted, 10 not inheritable
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("process.capabilities.effective: CAP_KILL cannot be granted", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("process.capabilities.ambient: CAP_KILL, CAP_NET_BIND_SERVICE cannot be granted", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Ambient_capabilities_that_cannot_be_granted_are_one_warning_naming_them_all()
    {
        // buildah run: ambient capabilities without inheritable ones (CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10).
        var caps = new PlannedCapabilities(Set(0, 5, 10), Set(0, 5, 10), Set(0, 5, 10), Set(), Set(0, 5, 10), 40);
        var warnings = new List<string>();

        var granted = CapabilityGrant.RestrictTo(caps, CapabilitySet.UpTo(40), CapabilitySet.UpTo(40), CapabilitySet.Empty, warnings);

        Assert.Equal(Set(), granted.Ambient);
        Assert.Equal(
            "process.capabilities.ambient: CAP_CHOWN, CAP_KILL, CAP_NET_BIND_SERVICE cannot be granted: an ambient capability must be permitted and inheritable; they are skipped",
            Assert.Single(warnings));
    }
}
