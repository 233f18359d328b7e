using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Capabilities;

/// <summary>
/// Capability calls for real, each on a thread of its own: capabilities are per thread, so the
/// test thread changes only itself and ends; /proc/thread-self/status shows the result.
/// </summary>
public sealed class ThreadCapabilitiesTests
{
    private static Dictionary<string, string> OnThread(Action change)
    {
        Dictionary<string, string>? status = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                change();
                status = File.ReadAllLines("/proc/thread-self/status")
                    .Select(l => l.Split(':', 2))
                    .Where(p => p.Length == 2)
                    .ToDictionary(p => p[0], p => p[1].Trim());
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? status! : throw new InvalidOperationException("the capability thread failed", failure);
    }

    // What the test process was started with (root here, maybe without a few capabilities).
    private static CapabilitySet Process(string field) => new(Convert.ToUInt64(
        File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(), 16));

    [RootFact]
    public void Get_reads_this_threads_sets()
    {
        var status = OnThread(() =>
        {
            Assert.Equal(0, ThreadCapabilities.Get(out var effective, out var permitted, out var inheritable));
            Assert.Equal(Process("CapEff"), effective);
            Assert.Equal(Process("CapPrm"), permitted);
            Assert.Equal(Process("CapInh"), inheritable);
        });
        Assert.Equal(Process("CapEff").ToString(), status["CapEff"]);
    }

    [RootFact]
    public void Set_drop_bounding_and_raise_ambient_change_only_the_calling_thread()
    {
        var kill = CapabilitySet.Empty.With(5);
        var killAndSetpcap = kill.With(CapabilityNames.SetPcap);
        var status = OnThread(() =>
        {
            Assert.Equal(0, ThreadCapabilities.DropBounding(22)); // CAP_SYS_BOOT
            Assert.Equal(0, ThreadCapabilities.InBounding(22));
            Assert.Equal(1, ThreadCapabilities.InBounding(5));
            Assert.Equal(0, ThreadCapabilities.Set(killAndSetpcap, killAndSetpcap, kill));
            Assert.Equal(0, ThreadCapabilities.ClearAmbient());
            Assert.Equal(0, ThreadCapabilities.RaiseAmbient(5));
            Assert.Equal(-Errno.EPERM, ThreadCapabilities.RaiseAmbient(0)); // not permitted and inheritable
            Assert.Equal(-Errno.EPERM, ThreadCapabilities.Set(killAndSetpcap.With(0), killAndSetpcap.With(0), kill)); // permitted only shrinks
        });

        Assert.Equal(killAndSetpcap.ToString(), status["CapEff"]);
        Assert.Equal(killAndSetpcap.ToString(), status["CapPrm"]);
        Assert.Equal(kill.ToString(), status["CapInh"]);
        Assert.Equal(kill.ToString(), status["CapAmb"]);
        Assert.Equal(Process("CapBnd").Bits & ~(1UL << 22), Convert.ToUInt64(status["CapBnd"], 16));
        // This thread still has what it had.
        Assert.Equal(0, ThreadCapabilities.Get(out var mine, out _, out _));
        Assert.Equal(Process("CapEff"), mine);
        Assert.True(Process("CapBnd").Contains(22));
    }

    [RootFact]
    public void No_new_privs_and_keep_caps_are_per_thread()
    {
        var status = OnThread(() =>
        {
            Assert.Equal(0, ThreadCapabilities.SetKeepCaps(true));
            Assert.Equal(0, ThreadCapabilities.SetNoNewPrivileges());
            Assert.Equal(1, Libc.Prctl(Libc.PR_GET_NO_NEW_PRIVS));
        });
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal(0, Libc.Prctl(Libc.PR_GET_NO_NEW_PRIVS));
    }

    [Fact]
    public unsafe void Native_structs_match_the_c_side()
    {
        Assert.Equal(56, Libc.hutch_sched_attr_size());
        Assert.Equal(sizeof(Libc.SchedAttr), Libc.hutch_sched_attr_size());
        Assert.Equal(64, Libc.hutch_exec_plan_size());
        Assert.Equal(sizeof(Libc.HutchExecPlan), Libc.hutch_exec_plan_size());
        Assert.Equal(24, sizeof(Libc.ScmpArgCmp));
    }
}
