using System.Collections.Concurrent;
using Hutch.Linux.Interop;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly TempStateRoot _temp = new();

    private StateStore Store => _temp.Store;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Default_root_is_run_hutch() => Assert.Equal("/run/hutch", StateStore.DefaultRoot);

    [Fact]
    public void Root_is_made_absolute()
    {
        var store = new StateStore("relative/root");
        Assert.True(Path.IsPathRooted(store.Root));
        Assert.EndsWith("/relative/root", store.Root, StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_creates_root_0700_and_container_directory_0711()
    {
        using var claimed = Store.Claim("c1");

        Assert.Equal(Path.Combine(_temp.Root, "c1"), claimed.Path);
        Assert.Equal(0b111_000_000, ModeOf(_temp.Root));
        Assert.Equal(0b111_001_001, ModeOf(claimed.Path));
        Assert.Equal(Path.Combine(claimed.Path, "state.json"), claimed.StatePath);
        Assert.Equal(Path.Combine(claimed.Path, "exec.fifo"), claimed.ExecFifoPath);
        Assert.True(claimed.Lock.IsHeld);
    }

    [Fact]
    public void Claim_of_a_taken_id_fails_with_runcs_message()
    {
        using var first = Store.Claim("c1");
        var e = Assert.Throws<ContainerExistsException>(() => Store.Claim("c1"));
        Assert.Equal("container with id c1 already exists", e.Message);
        Assert.Equal("c1", e.Id);
    }

    [Fact]
    public void Claim_refuses_invalid_ids_and_creates_nothing()
    {
        foreach (var id in new[] { "", ".", "..", "a/b", "../escape", "a b" })
        {
            Assert.Throws<InvalidContainerIdException>(() => Store.Claim(id));
        }
        Assert.False(Directory.Exists(Path.Combine(_temp.Parent, "escape")));
        Assert.Empty(Store.Ids());
    }

    [Fact]
    public void Concurrent_claims_of_one_id_have_exactly_one_winner()
    {
        const int claimers = 16;
        for (var round = 0; round < 10; round++)
        {
            var id = "race" + round;
            using var barrier = new Barrier(claimers);
            var winners = new ConcurrentBag<ContainerDirectory>();
            var losers = new ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, claimers).Select(_ => new Thread(() =>
            {
                var store = new StateStore(_temp.Root); // as separate processes would
                barrier.SignalAndWait();
                try
                {
                    winners.Add(store.Claim(id));
                }
                catch (Exception e)
                {
                    losers.Add(e);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            try
            {
                Assert.Single(winners);
                Assert.Equal(claimers - 1, losers.Count);
                Assert.All(losers, e =>
                {
                    var exists = Assert.IsType<ContainerExistsException>(e);
                    Assert.Equal($"container with id {id} already exists", exists.Message);
                });
            }
            finally
            {
                foreach (var w in winners)
                {
                    w.Dispose();
                }
            }
        }
        // No claim leaves its private directory behind.
        Assert.Equal(Enumerable.Range(0, 10).Select(r => "race" + r).Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(_temp.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_then_load_round_trips()
    {
        using var claimed = Store.Claim("c1");
        var state = TempStateRoot.NewState("c1");
        Store.Save(state);

        var loaded = Store.Load("c1");
        Assert.Equal(state.Id, loaded.Id);
        Assert.Equal(state.Pid, loaded.Pid);
        Assert.Equal(state.PidStartTime, loaded.PidStartTime);
        Assert.Equal(state.Created, loaded.Created);
        Assert.Equal(state.Bundle, loaded.Bundle);
        Assert.Equal(state.Annotations, loaded.Annotations);
        Assert.Equal(0b110_000_000, ModeOf(claimed.StatePath));
    }

    [Fact]
    public void Save_replaces_the_state_and_leaves_no_temporary_file()
    {
        using var claimed = Store.Claim("c1");
        var state = TempStateRoot.NewState("c1");
        Store.Save(state);
        state.Status = ContainerStatus.Running;
        state.Pid = 99;
        Store.Save(state);

        Assert.Equal(99, Store.Load("c1").Pid);
        Assert.Equal(["state.json"], Directory.GetFileSystemEntries(claimed.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_reader_never_sees_a_half_written_state()
    {
        using var claimed = Store.Claim("c1");
        var state = TempStateRoot.NewState("c1");
        state.Annotations = Enumerable.Range(0, 200).ToDictionary(i => "key" + i, i => new string('v', 100));
        Store.Save(state);

        Exception? writeError = null;
        var writer = new Thread(() =>
        {
            try
            {
                for (var i = 0; i < 300; i++)
                {
                    state.Pid = i + 1;
                    Store.Save(state);
                }
            }
            catch (Exception e)
            {
                writeError = e;
            }
        });
        writer.Start();
        var reads = 0;
        while (writer.IsAlive)
        {
            var loaded = Store.Load("c1"); // throws StateException on a torn read
            Assert.Equal(200, loaded.Annotations!.Count);
            reads++;
        }
        writer.Join();
        Assert.Null(writeError);
        Assert.True(reads > 0);
    }

    [Fact]
    public void Save_of_an_unclaimed_container_fails_as_not_found()
    {
        var e = Assert.Throws<ContainerNotFoundException>(() => Store.Save(TempStateRoot.NewState("ghost")));
        Assert.Equal("container ghost does not exist", e.Message);
    }

    [Fact]
    public void Load_of_an_unknown_id_says_does_not_exist()
    {
        var e = Assert.Throws<ContainerNotFoundException>(() => Store.Load("nosuch"));
        Assert.IsNotType<ContainerIncompleteException>(e);
        Assert.Equal("container nosuch does not exist", e.Message);
    }

    [Fact]
    public void Load_of_a_directory_without_state_json_is_incomplete_and_still_says_does_not_exist()
    {
        // What a create that died between the claim and the first Save leaves.
        Directory.CreateDirectory(Path.Combine(_temp.Root, "crashed"));

        var e = Assert.Throws<ContainerIncompleteException>(() => Store.Load("crashed"));
        Assert.Contains("container crashed does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("delete --force crashed", e.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_temp.Root, "crashed"), e.Directory);
        Assert.Equal(["crashed"], Store.Ids());

        // delete --force: nobody holds the lock, so the create is dead; remove what is left.
        using (Store.Lock("crashed"))
        {
            Assert.Throws<ContainerIncompleteException>(() => Store.Load("crashed"));
            Store.Remove("crashed");
        }
        Assert.Empty(Store.Ids());
    }

    [Fact]
    public void A_create_in_progress_holds_the_lock()
    {
        using var claimed = Store.Claim("c1");
        Assert.Throws<ContainerIncompleteException>(() => Store.Load("c1"));
        Assert.Null(Store.TryLock("c1"));

        claimed.Dispose();
        using var again = Store.TryLock("c1");
        Assert.NotNull(again);
    }

    [Fact]
    public void Load_of_a_corrupt_state_names_the_file()
    {
        using var claimed = Store.Claim("c1");
        File.WriteAllText(claimed.StatePath, "{\"ociVersion\": \"1.3.0\", \"id\": ");

        var e = Assert.Throws<StateException>(() => Store.Load("c1"));
        Assert.Equal(claimed.StatePath, e.Path);
        Assert.StartsWith(claimed.StatePath + ": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_refuses_a_state_of_another_id()
    {
        using var claimed = Store.Claim("c1");
        File.WriteAllBytes(claimed.StatePath, StateJson.Serialize(TempStateRoot.NewState("c2")));

        var e = Assert.Throws<StateException>(() => Store.Load("c1"));
        Assert.Contains("\"c2\", not of \"c1\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_refuses_invalid_ids_rather_than_reading_outside_the_root()
    {
        Directory.CreateDirectory(_temp.Root);
        File.WriteAllBytes(Path.Combine(_temp.Parent, "state.json"), StateJson.Serialize(TempStateRoot.NewState("x")));
        Assert.Throws<InvalidContainerIdException>(() => Store.Load(".."));
    }

    [Fact]
    public void Remove_deletes_the_whole_directory_and_frees_the_id()
    {
        using (var claimed = Store.Claim("c1"))
        {
            Store.Save(TempStateRoot.NewState("c1"));
            claimed.CreateExecFifo();
            File.WriteAllText(Path.Combine(claimed.Path, "extra"), "x");
            Store.Remove("c1");
        }
        Assert.False(Store.Exists("c1"));
        Assert.Throws<ContainerNotFoundException>(() => Store.Load("c1"));

        using var again = Store.Claim("c1");
        Assert.True(Store.Exists("c1"));
    }

    [Fact]
    public void Remove_of_an_unknown_id_leaves_the_other_containers()
    {
        using var other = Store.Claim("other");

        Store.Remove("nosuch");

        Assert.Equal(["other"], Store.Ids());
        Assert.True(Directory.Exists(Store.DirectoryOf("other")));
        Assert.False(Store.Exists("nosuch"));
    }

    [Fact]
    public void Ids_are_sorted_ordinally_and_skip_what_is_not_a_container()
    {
        var claims = new[] { "b", "a", "C", "a.1", "_x", "10", "9" }.Select(Store.Claim).ToList();
        try
        {
            File.WriteAllText(Path.Combine(_temp.Root, "stray-file"), "");
            Directory.CreateDirectory(Path.Combine(_temp.Root, "@claim-1-dead"));

            Assert.Equal(["10", "9", "C", "_x", "a", "a.1", "b"], Store.Ids());
        }
        finally
        {
            claims.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Claim_sweeps_the_private_directories_of_dead_claimers_only()
    {
        Directory.CreateDirectory(_temp.Root);
        string Make(string name, bool old)
        {
            var path = Path.Combine(_temp.Root, name);
            Directory.CreateDirectory(path);
            if (old)
            {
                Directory.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
            }
            return path;
        }
        var dead = Make("@claim-1-dead", old: true);
        var recent = Make("@claim-2-recent", old: false);
        var live = Make("@claim-3-live", old: true);
        using var liveLock = ContainerLock.TryAcquireUnchecked(live);
        Assert.NotNull(liveLock);

        using var claimed = Store.Claim("c1");

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(recent));
        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public void Ids_of_a_missing_root_is_empty() => Assert.Empty(Store.Ids());

    [Fact]
    public void Lock_waits_for_the_holder()
    {
        using var claimed = Store.Claim("c1");
        using var waiter = new LockWaiter(Store, "c1");
        Assert.False(waiter.Finished(300));

        claimed.Dispose();
        Assert.True(waiter.Finished(5000));
        Assert.True(waiter.Lock!.IsHeld);
    }

    [Fact]
    public void A_lock_waiter_sees_a_removed_container_as_not_found()
    {
        var claimed = Store.Claim("c1");
        using var waiter = new LockWaiter(Store, "c1");
        Assert.False(waiter.Finished(300));

        Store.Remove("c1");
        claimed.Dispose();
        Assert.True(waiter.Finished(5000));
        Assert.IsType<ContainerNotFoundException>(waiter.Error);
    }

    [Fact]
    public void A_lock_waiter_follows_a_container_removed_and_claimed_again()
    {
        var old = Store.Claim("c1");
        using var waiter = new LockWaiter(Store, "c1");
        Assert.False(waiter.Finished(300));

        Store.Remove("c1");
        using var renewed = Store.Claim("c1");
        old.Dispose();
        // The waiter got the old, deleted directory; it must now wait for the new one.
        Assert.False(waiter.Finished(300));

        renewed.Dispose();
        Assert.True(waiter.Finished(5000));
        Assert.Null(waiter.Error);
        Assert.Equal(Path.Combine(_temp.Root, "c1"), waiter.Lock!.Directory);
    }

    [Fact]
    public void Lock_of_an_unknown_id_says_does_not_exist()
    {
        var e = Assert.Throws<ContainerNotFoundException>(() => Store.Lock("nosuch"));
        Assert.Equal("container nosuch does not exist", e.Message);
    }

    [Fact]
    public void Exec_fifo_is_a_fifo_with_mode_0622()
    {
        using var claimed = Store.Claim("c1");
        var path = claimed.CreateExecFifo();

        Assert.Equal(claimed.ExecFifoPath, path);
        Assert.Equal(Convert.ToUInt16("010622", 8), ModeAndType(path));
    }

    /// <summary>Store.Lock on its own thread (it blocks), with its outcome.</summary>
    private sealed class LockWaiter : IDisposable
    {
        private readonly Thread _thread;

        public LockWaiter(StateStore store, string id)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    Lock = store.Lock(id);
                }
                catch (Exception e)
                {
                    Error = e;
                }
            });
            _thread.Start();
        }

        public ContainerLock? Lock { get; private set; }

        public Exception? Error { get; private set; }

        public bool Finished(int milliseconds) => _thread.Join(milliseconds);

        public void Dispose()
        {
            _thread.Join();
            Lock?.Dispose();
        }
    }

    private static int ModeOf(string path) => ModeAndType(path) & 0b111_111_111;

    private static ushort ModeAndType(string path)
    {
        Assert.Equal(0, Libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, 0, out var st));
        return st.Mode;
    }
}
