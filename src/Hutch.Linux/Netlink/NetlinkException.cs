namespace Hutch.Linux.Netlink;

/// <summary>
/// A netlink request the kernel refused, or a socket call that failed. The message reads
/// "OPERATION: ERRNO TEXT (kernel: EXTENDED ACK): HINT", e.g.
/// "move device `veth1` (index 7) into network namespace as `eth0`: file exists (kernel: ...)".
/// </summary>
internal sealed class NetlinkException : Exception
{
    public NetlinkException(string operation, string? device, int errno, string? kernelMessage = null, string? hint = null)
        : base(Format(operation, errno, kernelMessage, hint))
    {
        Operation = operation;
        Device = device;
        Errno = errno;
        KernelMessage = kernelMessage;
    }

    /// <summary>What was attempted, naming its object, e.g. "set device `veth1` (index 7) up".</summary>
    public string Operation { get; }

    /// <summary>The device concerned (its name, or "#index" when unknown), or null.</summary>
    public string? Device { get; }

    /// <summary>Positive Linux errno.</summary>
    public int Errno { get; }

    /// <summary>The kernel's extended-ack text (NLMSGERR_ATTR_MSG), when it sent one.</summary>
    public string? KernelMessage { get; }

    private static string Format(string operation, int errno, string? kernelMessage, string? hint)
    {
        var text = $"{operation}: {Hutch.Linux.Errno.Describe(errno)}";
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
