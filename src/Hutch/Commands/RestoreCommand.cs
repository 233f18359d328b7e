using System.CommandLine;

namespace Hutch.Commands;

/// <summary>`hutch restore [options] &lt;container-id&gt;`: runc's restore flags are accepted so that a
/// client's command line parses, then hutch refuses: it has no CRIU support.</summary>
internal sealed class RestoreCommand : Command
{
    internal const string CommandName = "restore";

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal RestoreCommand() : base(CommandName, "restore a container from a previous checkpoint (not supported: no CRIU)")
    {
        Options.Add(new Option<string?>("--console-socket") { Description = "path to an AF_UNIX socket which will receive the pseudoterminal's master fd", HelpName = "path" });
        Options.Add(new Option<string?>("--image-path") { Description = "path to criu image files for restoring", HelpName = "dir" });
        Options.Add(new Option<string?>("--work-path") { Description = "path for saving work files and logs", HelpName = "dir" });
        Options.Add(new Option<bool>("--tcp-established") { Description = "allow open tcp connections" });
        Options.Add(new Option<bool>("--ext-unix-sk") { Description = "allow external unix sockets" });
        Options.Add(new Option<bool>("--shell-job") { Description = "allow shell jobs" });
        Options.Add(new Option<bool>("--file-locks") { Description = "handle file locks, for safety" });
        Options.Add(new Option<string?>("--manage-cgroups-mode") { Description = "cgroups mode: soft, full, strict or ignore", HelpName = "mode" });
        Options.Add(new Option<string?>("--bundle", "-b") { Description = "path to the root of the bundle directory", HelpName = "dir" });
        Options.Add(new Option<bool>("--detach", "-d") { Description = "detach from the container's process" });
        Options.Add(new Option<string?>("--pid-file") { Description = "specify the file to write the process id to", HelpName = "file" });
        Options.Add(new Option<bool>("--no-subreaper") { Description = "disable the use of the subreaper used to reap reparented processes" });
        Options.Add(new Option<bool>("--no-pivot") { Description = "do not use pivot_root to jail the process inside the rootfs" });
        Options.Add(new Option<string[]>("--empty-ns") { Description = "create a namespace, but don't restore its properties; repeatable", HelpName = "type" });
        Options.Add(new Option<bool>("--auto-dedup") { Description = "enable auto deduplication of memory images" });
        Options.Add(new Option<bool>("--lazy-pages") { Description = "use userfaultfd to lazily restore memory pages" });
        Options.Add(new Option<string?>("--lsm-profile") { Description = "LSM type:label for the restored process", HelpName = "type:label" });
        Options.Add(new Option<string?>("--lsm-mount-context") { Description = "LSM mount context for the restored mounts", HelpName = "context" });
        Arguments.Add(ContainerId);
        SetAction(_ => Run());
    }

    private static int Run() => throw NotImplemented.NoCriu(CommandName);
}
