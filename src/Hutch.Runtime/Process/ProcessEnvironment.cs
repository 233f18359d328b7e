namespace Hutch.Runtime.Processes;

/// <summary>
/// The environment a container process gets (the init's and exec's), as runc prepares it: one
/// entry per name, the last occurrence winning (config.json's process.env, then exec's --env;
/// glibc's getenv would return the first copy, so an override would not take), each at the place
/// of its last occurrence; then HOME from the container's /etc/passwd when no HOME is set.
/// </summary>
internal static class ProcessEnvironment
{
    public static List<string> Build(IReadOnlyList<string> env, Func<string> home)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(home);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<string>(env.Count + 1);
        for (var i = env.Count - 1; i >= 0; i--)
        {
            var entry = env[i];
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (seen.Add(equals < 0 ? entry : entry[..equals]))
            {
                kept.Add(entry);
            }
        }
        kept.Reverse();
        if (!seen.Contains("HOME"))
        {
            kept.Add("HOME=" + home());
        }
        return kept;
    }
}
