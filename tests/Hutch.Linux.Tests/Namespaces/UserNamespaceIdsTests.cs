using Hutch.Linux.Namespaces;

namespace Hutch.Linux.Tests.Namespaces;

public class UserNamespaceIdsTests
{
    [Fact]
    public void The_initial_namespace_maps_every_id_to_itself()
    {
        var ids = UserNamespaceIds.Parse("         0          0 4294967295\n");
        Assert.True(ids.IsInitial);
        Assert.True(ids.MapsParentRoot);
    }

    [Fact]
    public void Rootless_podmans_namespace_does_not_map_the_hosts_root()
    {
        // What a process under rootless podman reads: root is the user, the rest its subuids.
        var ids = UserNamespaceIds.Parse("         0       1001          1\n         1     100000      65536\n");
        Assert.False(ids.IsInitial);
        Assert.False(ids.MapsParentRoot);
        Assert.Equal([new IdMapEntry(0, 1001, 1), new IdMapEntry(1, 100000, 65536)], ids.UidMap);
    }

    [Fact]
    public void A_namespace_that_maps_the_parents_root_says_so()
    {
        var ids = UserNamespaceIds.Parse("0 0 1\n1 100000 65536\n");
        Assert.False(ids.IsInitial);
        Assert.True(ids.MapsParentRoot);
    }

    [Fact]
    public void Lines_that_are_not_three_numbers_are_skipped()
    {
        Assert.Empty(UserNamespaceIds.Parse("").UidMap);
        Assert.Equal([new IdMapEntry(5, 6, 7)], UserNamespaceIds.Parse("x y z\n5 6 7\n1 2\n").UidMap);
    }

    [Fact]
    public void This_process_reads_its_own_map()
    {
        var ids = UserNamespaceIds.OfSelf();
        Assert.NotEmpty(ids.UidMap);
        Assert.Equal(File.ReadAllText("/proc/self/uid_map").Trim() == "0          0 4294967295", ids.IsInitial);
    }

    [Fact]
    public void Ids_map_to_the_parent_through_their_range_and_unmapped_ones_to_nothing()
    {
        // Rootless podman's map: root is the user (what hutch says to the user's D-Bus), 1.. its subuids.
        var ids = UserNamespaceIds.Parse("0 1001 1\n1 100000 65536\n");
        Assert.Equal(1001u, ids.ToParent(0));
        Assert.Equal(100000u, ids.ToParent(1));
        Assert.Equal(165535u, ids.ToParent(65536));
        Assert.Null(ids.ToParent(65537));
        Assert.Equal(4294967294u, UserNamespaceIds.Parse("0 0 4294967295\n").ToParent(4294967294));
    }

    [Fact]
    public void An_unreadable_map_reads_as_null()
    {
        Assert.Null(UserNamespaceIds.Read("/proc/0/uid_map"));
    }
}
