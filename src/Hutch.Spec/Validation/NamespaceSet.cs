namespace Hutch.Spec;

/// <summary>The first entry of each namespace type in linux.namespaces, for rules that depend on them.</summary>
internal sealed class NamespaceSet
{
    private readonly Dictionary<string, LinuxNamespace> _byType = new(StringComparer.Ordinal);

    public NamespaceSet(List<LinuxNamespace>? namespaces)
    {
        foreach (var ns in namespaces ?? [])
        {
            if (ns?.Type != null)
            {
                _byType.TryAdd(ns.Type, ns);
            }
        }
    }

    /// <summary>The container gets (creates or joins) a namespace of this type.</summary>
    public bool Has(string type) => _byType.ContainsKey(type);

    /// <summary>The container joins an existing namespace of this type (a non-empty path).</summary>
    public bool Joins(string type) => _byType.TryGetValue(type, out var ns) && !string.IsNullOrEmpty(ns.Path);

    /// <summary>The container creates a new namespace of this type.</summary>
    public bool Creates(string type) => Has(type) && !Joins(type);
}
