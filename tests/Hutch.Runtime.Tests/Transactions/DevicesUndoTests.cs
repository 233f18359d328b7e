using Hutch.Linux.Namespaces;
using Hutch.Runtime.NetDevices;
using Hutch.Runtime.Tests.NetDevices;
using Hutch.Runtime.Transactions;
using Hutch.Testing;
using TestNetns = Hutch.Runtime.Tests.NetDevices.TestNetns;

namespace Hutch.Runtime.Tests.Transactions;

/// <summary>
/// The device undo replayed from a journal, as `delete` does after a create that was killed while
/// moving devices: the devices come back with names, indexes, addresses and up/down state, and a
/// device journaled but never moved is left alone.
/// </summary>
public class DevicesUndoTests
{
    [RootFact]
    public void A_journal_read_back_moves_the_devices_of_an_abandoned_move_back_as_they_were()
    {
        using var host = TestNetns.Create();
        using var ctr = TestNetns.Create();
        using var state = new TempDirectory();
        host.AddVeth("jrA", "jrAp", peerUp: true);
        host.AddVeth("jrB", "jrBp");
        host.AddVeth("jrC", "jrCp");
        host.Ip("link", "set", "jrA", "up");
        host.Ip("addr", "add", "198.18.50.1/24", "brd", "198.18.50.200", "dev", "jrA", "label", "jrA:one");
        host.Ip("addr", "add", "198.18.51.1", "peer", "198.18.51.2/32", "dev", "jrA");
        host.Ip("addr", "add", "2001:db8:50::1/64", "dev", "jrA", "nodad", "noprefixroute");
        host.Ip("addr", "add", "198.18.52.1/24", "dev", "jrB");
        host.Ip("addr", "add", "198.18.53.1/24", "dev", "jrC");
        var before = host.Snapshot();

        // A create moving three devices, killed after the second moved and the third was journaled.
        using (var journal = JournalFor(state.Path, ctr))
        {
            using var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("jrA", "eth1"), ("jrB", "eth%d"), ("jrC", "ctr_c")), ctr.Fd, host.Fd);
            var seen = 0;
            var abandoned = Assert.Throws<NetDeviceException>(() => mover.MoveAll((device, index) =>
            {
                journal.Append(DevicesUndo.Entry(device, index));
                if (++seen == 3)
                {
                    throw new NetDeviceException(device.HostName, "killed here (the test)");
                }
            }));
            Assert.Contains("killed here", abandoned.Message, StringComparison.Ordinal);
        }
        // MoveAll rolled back in-process; move two again, without a rollback this time (the kill).
        using (var mover = NetDeviceMover.Prepare(NetDeviceMap.Of(("jrA", "eth1"), ("jrB", "eth%d")), ctr.Fd, host.Fd))
        {
            mover.MoveAll();
        }
        Assert.False(host.Has("jrA"));
        Assert.Contains("eth1", ctr.LinkNames());

        var entries = CreateJournal.Read(state.Path)!;
        var failures = NetworkNamespace.RunIn(host.Fd, () => UndoStack.Of(entries).Unwind(new UndoContext { Id = "test" }));

        Assert.Empty(failures);
        Assert.Equal(before, host.Snapshot());
        Assert.Equal(["lo"], ctr.LinkNames());
    }

    [Fact]
    public void A_torn_last_line_is_dropped_and_a_corrupt_line_before_it_is_an_error()
    {
        using var state = new TempDirectory();
        using (var journal = CreateJournal.Start(state.Path))
        {
            journal.Append(new InitEntry { Pid = 42, StartTime = 7 });
        }
        File.AppendAllText(CreateJournal.PathOf(state.Path), "{\"op\":\"init\",\"pi");

        var entries = CreateJournal.Read(state.Path)!;

        var init = Assert.IsType<InitEntry>(Assert.Single(entries));
        Assert.Equal((42, 7ul), (init.Pid, init.StartTime));
        File.AppendAllText(CreateJournal.PathOf(state.Path), "\n{\"op\":\"init\",\"pid\":1}\n");
        var e = Assert.Throws<Hutch.Runtime.State.StateException>(() => CreateJournal.Read(state.Path));
        Assert.Contains("line 2 of the create journal is corrupt", e.Message, StringComparison.Ordinal);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("hutch-journal-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static CreateJournal JournalFor(string directory, TestNetns ctr)
    {
        var journal = CreateJournal.Start(directory);
        var (device, inode) = NetworkNamespace.IdentityOf(ctr.Fd);
        journal.Append(new NetnsEntry { Path = ctr.Path, Device = device, Inode = inode });
        return journal;
    }
}
