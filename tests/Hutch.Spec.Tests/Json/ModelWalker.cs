using System.Collections;
using System.Reflection;

namespace Hutch.Spec.Tests.Json;

/// <summary>
/// Finds model properties (Type.Property) that are null or empty everywhere in an object graph:
/// a property counts as set when at least one instance of its type carries a value.
/// Tests only: uses reflection.
/// </summary>
internal static class ModelWalker
{
    public static List<string> UnsetProperties(object root)
    {
        var seen = new HashSet<string>();
        var set = new HashSet<string>();
        Walk(root, seen, set);
        return [.. seen.Except(set).Order(StringComparer.Ordinal)];
    }

    private static void Walk(object node, HashSet<string> seen, HashSet<string> set)
    {
        // Tests run under the JIT with full metadata; the trimming analyser's warning does not apply.
#pragma warning disable IL2075
        PropertyInfo[] properties = node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance);
#pragma warning restore IL2075
        foreach (PropertyInfo property in properties)
        {
            string key = $"{node.GetType().Name}.{property.Name}";
            seen.Add(key);
            object? value = property.GetValue(node);
            switch (value)
            {
                case null:
                    break;
                case string:
                    set.Add(key);
                    break;
                case IDictionary map:
                    if (map.Count > 0)
                    {
                        set.Add(key);
                    }

                    foreach (DictionaryEntry entry in map)
                    {
                        if (IsModel(entry.Value))
                        {
                            Walk(entry.Value!, seen, set);
                        }
                    }

                    break;
                case IList list:
                    if (list.Count > 0)
                    {
                        set.Add(key);
                    }

                    foreach (object? item in list)
                    {
                        if (IsModel(item))
                        {
                            Walk(item!, seen, set);
                        }
                    }

                    break;
                default:
                    set.Add(key);
                    if (IsModel(value))
                    {
                        Walk(value, seen, set);
                    }

                    break;
            }
        }
    }

    private static bool IsModel(object? value) => value?.GetType().Namespace == "Hutch.Spec";
}
