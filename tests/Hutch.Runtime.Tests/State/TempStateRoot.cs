using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.State;

/// <summary>A state root in a fresh temporary directory, removed on Dispose.</summary>
internal sealed class TempStateRoot : IDisposable
{
    public TempStateRoot()
    {
        Parent = Path.Combine(Path.GetTempPath(), "hutch-state-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Parent);
        Root = Path.Combine(Parent, "root");
        Store = new StateStore(Root);
    }

    /// <summary>The temporary directory holding the root (the root itself is created by Claim).</summary>
    public string Parent { get; }

    public string Root { get; }

    public StateStore Store { get; }

    public static ContainerState NewState(string id, int pid = 4422, ulong startTime = 123456) => new()
    {
        OciVersion = "1.3.0",
        Id = id,
        Status = ContainerStatus.Created,
        Pid = pid,
        Bundle = "/containers/" + id,
        Rootfs = "/containers/" + id + "/rootfs",
        PidStartTime = startTime,
        Created = new DateTimeOffset(2025, 6, 1, 12, 30, 45, TimeSpan.Zero).AddTicks(1234567),
        Annotations = new Dictionary<string, string> { ["myKey"] = "myValue" },
        Owner = "root",
        OwnsNetworkNamespace = true,
    };

    public void Dispose()
    {
        if (Directory.Exists(Parent))
        {
            Directory.Delete(Parent, recursive: true);
        }
    }
}
