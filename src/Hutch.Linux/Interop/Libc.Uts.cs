using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

/// <summary>UTS namespace: the host and NIS domain names (byte strings with an explicit length).</summary>
internal static partial class Libc
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int sethostname(ReadOnlySpan<byte> name, nuint len);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setdomainname(ReadOnlySpan<byte> name, nuint len);
}
