using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>Session keyrings (native/keyring.h: keyctl has no glibc wrapper).</summary>
internal static partial class Libc
{
    /// <summary>keyctl(KEYCTL_JOIN_SESSION_KEYRING, name). Returns the keyring's serial or -errno.</summary>
    [LibraryImport("libhutchnative", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int hutch_join_session_keyring(string name);
}
