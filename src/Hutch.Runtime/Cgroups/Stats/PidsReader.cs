namespace Hutch.Runtime.Cgroups.Stats;

/// <summary>pids.current and pids.max (the same files on v1 and v2).</summary>
internal static class PidsReader
{
    public static void Read(string directory, PidsStats pids)
    {
        pids.Current = CgroupFiles.ReadNumber(directory, "pids.current") ?? 0;
        var limit = CgroupFiles.ReadNumber(directory, "pids.max") ?? 0;
        // runc reports no limit ("max") as 0, which the JSON then leaves out.
        pids.Limit = limit == CgroupFiles.Unlimited ? 0 : limit;
    }
}
