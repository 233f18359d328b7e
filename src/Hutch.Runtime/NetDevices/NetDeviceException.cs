using Hutch.Spec;

namespace Hutch.Runtime.NetDevices;

/// <summary>
/// Moving a <c>linux.netDevices</c> entry failed, or was refused before anything moved. The
/// message names the entry by its JSON path, says what failed and what to do, e.g.
/// <c>linux.netDevices["hostA"]: device hostA does not exist in the runtime's network namespace: ...</c>.
/// A rollback that failed for several devices carries each failure in <see cref="Failures"/>.
/// </summary>
internal sealed class NetDeviceException : Exception
{
    public NetDeviceException(string hostName, string problem, string? hint = null, int errno = 0,
        string? kernelMessage = null, Exception? innerException = null)
        : base(Format(hostName, problem, hint, errno, kernelMessage), innerException)
    {
        HostName = hostName;
        Problem = problem;
        Errno = errno;
        KernelMessage = kernelMessage;
        Failures = [];
    }

    /// <summary>Several failures at once (a rollback goes on after one device fails); the message lists them all.</summary>
    public NetDeviceException(string summary, IReadOnlyList<Exception> failures)
        : base(summary + ":\n  " + string.Join("\n  ", failures.Select(f => f.Message)), failures.Count > 0 ? failures[0] : null)
    {
        HostName = "";
        Problem = summary;
        Failures = failures;
    }

    /// <summary>The entry's key: the device's name in the runtime's network namespace ("" for a summary).</summary>
    public string HostName { get; }

    /// <summary>What failed, without the JSON path, errno or hint.</summary>
    public string Problem { get; }

    /// <summary>Positive Linux errno when the kernel refused something; 0 for a refusal found by checking.</summary>
    public int Errno { get; }

    /// <summary>The kernel's extended-ack text, when it sent one.</summary>
    public string? KernelMessage { get; }

    /// <summary>Each failure of a rollback or of a failed move and its rollback; empty for a single failure.</summary>
    public IReadOnlyList<Exception> Failures { get; }

    /// <summary>linux.netDevices["NAME"], the path errors start with.</summary>
    public static string PathOf(string hostName) => JsonPath.Key("linux.netDevices", hostName);

    private static string Format(string hostName, string problem, string? hint, int errno, string? kernelMessage)
    {
        var text = $"{PathOf(hostName)}: {problem}";
        if (errno != 0)
        {
            text += ": " + Hutch.Linux.Errno.Describe(errno);
        }
        if (kernelMessage != null)
        {
            text += $" (kernel: {kernelMessage})";
        }
        if (hint != null)
        {
            text += ": " + hint;
        }
        return text;
    }
}
