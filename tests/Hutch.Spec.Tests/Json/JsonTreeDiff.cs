using System.Text.Json.Nodes;

namespace Hutch.Spec.Tests.Json;

/// <summary>Compares two JSON trees, ignoring property order; tells the first difference by path.</summary>
internal static class JsonTreeDiff
{
    /// <summary>Null when equal, else a sentence naming the path.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (null, _):
                return $"{path}: expected null, got {actual!.ToJsonString()}";
            case (_, null):
                return $"{path}: expected {expected.ToJsonString()}, got nothing (null)";
            case (JsonObject e, JsonObject a):
                foreach (var (name, value) in e)
                {
                    if (!a.TryGetPropertyValue(name, out JsonNode? other))
                    {
                        return $"{path}.{name}: present in the original ({Short(value)}) but lost by the model (add it to the model?)";
                    }

                    if (FirstDifference(value, other, $"{path}.{name}") is { } d)
                    {
                        return d;
                    }
                }

                foreach (var (name, value) in a)
                {
                    if (!e.ContainsKey(name))
                    {
                        return $"{path}.{name}: written by the model ({Short(value)}) but absent from the original";
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path}: expected {e.Count} elements, got {a.Count}";
                }

                for (int i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual)
                    ? null
                    : $"{path}: expected {Short(expected)}, got {Short(actual)}";
        }
    }

    private static string Short(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "null";
        return text.Length > 80 ? text[..80] + "..." : text;
    }
}
