using Hutch.Linux.Capabilities;

namespace Hutch.Runtime.Processes;

/// <summary>
/// Capabilities the runtime itself does not hold cannot be granted: config.md says such values
/// "MUST be logged as a warning" and runtimes "SHOULD NOT fail" (e.g. a runtime started without
/// CAP_SYS_RESOURCE, or rootless). They are removed from the plan with one warning per set naming them all, instead of
/// capset failing with EPERM.
/// </summary>
internal static class CapabilityGrant
{
    /// <summary>Restricts <paramref name="caps"/> to what this thread holds (permitted, bounding set).</summary>
    public static PlannedCapabilities RestrictToHeld(PlannedCapabilities caps, List<string> warnings)
    {
        if (ThreadCapabilities.Get(out _, out var permitted, out var inheritable) < 0)
        {
            return caps; // capset will report it
        }
        var bounding = CapabilitySet.Empty;
        for (var cap = 0; cap <= caps.LastCapability; cap++)
        {
            if (ThreadCapabilities.InBounding(cap) == 1)
            {
                bounding = bounding.With(cap);
            }
        }
        return RestrictTo(caps, permitted, bounding, inheritable, warnings);
    }

    /// <summary>
    /// Pure part. The kernel's rules (capset(2), PR_CAP_AMBIENT): permitted only shrinks, so
    /// permitted, effective and ambient are limited by <paramref name="heldPermitted"/>; the bounding
    /// set only shrinks; inheritable may only take what is in the old inheritable set or both the
    /// bounding and permitted sets; effective must be permitted; ambient must be permitted and
    /// inheritable. What breaks a rule is left out with a warning.
    /// </summary>
    public static PlannedCapabilities RestrictTo(PlannedCapabilities caps, CapabilitySet heldPermitted, CapabilitySet heldBounding,
        CapabilitySet heldInheritable, List<string> warnings)
    {
        CapabilitySet Limit(CapabilitySet wanted, CapabilitySet allowed, string set, string why)
        {
            // One line per set naming them all: buildah's 14 ambient capabilities without
            // inheritable ones would otherwise print 14 lines on the user's terminal at every run.
            var missing = new CapabilitySet(wanted.Bits & ~allowed.Bits).Numbers().Select(CapabilityNames.Name).ToList();
            if (missing.Count > 0)
            {
                warnings.Add($"process.capabilities.{set}: {string.Join(", ", missing)} cannot be granted: {why}; "
                    + (missing.Count == 1 ? "it is skipped" : "they are skipped"));
            }
            return new CapabilitySet(wanted.Bits & allowed.Bits);
        }

        const string notHeld = "the runtime does not hold it";
        var bounding = Limit(caps.Bounding, heldBounding, "bounding", notHeld);
        var permitted = Limit(caps.Permitted, heldPermitted, "permitted", notHeld);
        var inheritable = Limit(caps.Inheritable,
            heldInheritable.Union(new CapabilitySet(heldBounding.Bits & heldPermitted.Bits)), "inheritable", notHeld);
        var effective = Limit(caps.Effective, permitted, "effective", "it is not in the permitted set");
        var ambient = Limit(caps.Ambient, new CapabilitySet(permitted.Bits & inheritable.Bits), "ambient",
            "an ambient capability must be permitted and inheritable");
        return caps with { Bounding = bounding, Effective = effective, Permitted = permitted, Inheritable = inheritable, Ambient = ambient };
    }
}
