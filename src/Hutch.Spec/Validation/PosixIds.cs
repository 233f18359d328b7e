using System.Globalization;

namespace Hutch.Spec;

/// <summary>
/// The range of a user or group id a process may be given. The kernel's uid_t is 32 bits, but
/// (uid_t)-1 = 4294967295 means "leave unchanged" to setresuid(2), setresgid(2) and chown(2), so
/// a process asked to run as 4294967295 would keep the runtime's root; runc refuses every id
/// outside 0..2147483647 (Go's int32 range), and so does hutch, at each place an id enters.
/// </summary>
internal static class PosixIds
{
    public const uint Max = int.MaxValue;

    public static bool InRange(uint id) => id <= Max;

    public static bool InRange(long id) => id is >= 0 and <= Max;

    /// <summary>process.user's ids out of range: (JSON path, message) for uid, gid and each additional gid.</summary>
    public static IEnumerable<(string Path, string Message)> OutOfRangeIn(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!InRange(user.Uid))
        {
            yield return ("process.user.uid", OutOfRange(user.Uid));
        }
        if (!InRange(user.Gid))
        {
            yield return ("process.user.gid", OutOfRange(user.Gid));
        }
        for (var i = 0; user.AdditionalGids != null && i < user.AdditionalGids.Count; i++)
        {
            if (!InRange(user.AdditionalGids[i]))
            {
                yield return (JsonPath.Index("process.user.additionalGids", i), OutOfRange(user.AdditionalGids[i]));
            }
        }
    }

    /// <summary>The message for an id out of range, after its JSON path or flag.</summary>
    public static string OutOfRange(long id) =>
        $"is {id.ToString(CultureInfo.InvariantCulture)}; user and group ids run from 0 to 2147483647 " +
        "(4294967295 is (uid_t)-1, which the kernel reads as \"unchanged\")";
}
