using System.CommandLine;
using System.Globalization;

namespace Hutch.Parsing;

/// <summary>
/// A pass over argv before System.CommandLine parses it, for the two places where runc (Go's flag
/// package under urfave/cli) and System.CommandLine disagree:
/// <list type="bullet">
/// <item>Unknown flags. System.CommandLine would take `create --bogus ID` as the id "--bogus";
/// runc refuses the flag. The scanner reports it by name.</item>
/// <item>Commands that pass everything after the container id through (`exec ID sh -c ls`,
/// `ps ID -ef`; runc's SkipArgReorder). The scanner inserts "--" after the id so the rest is
/// never read as hutch's flags.</item>
/// <item>Flags followed by "true"/"false": Go's bool flags never take the next argument, while
/// System.CommandLine would. The scanner attaches "=true" to such a flag.</item>
/// <item>A single-valued flag given twice (`--log A --log B`, as podman plus a wrapper give):
/// Go's flag package keeps the last value, System.CommandLine refuses the second. The scanner
/// drops the earlier occurrences; list flags (`--env`, `--cap`) keep every occurrence.</item>
/// </list>
/// It walks the same command tree System.CommandLine uses, so the two cannot drift apart.
/// </summary>
internal static class ArgvScanner
{
    internal const string EndOfOptions = "--";

    /// <summary>The argv to parse, or an error for a flag no command in the path declares.</summary>
    internal sealed record Result(IReadOnlyList<string> Args, string? Error, Command ErrorCommand);

    internal static Result Scan(Command root, IReadOnlyList<string> args, Func<Command, bool> passesArgumentsThrough)
    {
        var output = new List<string>(args.Count + 1);
        // Where each single-valued option last appeared in output (first token, token count).
        var lastSeen = new Dictionary<Option, (int Start, int Count)>();
        var dropped = new HashSet<int>();
        void Seen(Option? option, int start, int count)
        {
            if (option is null || option.Arity.MaximumNumberOfValues > 1)
            {
                return;
            }
            if (lastSeen.TryGetValue(option, out var previous))
            {
                for (var k = 0; k < previous.Count; k++)
                {
                    dropped.Add(previous.Start + k);
                }
            }
            lastSeen[option] = (start, count);
        }
        var path = new List<Command> { root };
        var current = (Command)root;
        var positionals = 0;
        var i = 0;
        while (i < args.Count)
        {
            var token = args[i];
            if (token == EndOfOptions)
            {
                break;
            }
            if (LooksLikeOption(token))
            {
                if (FindOption(path, token) is { } flag && !TakesValue(flag) && flag.Arity.MaximumNumberOfValues > 0)
                {
                    // Go's bool flags never take the next argument; System.CommandLine would take a
                    // following "true"/"false" (`delete --force true` must delete container "true").
                    Seen(flag, output.Count, 1);
                    output.Add(i + 1 < args.Count && bool.TryParse(args[i + 1], out _) ? token + "=true" : token);
                    i++;
                    continue;
                }
                var (consumed, option) = MatchOption(path, args, i);
                if (consumed == 0)
                {
                    return new Result(args, $"unknown flag {OptionName(token)} for `{CommandPath(path)}`", current);
                }
                Seen(option, output.Count, consumed);
                for (var k = 0; k < consumed; k++)
                {
                    output.Add(args[i + k]);
                }
                i += consumed;
                continue;
            }
            if (positionals == 0 && FindSubcommand(current, token) is { } sub)
            {
                current = sub;
                path.Add(sub);
                output.Add(token);
                i++;
                continue;
            }
            output.Add(token);
            positionals++;
            i++;
            if (positionals == 1 && passesArgumentsThrough(current))
            {
                // The container id: everything after it belongs to the process (or to ps).
                if (i < args.Count && args[i] == EndOfOptions)
                {
                    output.Add(args[i]);
                    i++;
                }
                else
                {
                    output.Add(EndOfOptions);
                }
                break;
            }
        }
        if (dropped.Count > 0)
        {
            output = [.. output.Where((_, index) => !dropped.Contains(index))];
        }
        for (; i < args.Count; i++)
        {
            output.Add(args[i]);
        }
        return new Result(output, null, current);
    }

    /// <summary>"-x", "--xyz", "--xyz=v"; not "-" (stdin) nor a negative number.</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' &&
        !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string OptionName(string token)
    {
        var split = token.IndexOfAny(['=', ':']);
        return split > 0 ? token[..split] : token;
    }

    /// <summary>How many tokens the option at <paramref name="i"/> uses (0: not an option here), and
    /// which option it is (null for a bundle of short options).</summary>
    private static (int Consumed, Option? Option) MatchOption(List<Command> path, IReadOnlyList<string> args, int i)
    {
        var token = args[i];
        if (FindOption(path, token) is { } option)
        {
            return (1 + ValueTokens(option, args, i + 1), option);
        }
        // "--name=value" or "--name:value" (System.CommandLine splits on either).
        var split = token.IndexOfAny(['=', ':']);
        if (split > 0 && FindOption(path, token[..split]) is { } named)
        {
            return (1, named);
        }
        // A POSIX bundle of short options, "-dt" or "-de VALUE" / "-deVALUE".
        if (token.Length > 2 && token[1] != '-')
        {
            for (var c = 1; c < token.Length; c++)
            {
                if (FindOption(path, "-" + token[c]) is not { } shortOption)
                {
                    return (0, null);
                }
                if (TakesValue(shortOption))
                {
                    return (c == token.Length - 1 ? 1 + ValueTokens(shortOption, args, i + 1) : 1, null);
                }
            }
            return (1, null);
        }
        return (0, null);
    }

    /// <summary>Tokens after the option that are its value: one for a value option, none for a flag.</summary>
    private static int ValueTokens(Option option, IReadOnlyList<string> args, int next) =>
        next < args.Count && TakesValue(option) ? 1 : 0;

    private static bool TakesValue(Option option) =>
        option.Arity.MinimumNumberOfValues > 0 && option.ValueType != typeof(bool);

    /// <summary>The option a name denotes: the innermost command's own options first, then the
    /// recursive options of the commands above it.</summary>
    private static Option? FindOption(List<Command> path, string name)
    {
        for (var level = path.Count - 1; level >= 0; level--)
        {
            foreach (var option in path[level].Options)
            {
                if ((level == path.Count - 1 || option.Recursive) && (option.Name == name || option.Aliases.Contains(name)))
                {
                    return option;
                }
            }
        }
        return null;
    }

    private static Command? FindSubcommand(Command command, string token)
    {
        foreach (var sub in command.Subcommands)
        {
            if (sub.Name == token || sub.Aliases.Contains(token))
            {
                return sub;
            }
        }
        return null;
    }

    private static string CommandPath(List<Command> path) =>
        string.Join(' ', path.Select((c, index) => index == 0 ? "hutch" : c.Name));
}
