using System.Globalization;
using Hutch.Linux;

namespace Hutch.Runtime.Lifecycle;

/// <summary>--pid-file: the pid as decimal text without a newline (as runc), written atomically (temp file + rename).</summary>
internal static class PidFile
{
    public static void Write(string path, int pid)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full) ?? "/", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllText(temp, pid.ToString(CultureInfo.InvariantCulture));
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
            throw new LifecycleException($"write the pid file {full}: {IoErrors.Describe(e)}", e);
        }
    }
}
