using System.CommandLine;
using System.CommandLine.Parsing;
using Hutch.Linux;
using Hutch.Spec;
using SpecLinux = Hutch.Spec.Linux;

namespace Hutch.Commands;

/// <summary>
/// `hutch spec [--bundle DIR] [--rootless] [--netns PATH] [--net-device HOST[=NAME]]...
/// [--no-terminal] [-- ARGS...]`: write a default config.json (runc spec's defaults), with the
/// network settings of the netDevices walkthrough applied, so that no jq is needed. The result is
/// validated before anything is written, and an existing config.json is never overwritten.
/// </summary>
internal sealed class SpecCommand : Command
{
    internal const string CommandName = "spec";
    internal const string ConfigFileName = "config.json";

    internal Option<string?> Bundle { get; } = new("--bundle", "-b")
    {
        Description = "path to the root of the bundle directory (default: the current directory)",
        HelpName = "dir",
    };

    internal Option<bool> Rootless { get; } = new("--rootless")
    {
        Description = "generate a configuration for a rootless container (maps root to your uid/gid)",
    };

    internal Option<string?> Netns { get; } = new("--netns")
    {
        Description = "join this network namespace (e.g. /var/run/netns/NAME) instead of creating one",
        HelpName = "path",
    };

    internal Option<string[]> NetDevice { get; } = new("--net-device")
    {
        Description = "move host device HOST into the container, named NAME there (default HOST; may hold one %d); repeatable",
        HelpName = "HOST[=NAME]",
    };

    internal Option<bool> NoTerminal { get; } = new("--no-terminal")
    {
        Description = "set process.terminal to false (for a process without a pseudo-terminal)",
    };

    internal Argument<string[]> ProcessArgs { get; } = new("args")
    {
        Description = "after --: the process's arguments (default: sh)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    internal SpecCommand() : base(CommandName, "create a new specification file (config.json)")
    {
        Options.Add(Bundle);
        Options.Add(Rootless);
        Options.Add(Netns);
        Options.Add(NetDevice);
        Options.Add(NoTerminal);
        Arguments.Add(ProcessArgs);
        SetAction(result => Run(Bind(result)));
    }

    internal SpecRequest Bind(ParseResult result)
    {
        var args = result.GetValue(ProcessArgs) ?? [];
        if (args.Length > 0 && !result.Tokens.Any(t => t.Type == TokenType.DoubleDash))
        {
            throw new CommandFailedException(
                $"unexpected argument \"{args[0]}\" for spec: put the process's arguments after -- (hutch spec -- {string.Join(' ', args)})");
        }
        var devices = new List<NetDeviceRequest>();
        foreach (var value in result.GetValue(NetDevice) ?? [])
        {
            devices.Add(NetDeviceRequest.Parse(value));
        }
        return new SpecRequest(
            Bundle: result.GetValue(Bundle),
            Rootless: result.GetValue(Rootless),
            Netns: result.GetValue(Netns),
            NetDevices: devices,
            NoTerminal: result.GetValue(NoTerminal),
            ProcessArgs: args);
    }

    private static int Run(SpecRequest request)
    {
        var bundle = string.IsNullOrEmpty(request.Bundle) ? Directory.GetCurrentDirectory() : request.Bundle;
        if (!Directory.Exists(bundle))
        {
            throw new CommandFailedException($"bundle directory {bundle} does not exist: create it first or fix --bundle");
        }
        var path = Path.Combine(bundle, ConfigFileName);
        if (File.Exists(path))
        {
            throw Exists(path);
        }
        var json = Render(request);
        try
        {
            // CreateNew (O_EXCL): a config.json that appeared since the check is not overwritten either.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(file, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            writer.Write(json);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw Exists(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write {path}: {IoErrors.Describe(e)}", e);
        }
        return ExitCodes.Success;
    }

    /// <summary>The config.json text `spec` writes for this request.</summary>
    internal static string Render(SpecRequest request) => ConfigJson.Serialize(BuildConfig(request));

    /// <summary>runc spec's defaults with the request applied, validated.</summary>
    /// <exception cref="SpecValidationException">The result breaks the spec (e.g. a 16-byte device name).</exception>
    internal static ContainerConfig BuildConfig(SpecRequest request)
    {
        var config = DefaultConfig.Create(request.Rootless);
        var linux = config.Linux ??= new SpecLinux();
        if (!string.IsNullOrEmpty(request.Netns))
        {
            var namespaces = linux.Namespaces ??= [];
            var network = namespaces.Find(ns => ns.Type == "network");
            if (network is null)
            {
                namespaces.Add(new LinuxNamespace { Type = "network", Path = request.Netns });
            }
            else
            {
                network.Path = request.Netns;
            }
        }
        foreach (var device in request.NetDevices)
        {
            linux.NetDevices ??= [];
            if (!linux.NetDevices.TryAdd(device.HostName, new LinuxNetDevice { Name = device.Name }))
            {
                throw new CommandFailedException($"--net-device {device.HostName} is given twice: list each host device once");
            }
        }
        if (request.NoTerminal && config.Process is not null)
        {
            config.Process.Terminal = false;
        }
        if (request.ProcessArgs.Count > 0 && config.Process is not null)
        {
            config.Process.Args = [.. request.ProcessArgs];
        }
        var errors = ConfigValidator.Validate(config);
        if (errors.Count > 0)
        {
            throw new SpecValidationException(errors);
        }
        return config;
    }

    private static CommandFailedException Exists(string path) =>
        new($"File {path} exists. Remove it first");
}

/// <summary>What `spec` was asked. Bundle null: the current directory.</summary>
internal sealed record SpecRequest(
    string? Bundle,
    bool Rootless,
    string? Netns,
    IReadOnlyList<NetDeviceRequest> NetDevices,
    bool NoTerminal,
    IReadOnlyList<string> ProcessArgs);

/// <summary>One --net-device HOST[=NAME]: Name null keeps the host's name inside the container.</summary>
internal sealed record NetDeviceRequest(string HostName, string? Name)
{
    internal static NetDeviceRequest Parse(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var host = equals < 0 ? value : value[..equals];
        var name = equals < 0 ? null : value[(equals + 1)..];
        if (host.Length == 0)
        {
            throw new CommandFailedException($"--net-device \"{value}\": the host device name is empty; use HOST or HOST=NAME");
        }
        if (name is { Length: 0 })
        {
            throw new CommandFailedException($"--net-device \"{value}\": the name after '=' is empty; use HOST or HOST=NAME");
        }
        return new NetDeviceRequest(host, name);
    }
}
