using System.CommandLine;
using Hutch.Runtime.Checkpoint;

namespace Hutch.Commands;

/// <summary>The CRIU flags `checkpoint` and `restore` share (runc's names and meanings), declared once.</summary>
internal sealed class CriuFlagOptions
{
    internal Option<string?> ImagePath { get; } = new("--image-path") { Description = "path for the criu image files (default ./checkpoint)", HelpName = "dir" };

    internal Option<string?> WorkPath { get; } = new("--work-path") { Description = "path for criu's work files and log (default: the image path)", HelpName = "dir" };

    internal Option<bool> TcpEstablished { get; } = new("--tcp-established") { Description = "allow open tcp connections" };

    internal Option<bool> ExtUnixSk { get; } = new("--ext-unix-sk") { Description = "allow external unix sockets" };

    internal Option<bool> ShellJob { get; } = new("--shell-job") { Description = "allow shell jobs" };

    internal Option<bool> FileLocks { get; } = new("--file-locks") { Description = "handle file locks, for safety" };

    internal Option<string?> ManageCgroupsMode { get; } = new("--manage-cgroups-mode") { Description = "cgroups mode: soft (default), full, strict or ignore", HelpName = "mode" };

    internal Option<string[]> EmptyNs { get; } = new("--empty-ns") { Description = "create a namespace, but don't restore its properties (only `network`, which is always empty); repeatable", HelpName = "type" };

    internal Option<bool> AutoDedup { get; } = new("--auto-dedup") { Description = "enable auto deduplication of memory images" };

    internal Option<bool> LazyPages { get; } = new("--lazy-pages") { Description = "use userfaultfd to lazily restore memory pages (refused where the kernel lacks it)" };

    internal CriuFlagOptions()
    {
        ManageCgroupsMode.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !CriuRequests.TryParseCgroupsMode(value, out _))
            {
                result.AddError($"invalid --manage-cgroups-mode \"{value}\": use soft, full, strict or ignore");
            }
        });
    }

    internal void AddTo(Command command)
    {
        command.Options.Add(ImagePath);
        command.Options.Add(WorkPath);
        command.Options.Add(TcpEstablished);
        command.Options.Add(ExtUnixSk);
        command.Options.Add(ShellJob);
        command.Options.Add(FileLocks);
        command.Options.Add(ManageCgroupsMode);
        command.Options.Add(EmptyNs);
        command.Options.Add(AutoDedup);
        command.Options.Add(LazyPages);
    }

    internal CriuFlags Bind(ParseResult result) => new()
    {
        ImagePath = result.GetValue(ImagePath),
        WorkPath = result.GetValue(WorkPath),
        TcpEstablished = result.GetValue(TcpEstablished),
        ExtUnixSk = result.GetValue(ExtUnixSk),
        ShellJob = result.GetValue(ShellJob),
        FileLocks = result.GetValue(FileLocks),
        ManageCgroupsMode = result.GetValue(ManageCgroupsMode),
        EmptyNs = result.GetValue(EmptyNs) ?? [],
        AutoDedup = result.GetValue(AutoDedup),
        LazyPages = result.GetValue(LazyPages),
    };
}
