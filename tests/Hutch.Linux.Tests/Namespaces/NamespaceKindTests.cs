using Hutch.Linux.Interop;
using Hutch.Testing;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;

namespace Hutch.Linux.Tests.Namespaces;

public class NamespaceKindTests
{
    [Fact]
    public void Every_kind_has_its_proc_file_and_oci_name()
    {
        foreach (var kind in Enum.GetValues<NamespaceKind>())
        {
            Assert.True(NamespaceKinds.TryParseOciName(kind.OciName(), out var parsed));
            Assert.Equal(kind, parsed);
            Assert.Equal((ulong)kind, kind.CloneFlag());
        }
        Assert.Equal(8, Enum.GetValues<NamespaceKind>().Length);
        Assert.False(NamespaceKinds.TryParseOciName("net", out _)); // the OCI name is "network"
    }

    [Fact]
    public void Proc_files_name_this_process_namespaces()
    {
        foreach (var kind in Enum.GetValues<NamespaceKind>())
        {
            var target = Spawn.SpawnTestHelpers.ReadLink(kind.ProcPath(Environment.ProcessId));
            Assert.StartsWith(kind.ProcFileName() + ":[", target, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Join_order_covers_every_kind_user_first_mount_last()
    {
        Assert.Equal(Enum.GetValues<NamespaceKind>().Order(), NamespaceKinds.JoinOrder.Order());
        Assert.Equal(NamespaceKind.User, NamespaceKinds.JoinOrder[0]);
        Assert.Equal(NamespaceKind.Mount, NamespaceKinds.JoinOrder[^1]);
    }

    [Fact]
    public void A_plan_joins_in_join_order_whatever_order_it_was_given()
    {
        using var fd = new SafeFd();
        var plan = new SpawnPlan
        {
            Path = "/bin/true",
            JoinNamespaces =
            [
                new NamespaceJoin(NamespaceKind.Mount, fd, "m"),
                new NamespaceJoin(NamespaceKind.Network, fd, "n"),
                new NamespaceJoin(NamespaceKind.User, fd, "u"),
            ],
        };
        Assert.Equal(["u", "n", "m"], plan.OrderedJoins.Select(j => j.Source));
        Assert.False(plan.TwoStage);
        // A joined pid namespace holds only the joiner's children; a new user namespace
        // must come after the joins: both need the two-stage spawn.
        Assert.True(new SpawnPlan { Path = "/bin/true", JoinNamespaces = [new NamespaceJoin(NamespaceKind.Pid, fd, "p")] }.TwoStage);
        Assert.True(new SpawnPlan
        {
            Path = "/bin/true",
            NewNamespaces = [NamespaceKind.User],
            JoinNamespaces = [new NamespaceJoin(NamespaceKind.Network, fd, "n")],
        }.TwoStage);
    }

    [Fact]
    public void Opening_a_missing_namespace_file_says_which_and_what_to_check()
    {
        var path = "/run/netns/" + Host.UniqueName("absent");
        var error = Assert.Throws<NamespaceException>(() => NamespaceJoin.Open(NamespaceKind.Network, path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("no such file or directory", error.Message, StringComparison.Ordinal);
    }
}
