using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>linux.namespaces as the spawn needs them: the kinds to create, and the `path` ones to join.</summary>
internal sealed class NamespacePlan
{
    private NamespacePlan(IReadOnlyCollection<NamespaceKind> created, IReadOnlyList<(NamespaceKind Kind, string Path)> joined)
    {
        New = created;
        Joined = joined;
    }

    public IReadOnlyCollection<NamespaceKind> New { get; }

    /// <summary>
    /// The kinds the spawn creates: <see cref="New"/> without the cgroup namespace, which the init
    /// unshares itself once create has put it in the container's cgroup, so that the namespace's
    /// root is the container's cgroup rather than the runtime's (runc's nsexec does the same).
    /// </summary>
    public IReadOnlyCollection<NamespaceKind> Cloned => [.. New.Where(kind => kind != NamespaceKind.Cgroup)];

    /// <summary>A new cgroup namespace: the init unshares it after the cgroup placement.</summary>
    public bool UnsharesCgroup => New.Contains(NamespaceKind.Cgroup);

    public IReadOnlyList<(NamespaceKind Kind, string Path)> Joined { get; }

    /// <summary>The init has a user namespace other than hutch's (new or joined).</summary>
    public bool HasUser => Has(NamespaceKind.User);

    /// <summary>The init has a mount namespace other than hutch's: only then is the rootfs built.</summary>
    public bool HasMount => Has(NamespaceKind.Mount);

    /// <summary>The plan of a validated config (the validator refused unknown and duplicate types).</summary>
    public static NamespacePlan From(ContainerConfig config)
    {
        var created = new List<NamespaceKind>();
        var joined = new List<(NamespaceKind, string)>();
        foreach (var ns in config.Linux?.Namespaces ?? [])
        {
            if (!NamespaceKinds.TryParseOciName(ns.Type, out var kind))
            {
                throw new LifecycleException($"linux.namespaces: unknown type \"{ns.Type}\"");
            }
            if (string.IsNullOrEmpty(ns.Path))
            {
                created.Add(kind);
            }
            else
            {
                joined.Add((kind, ns.Path));
            }
        }
        return new NamespacePlan(created, joined);
    }

    /// <summary>Opens the namespace files to join; Dispose closes them (after the spawn).</summary>
    public OpenJoinsHandle OpenJoins()
    {
        var joins = new List<NamespaceJoin>();
        try
        {
            foreach (var (kind, path) in Joined)
            {
                joins.Add(NamespaceJoin.Open(kind, path));
            }
            return new OpenJoinsHandle(joins);
        }
        catch
        {
            foreach (var join in joins)
            {
                join.Fd.Dispose();
            }
            throw;
        }
    }

    private bool Has(NamespaceKind kind) => New.Contains(kind) || Joined.Any(j => j.Kind == kind);

    /// <summary>The opened joins; Dispose closes their fds.</summary>
    internal sealed class OpenJoinsHandle(IReadOnlyList<NamespaceJoin> joins) : IDisposable
    {
        public IReadOnlyList<NamespaceJoin> Joins { get; } = joins;

        public void Dispose()
        {
            foreach (var join in Joins)
            {
                join.Fd.Dispose();
            }
        }
    }
}
