using System.CommandLine;
using Hutch.Logging;
using Hutch.Runtime.Rootless;
using Hutch.Runtime.State;

namespace Hutch.Commands;

/// <summary>
/// runc's global options. They are recursive, so they are accepted before or after the command
/// name (`hutch --root R create ...` and `hutch create --root R ...`), as urfave/cli allows.
/// </summary>
internal sealed class GlobalOptions
{
    internal const string DefaultRoot = "/run/hutch";

    internal Option<string> Root { get; } = new("--root")
    {
        Description = "root directory for storage of container state (this should be located in tmpfs); " +
            "default /run/hutch, or $XDG_RUNTIME_DIR/hutch when not run by the host's root",
        HelpName = "dir",
        DefaultValueFactory = _ => DefaultRoot,
        Recursive = true,
    };

    internal Option<string?> Log { get; } = new("--log")
    {
        Description = "append error (and, with --debug, debug) records to this file",
        HelpName = "file",
        Recursive = true,
    };

    internal Option<string> LogFormat { get; } = new("--log-format")
    {
        Description = "format of the --log records: text or json",
        HelpName = "text|json",
        DefaultValueFactory = _ => LogFormats.TextName,
        Recursive = true,
    };

    internal Option<bool> Debug { get; } = new("--debug")
    {
        Description = "write debug records and show the detail of errors",
        Recursive = true,
    };

    internal Option<bool> SystemdCgroup { get; } = new("--systemd-cgroup")
    {
        Description = "manage cgroups through systemd (cgroupsPath \"slice:prefix:name\")",
        Recursive = true,
    };

    internal Option<string> Rootless { get; } = new("--rootless")
    {
        Description = "ignore cgroup permission errors: true, false or auto (auto: true when not run by the host's root)",
        HelpName = "true|false|auto",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    internal Option<string?> Criu { get; } = new("--criu")
    {
        Description = "path to the criu binary used by checkpoint and restore (default: `criu` on PATH; criu 3.15 or newer)",
        HelpName = "path",
        Recursive = true,
    };

    internal GlobalOptions()
    {
        LogFormat.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!LogFormats.TryParse(value, out _))
            {
                result.AddError($"invalid --log-format \"{value}\": use text or json");
            }
        });
        Rootless.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!TryParseRootless(value, out _))
            {
                result.AddError($"invalid --rootless \"{value}\": use true, false or auto");
            }
        });
    }

    internal IEnumerable<Option> All => [Root, Log, LogFormat, Debug, SystemdCgroup, Rootless, Criu];

    /// <summary>The global options that take a value (a test checks this list against <see cref="All"/>).</summary>
    internal static readonly string[] ValueOptionNames = ["--root", "--log", "--log-format", "--rootless", "--criu"];

    /// <summary>Whether the token is a global option whose value is the next token (not `--root=DIR`).</summary>
    internal static bool TakesValue(string token) => Array.IndexOf(ValueOptionNames, token) >= 0;

    internal GlobalSettings Bind(ParseResult result)
    {
        LogFormats.TryParse(result.GetValue(LogFormat), out var format);
        TryParseRootless(result.GetValue(Rootless), out var rootless);
        return new GlobalSettings(
            Root: ResolveRoot(result),
            LogPath: NullIfEmpty(result.GetValue(Log)),
            LogFormat: format,
            Debug: result.GetValue(Debug),
            SystemdCgroup: result.GetValue(SystemdCgroup),
            Rootless: rootless,
            Criu: NullIfEmpty(result.GetValue(Criu)));
    }

    /// <summary>
    /// --root as given; without it runc's default (StateRoot): $XDG_RUNTIME_DIR/hutch, made
    /// 01700 here as runc does, when hutch is not the host's root, else /run/hutch.
    /// </summary>
    private string ResolveRoot(ParseResult result)
    {
        if (result.GetResult(Root) is { Implicit: false })
        {
            return result.GetValue(Root) ?? DefaultRoot;
        }
        var root = StateRoot.Default();
        if (root.FromXdgRuntimeDir)
        {
            StateRoot.PrepareXdgRoot(root.Path);
        }
        return root.Path;
    }

    /// <summary>The logging settings, read even from a command line with errors (so that a parse
    /// error is still written to containerd's --log file). Unreadable values fall back to defaults.</summary>
    internal GlobalSettings BindForLogging(ParseResult result)
    {
        string? log = TryGet(result, Log);
        var format = LogFormats.TryParse(TryGet(result, LogFormat), out var parsed) ? parsed : Logging.LogFormat.Text;
        var debug = TryGet(result, Debug);
        return new GlobalSettings(DefaultRoot, NullIfEmpty(log), format, debug, SystemdCgroup: false, Rootless: null);
    }

    private static T? TryGet<T>(ParseResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>runc's values: Go's strconv.ParseBool spellings, or "auto" (null).</summary>
    internal static bool TryParseRootless(string? value, out bool? rootless)
    {
        switch (value)
        {
            case "auto":
                rootless = null;
                return true;
            case "1" or "t" or "T" or "true" or "TRUE" or "True":
                rootless = true;
                return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False":
                rootless = false;
                return true;
            default:
                rootless = null;
                return false;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>The global options' values. Rootless null means "auto" (<see cref="IsRootless"/> decides).</summary>
internal sealed record GlobalSettings(
    string Root,
    string? LogPath,
    LogFormat LogFormat,
    bool Debug,
    bool SystemdCgroup,
    bool? Rootless,
    string? Criu = null)
{
    /// <summary>--rootless with auto decided for this process (RootlessMode).</summary>
    public bool IsRootless => RootlessMode.Resolve(Rootless);
}
