using System.Globalization;
using Hutch.Linux;
using Hutch.Spec;
using SpecProcess = Hutch.Spec.Process;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// The process `exec` runs, as runc builds it: --process FILE as it is; otherwise config.json's
/// process with args from the command line, --env appended, --cwd, --user uid[:gid],
/// --additional-gids appended, --cap added to bounding, effective and permitted (and ambient when
/// the config has an inheritable set), --no-new-privs, --apparmor, --process-label, and terminal
/// from --tty only.
/// </summary>
internal static class ExecProcessSpec
{
    public static SpecProcess Build(ExecOptions options, ContainerConfig config, string configPath)
    {
        SpecProcess process;
        if (options.ProcessFile is { } file)
        {
            process = Load(file);
        }
        else
        {
            if (options.Args.Count == 0)
            {
                throw new LifecycleException($"exec into container {options.Id}: no command given; pass the command after the container id, or --process FILE");
            }
            var template = config.Process ?? throw new LifecycleException(
                $"exec into container {options.Id}: {configPath} has no process to take the defaults from; pass --process FILE");
            process = FromConfig(template, options);
        }
        if (process.Args is not { Count: > 0 } || string.IsNullOrEmpty(process.Args[0]))
        {
            throw new LifecycleException($"exec into container {options.Id}: args must not be empty");
        }
        if (string.IsNullOrEmpty(process.Cwd) || !process.Cwd.StartsWith('/'))
        {
            throw new LifecycleException($"exec into container {options.Id}: cwd {JsonPath.Quote(process.Cwd ?? "")} is not an absolute path");
        }
        Validate(process, options);
        return process;
    }

    /// <summary>
    /// The rules create applies to config.json's process (ids, lengths, rlimits, scheduler ...):
    /// a --process file, or flags such as --env, reach the kernel the same way.
    /// </summary>
    private static void Validate(SpecProcess process, ExecOptions options)
    {
        var report = new ValidationReport();
        ProcessRules.Check(process, report);
        var source = options.ProcessFile is { } file ? $"--process {file}" : "the process";
        foreach (var warning in report.Warnings)
        {
            options.Warn?.Invoke($"exec into container {options.Id}: {source}: {warning}");
        }
        if (report.Errors.Count == 1)
        {
            throw new LifecycleException($"exec into container {options.Id}: {source}: {report.Errors[0]}");
        }
        if (report.Errors.Count > 1)
        {
            throw new LifecycleException($"exec into container {options.Id}: {source}: {report.Errors.Count} errors:\n  " +
                                         string.Join("\n  ", report.Errors));
        }
    }

    private static SpecProcess Load(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (IoErrors.IsIoFailure(e))
        {
            throw new LifecycleException($"--process {file}: cannot read it: {IoErrors.Describe(e)}", e);
        }
        return JsonDecoding.Decode(bytes, SpecJsonContext.Default.Process, file);
    }

    private static SpecProcess FromConfig(SpecProcess template, ExecOptions options)
    {
        var user = new User
        {
            Uid = template.User.Uid,
            Gid = template.User.Gid,
            Umask = template.User.Umask,
            AdditionalGids = [.. template.User.AdditionalGids ?? []],
        };
        if (options.User is { Length: > 0 } spec)
        {
            var (uidText, gidText) = spec.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0
                ? (spec[..colon], spec[(colon + 1)..])
                : (spec, null);
            user.Uid = ParseId(uidText, "uid", spec);
            if (gidText is not null)
            {
                user.Gid = ParseId(gidText, "gid", spec);
            }
        }
        foreach (var gid in options.AdditionalGids)
        {
            if (!PosixIds.InRange(gid))
            {
                throw new LifecycleException($"--additional-gids {gid.ToString(CultureInfo.InvariantCulture)}: {PosixIds.OutOfRange(gid)}");
            }
            user.AdditionalGids.Add((uint)gid);
        }

        LinuxCapabilities? caps = template.Capabilities is { } c
            ? new LinuxCapabilities
            {
                Bounding = c.Bounding is null ? null : [.. c.Bounding],
                Effective = c.Effective is null ? null : [.. c.Effective],
                Permitted = c.Permitted is null ? null : [.. c.Permitted],
                Inheritable = c.Inheritable is null ? null : [.. c.Inheritable],
                Ambient = c.Ambient is null ? null : [.. c.Ambient],
            }
            : null;
        if (options.Capabilities.Count > 0)
        {
            caps ??= new LinuxCapabilities();
            foreach (var cap in options.Capabilities)
            {
                (caps.Bounding ??= []).Add(cap);
                (caps.Effective ??= []).Add(cap);
                (caps.Permitted ??= []).Add(cap);
                // Ambient needs inheritable, which --cap does not set: only when the config has some.
                if (caps.Inheritable is not null)
                {
                    (caps.Ambient ??= []).Add(cap);
                }
            }
        }

        return new SpecProcess
        {
            Terminal = options.Tty,
            ConsoleSize = template.ConsoleSize,
            User = user,
            Args = [.. options.Args],
            Env = [.. template.Env ?? [], .. options.Env],
            Cwd = string.IsNullOrEmpty(options.Cwd) ? template.Cwd : options.Cwd,
            Capabilities = caps,
            Rlimits = template.Rlimits,
            NoNewPrivileges = options.NoNewPrivileges ?? template.NoNewPrivileges,
            ApparmorProfile = string.IsNullOrEmpty(options.Apparmor) ? template.ApparmorProfile : options.Apparmor,
            OomScoreAdj = template.OomScoreAdj,
            Scheduler = template.Scheduler,
            SelinuxLabel = string.IsNullOrEmpty(options.ProcessLabel) ? template.SelinuxLabel : options.ProcessLabel,
            IOPriority = template.IOPriority,
            ExecCPUAffinity = template.ExecCPUAffinity,
        };
    }

    private static uint ParseId(string text, string what, string spec)
    {
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new LifecycleException($"--user {spec}: the {what} \"{text}\" is not a number (use uid[:gid])");
        }
        return PosixIds.InRange(id) ? id : throw new LifecycleException($"--user {spec}: the {what} {PosixIds.OutOfRange(id)}");
    }
}
