using Hutch.Linux;
using Hutch.Linux.Interop;

namespace Hutch.Runtime.Init;

/// <summary>
/// The container's own session keyring (runc's default; --no-new-keyring turns it off): without
/// it the process would share the session keyring of whoever ran the runtime, and every key in it.
/// </summary>
internal static class SessionKeyring
{
    /// <summary>
    /// Joins a new session keyring "_ses.&lt;id&gt;". Returns a warning when the host has no usable
    /// keyrings (ENOSYS, EACCES: keys compiled out or forbidden, as runc tolerates); throws otherwise.
    /// </summary>
    public static string? JoinNew(string containerId)
    {
        var name = "_ses." + containerId;
        var rc = Libc.hutch_join_session_keyring(name);
        if (rc >= 0)
        {
            return null;
        }
        if (-rc is Errno.ENOSYS or Errno.EACCES)
        {
            return $"session keyring {name} not created: {Errno.Describe(-rc)} (keyrings are disabled on this host); " +
                   "the container shares the runtime's session keyring";
        }
        throw new InitException($"join a new session keyring {name}: {Errno.Describe(-rc)} " +
                                "(the key quota may be full: see /proc/sys/kernel/keys/; or pass --no-new-keyring)");
    }
}
