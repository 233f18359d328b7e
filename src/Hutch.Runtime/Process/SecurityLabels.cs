namespace Hutch.Runtime.Processes;

/// <summary>
/// process.apparmorProfile, process.selinuxLabel and linux.mountLabel. hutch does not apply LSM labels yet: when
/// the LSM is not enabled on the host the label is ignored, as crun does (a note at debug
/// level); when it is enabled, that is an error rather than a container silently running
/// without the confinement it asked for.
/// </summary>
internal static class SecurityLabels
{
    public static bool AppArmorEnabled() =>
        Directory.Exists("/sys/module/apparmor") &&
        ReadTrimmed("/sys/module/apparmor/parameters/enabled") is not ("N" or "n" or "0");

    public static bool SelinuxEnabled() => File.Exists("/sys/fs/selinux/enforce") || File.Exists("/selinux/enforce");

    /// <summary>Throws <see cref="ProcessSetupException"/> when a label is set and its LSM is enabled; adds a note when ignored.</summary>
    public static void Check(ProcessPlan plan) => Check(plan, AppArmorEnabled(), SelinuxEnabled());

    internal static void Check(ProcessPlan plan, bool appArmorEnabled, bool selinuxEnabled)
    {
        if (!string.IsNullOrEmpty(plan.ApparmorProfile))
        {
            if (appArmorEnabled)
            {
                throw new ProcessSetupException("apparmor",
                    $"process.apparmorProfile \"{plan.ApparmorProfile}\": AppArmor is enabled on this host and hutch cannot apply profiles yet; remove apparmorProfile or use runc/crun");
            }
            plan.Notes.Add($"process.apparmorProfile \"{plan.ApparmorProfile}\" ignored: AppArmor is not enabled on this host");
        }
        if (!string.IsNullOrEmpty(plan.SelinuxLabel))
        {
            if (selinuxEnabled)
            {
                throw new ProcessSetupException("selinux",
                    $"process.selinuxLabel \"{plan.SelinuxLabel}\": SELinux is enabled on this host and hutch cannot apply labels yet; remove selinuxLabel or use runc/crun");
            }
            plan.Notes.Add($"process.selinuxLabel \"{plan.SelinuxLabel}\" ignored: SELinux is not enabled on this host");
        }
    }

    /// <summary>linux.mountLabel (the SELinux context of the container's mounts): refused where SELinux is enabled, else noted.</summary>
    public static void CheckMountLabel(string? label, Action<string>? note) => CheckMountLabel(label, SelinuxEnabled(), note);

    internal static void CheckMountLabel(string? label, bool selinuxEnabled, Action<string>? note)
    {
        if (string.IsNullOrEmpty(label))
        {
            return;
        }
        if (selinuxEnabled)
        {
            throw new ProcessSetupException("selinux",
                $"linux.mountLabel \"{label}\": SELinux is enabled on this host and hutch cannot label mounts yet; remove mountLabel or use runc/crun");
        }
        note?.Invoke($"linux.mountLabel \"{label}\" ignored: SELinux is not enabled on this host");
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
