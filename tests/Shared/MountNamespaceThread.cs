using System.Runtime.InteropServices;

namespace Hutch.Testing;

/// <summary>
/// Runs a test body on a thread of its own that did unshare(CLONE_FS | CLONE_NEWNS [| more])
/// and made / rprivate: whatever it mounts, pivots or chroots lives in a mount namespace only
/// that thread holds, and vanishes when the thread ends. Nothing leaks to the host.
/// </summary>
internal static partial class MountNamespaceThread
{
    public const int CLONE_FS = 0x200, CLONE_NEWNS = 0x20000, CLONE_NEWUTS = 0x4000000,
        CLONE_NEWIPC = 0x8000000, CLONE_NEWNET = 0x40000000;

    private const ulong MS_REC = 16384, MS_PRIVATE = 1 << 18;

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int UnshareForTest(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountForTest(string? source, string target, string? type, ulong flags, string? data);

    public static T Run<T>(Func<T> body, int extraFlags = 0)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (UnshareForTest(CLONE_FS | CLONE_NEWNS | extraFlags) != 0)
                {
                    throw new InvalidOperationException($"unshare: errno {Marshal.GetLastPInvokeError()}");
                }
                if (MountForTest(null, "/", null, MS_REC | MS_PRIVATE, null) != 0)
                {
                    throw new InvalidOperationException($"mount / rprivate: errno {Marshal.GetLastPInvokeError()}");
                }
                result = body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        return result;
    }

    public static void Run(Action body, int extraFlags = 0) => Run(() => { body(); return 0; }, extraFlags);
}
