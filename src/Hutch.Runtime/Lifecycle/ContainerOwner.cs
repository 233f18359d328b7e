using System.Globalization;

namespace Hutch.Runtime.Lifecycle;

/// <summary>The user name `list` shows as OWNER: /etc/passwd's name of the creator's uid, else "#uid" (as runc).</summary>
internal static class ContainerOwner
{
    public static string Of(uint uid)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var u) && u == uid)
                {
                    return fields[0];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "#" + uid.ToString(CultureInfo.InvariantCulture);
    }
}
