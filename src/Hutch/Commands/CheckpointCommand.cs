using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch checkpoint [options] &lt;container-id&gt;`: runc's checkpoint flags are accepted so
/// that a client's command line parses, then hutch refuses: it has no CRIU support.</summary>
internal sealed class CheckpointCommand : Command
{
    internal const string CommandName = "checkpoint";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal CheckpointCommand() : base(CommandName, "checkpoint a running container (not supported: no CRIU)")
    {
        Options.Add(new Option<string?>("--image-path") { Description = "path for saving criu image files", HelpName = "dir" });
        Options.Add(new Option<string?>("--work-path") { Description = "path for saving work files and logs", HelpName = "dir" });
        Options.Add(new Option<string?>("--parent-path") { Description = "path for previous criu image files in pre-dump", HelpName = "dir" });
        Options.Add(new Option<bool>("--leave-running") { Description = "leave the process running after checkpointing" });
        Options.Add(new Option<bool>("--tcp-established") { Description = "allow open tcp connections" });
        Options.Add(new Option<bool>("--tcp-skip-in-flight") { Description = "skip in-flight tcp connections" });
        Options.Add(new Option<bool>("--link-remap") { Description = "allow one to link unlinked files back when possible" });
        Options.Add(new Option<bool>("--ext-unix-sk") { Description = "allow external unix sockets" });
        Options.Add(new Option<bool>("--shell-job") { Description = "allow shell jobs" });
        Options.Add(new Option<bool>("--lazy-pages") { Description = "use userfaultfd to lazily restore memory pages" });
        Options.Add(new Option<int>("--status-fd") { Description = "criu writes \\0 to this fd once lazy-pages is ready", HelpName = "fd", DefaultValueFactory = _ => -1 });
        Options.Add(new Option<string?>("--page-server") { Description = "ADDRESS:PORT of the page server", HelpName = "address:port" });
        Options.Add(new Option<bool>("--file-locks") { Description = "handle file locks, for safety" });
        Options.Add(new Option<bool>("--pre-dump") { Description = "dump the container's memory information only, leave it running" });
        Options.Add(new Option<string?>("--manage-cgroups-mode") { Description = "cgroups mode: soft, full, strict or ignore", HelpName = "mode" });
        Options.Add(new Option<string[]>("--empty-ns") { Description = "create a namespace, but don't restore its properties; repeatable", HelpName = "type" });
        Options.Add(new Option<bool>("--auto-dedup") { Description = "enable auto deduplication of memory images" });
        Arguments.Add(ContainerId);
        SetAction(_ => Run());
    }

    private static int Run() => throw NotImplemented.NoCriu(CommandName);
}
