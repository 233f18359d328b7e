using System.CommandLine;
using Hutch.Commands;
using Hutch.Logging;
using Hutch.Linux.Interop;
using Hutch.Runtime.Init;

namespace Hutch;

/// <summary>
/// One run of the CLI: parse argv as runc does, open the --log file, run the command, and turn
/// every failure (a parse error included) into `hutch: &lt;message&gt;` on stderr, the same
/// message as an error record in the log, and exit status 1.
/// </summary>
internal static class HutchApp
{
    internal static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        // The C# and the C of this binary must speak one ABI (native/abi.h); checked before
        // anything, init included, could hand the C a struct it reads differently.
        if (NativeAbi.Mismatch() is { } mismatch)
        {
            CliLog.StderrOnly(error, debug: false).Failure(mismatch);
            return ExitCodes.Failure;
        }
        // The container's init, as create starts it (argv exactly "hutch init"): straight in,
        // without building the CLI's commands, which cost the init start-up time and memory.
        if (args is [InitCommand.CommandName])
        {
            return RunInit(error);
        }
        // `hutch --version` (go-runc and podman run it to identify the runtime): its three lines,
        // without building the command tree; with anything else on the line it is parsed as usual.
        if (args is ["--version"] or ["-v"])
        {
            output.Write(VersionAction.Text);
            return ExitCodes.Success;
        }
        var root = HutchRootCommand.ForArgs(args);
        var parsed = root.ParseArgs(args);
        // Read even from a command line with errors, so that a parse error reaches containerd's log file.
        var settings = root.Globals.BindForLogging(parsed.Result);

        CliLog log;
        try
        {
            log = CliLog.Open(settings.LogPath, settings.LogFormat, settings.Debug, error);
        }
        catch (CommandFailedException e)
        {
            CliLog.StderrOnly(error, settings.Debug).Failure(FailureMessage.Of(e), e);
            return ExitCodes.Failure;
        }

        using (log)
        {
            CliLog.Active = log;
            if (parsed.Errors.Count > 0)
            {
                foreach (var message in parsed.Errors)
                {
                    log.Failure(message);
                }
                error.WriteLine($"Run '{CommandPath(parsed.ErrorCommand)} --help' for usage.");
                return ExitCodes.Failure;
            }

            if (log.DebugEnabled)
            {
                log.Debug($"hutch {BuildInfo.Version} (commit {BuildInfo.Commit}): {CommandPath(parsed.Result.CommandResult.Command)}");
            }
            try
            {
                return parsed.Result.Invoke(new InvocationConfiguration
                {
                    // Failures are reported here, without stack traces; and hutch handles its own
                    // signals (run and exec forward them to the container).
                    EnableDefaultExceptionHandler = false,
                    ProcessTerminationTimeout = null,
                    Output = output,
                    Error = error,
                });
            }
#pragma warning disable CA1031 // The CLI's last line: every failure becomes `hutch: <message>` and exit 1.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.Failure(FailureMessage.Of(e), e);
                return ExitCodes.Failure;
            }
        }
    }

    private static int RunInit(TextWriter error)
    {
        try
        {
            return InitProcess.Run();
        }
#pragma warning disable CA1031 // as in Run: every failure becomes `hutch: <message>` and exit 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            CliLog.StderrOnly(error, debug: false).Failure(FailureMessage.Of(e), e);
            return ExitCodes.Failure;
        }
    }

    private static string CommandPath(Command command) =>
        command is HutchRootCommand ? "hutch" : "hutch " + command.Name;
}
