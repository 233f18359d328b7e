namespace Hutch.Spec;

/// <summary>One problem found in a config.json: the JSON path of the offending field and what is wrong with it.</summary>
/// <param name="Path">JSON path such as <c>mounts[2].destination</c> or <c>linux.netDevices["eth0"].name</c>.</param>
/// <param name="Message">What is wrong and what to do about it.</param>
internal sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
