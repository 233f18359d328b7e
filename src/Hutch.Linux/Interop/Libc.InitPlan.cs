using System.Runtime.InteropServices;

namespace Hutch.Linux.Interop;

internal static partial class Libc
{
    /// <summary>The native decoder's verdict on an init plan (native/initplan.h): the op count, or
    /// -errno (EBADMSG, EPROTONOSUPPORT, EOPNOTSUPP, EOVERFLOW) with the refused op's index in
    /// <paramref name="errorIndex"/> (0xffffffff outside ops). The first <paramref name="capacity"/>
    /// op kinds go to <paramref name="kinds"/> when the plan is well-formed.</summary>
    [LibraryImport("libhutchnative")]
    internal static unsafe partial nint hutch_plan_check(byte* buf, nuint len, ushort* kinds, uint capacity, out uint errorIndex);

    /// <summary>The native decoder's field types of an op kind ("u" U32, "q" U64, "s" Str, "S" StrList,
    /// "Q" U64List, in encoding order), or null for a kind it does not know.</summary>
    [LibraryImport("libhutchnative")]
    internal static partial nint hutch_plan_field_types(uint kind);
}
