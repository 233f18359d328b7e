namespace Hutch.Runtime.State;

/// <summary>
/// Container ids, by runc's rule: one or more of the ASCII letters, digits, '_', '+', '-'
/// and '.', and not "." or "..". The id names a directory under --root, so the rule
/// also keeps it a single path component. hutch adds the one limit the kernel sets on
/// that name: at most 255 bytes (NAME_MAX).
/// </summary>
internal static class ContainerId
{
    /// <summary>The longest id: a directory name (NAME_MAX).</summary>
    public const int MaxLength = 255;

    private const string Allowed =
        "a container id may contain only ASCII letters, digits, '_', '+', '-' and '.', and may not be \".\" or \"..\"";

    /// <summary>Null when <paramref name="id"/> is valid, else what is wrong with it and what is allowed.</summary>
    public static string? Check(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "the container id is empty: " + Allowed;
        }
        if (id is "." or "..")
        {
            return $"invalid container id \"{id}\": {Allowed}";
        }
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (!IsAllowed(c))
            {
                var shown = char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";
                return $"invalid container id \"{id}\": character {shown} at position {i + 1} is not allowed; {Allowed}";
            }
        }
        if (id.Length > MaxLength)
        {
            return $"invalid container id \"{id[..20]}...\": it is {id.Length} characters long; the limit is {MaxLength} (the longest directory name)";
        }
        return null;
    }

    /// <summary>Throws <see cref="InvalidContainerIdException"/> unless <paramref name="id"/> is valid.</summary>
    public static void Validate(string? id)
    {
        if (Check(id) is { } reason)
        {
            throw new InvalidContainerIdException(id ?? "", reason);
        }
    }

    private static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '+' or '-' or '.';
}
