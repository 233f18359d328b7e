using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

internal static partial class Libc
{
    /// <summary>HUTCH_ABI_VERSION of the linked native library (native/abi.h).</summary>
    [LibraryImport("libhutchnative")]
    internal static partial int hutch_abi_version();

    /// <summary>FNV-1a of the native library's HUTCH_ABI_LAYOUT table as compiled (native/abi.h).</summary>
    [LibraryImport("libhutchnative")]
    internal static partial ulong hutch_abi_layout_hash();
}
