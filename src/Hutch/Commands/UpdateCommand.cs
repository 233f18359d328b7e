using System.CommandLine;
using Hutch.Logging;

namespace Hutch.Commands;

/// <summary>`hutch update [options] &lt;container-id&gt;`: change the container's resource limits,
/// from flags or from a linux.resources JSON (--resources FILE, "-" for stdin). runc's update flags;
/// values stay as given (sizes such as "512m" and "-1" are resolved by the update itself).</summary>
internal sealed class UpdateCommand : Command
{
    internal const string CommandName = "update";

    internal Option<string?> Resources { get; } = new("--resources", "-r")
    {
        Description = "path to a JSON file of the resources to update, or '-' for stdin; other flags are then ignored",
        HelpName = "file",
    };

    internal Option<long?> BlkioWeight { get; } = new("--blkio-weight")
    {
        Description = "per-cgroup block IO weight, 10 to 1000",
        HelpName = "weight",
    };

    internal Option<string?> CpuPeriod { get; } = new("--cpu-period")
    {
        Description = "CPU CFS period for hardcapping (in usecs); 0 for the system default",
        HelpName = "usecs",
    };

    internal Option<string?> CpuQuota { get; } = new("--cpu-quota")
    {
        Description = "CPU CFS hardcap limit (in usecs) allowed in a given period",
        HelpName = "usecs",
    };

    internal Option<string?> CpuBurst { get; } = new("--cpu-burst")
    {
        Description = "CPU CFS hardcap burst limit (in usecs)",
        HelpName = "usecs",
    };

    internal Option<string?> CpuShare { get; } = new("--cpu-share")
    {
        Description = "CPU shares (relative weight vs. other containers)",
        HelpName = "shares",
    };

    internal Option<string?> CpuRtPeriod { get; } = new("--cpu-rt-period")
    {
        Description = "CPU realtime period for hardcapping (in usecs); 0 for the system default",
        HelpName = "usecs",
    };

    internal Option<string?> CpuRtRuntime { get; } = new("--cpu-rt-runtime")
    {
        Description = "CPU realtime hardcap limit (in usecs) allowed in a given period",
        HelpName = "usecs",
    };

    internal Option<string?> CpusetCpus { get; } = new("--cpuset-cpus")
    {
        Description = "CPUs to use (e.g. 0-3,5)",
        HelpName = "cpus",
    };

    internal Option<string?> CpusetMems { get; } = new("--cpuset-mems")
    {
        Description = "memory nodes to use",
        HelpName = "mems",
    };

    internal Option<string?> KernelMemory { get; } = new("--kernel-memory")
    {
        Description = "obsolete; accepted and ignored",
        Hidden = true,
    };

    internal Option<string?> KernelMemoryTcp { get; } = new("--kernel-memory-tcp")
    {
        Description = "obsolete; accepted and ignored",
        Hidden = true,
    };

    internal Option<string?> Memory { get; } = new("--memory")
    {
        Description = "memory limit (in bytes; suffixes k, m, g allowed; -1 for unlimited)",
        HelpName = "bytes",
    };

    internal Option<string?> CpuIdle { get; } = new("--cpu-idle")
    {
        Description = "cgroup SCHED_IDLE: 0 default behaviour, 1 SCHED_IDLE",
        HelpName = "0|1",
    };

    internal Option<string?> MemoryReservation { get; } = new("--memory-reservation")
    {
        Description = "memory reservation or soft limit (in bytes)",
        HelpName = "bytes",
    };

    internal Option<string?> MemorySwap { get; } = new("--memory-swap")
    {
        Description = "total memory usage (memory + swap); -1 for unlimited swap",
        HelpName = "bytes",
    };

    internal Option<long?> PidsLimit { get; } = new("--pids-limit")
    {
        Description = "maximum number of pids allowed in the container",
        HelpName = "N",
    };

    internal Option<string?> L3CacheSchema { get; } = new("--l3-cache-schema")
    {
        Description = "the Intel RDT/CAT L3 cache schema",
        HelpName = "schema",
    };

    internal Option<string?> MemBwSchema { get; } = new("--mem-bw-schema")
    {
        Description = "the Intel RDT/MBA memory bandwidth schema",
        HelpName = "schema",
    };

    internal Argument<string> ContainerId { get; } = ContainerIdArgument.Create();

    internal UpdateCommand(GlobalOptions globals) : base(CommandName, "update container resource constraints")
    {
        Options.Add(Resources);
        Options.Add(BlkioWeight);
        Options.Add(CpuPeriod);
        Options.Add(CpuQuota);
        Options.Add(CpuBurst);
        Options.Add(CpuShare);
        Options.Add(CpuRtPeriod);
        Options.Add(CpuRtRuntime);
        Options.Add(CpusetCpus);
        Options.Add(CpusetMems);
        Options.Add(KernelMemory);
        Options.Add(KernelMemoryTcp);
        Options.Add(Memory);
        Options.Add(CpuIdle);
        Options.Add(MemoryReservation);
        Options.Add(MemorySwap);
        Options.Add(PidsLimit);
        Options.Add(L3CacheSchema);
        Options.Add(MemBwSchema);
        Arguments.Add(ContainerId);
        SetAction(result => Run(Bind(result), globals.Bind(result), result.InvocationConfiguration.Error));
    }

    internal UpdateRequest Bind(ParseResult result) => new(
        Id: result.GetRequiredValue(ContainerId),
        ResourcesFile: result.GetValue(Resources),
        BlkioWeight: result.GetValue(BlkioWeight),
        CpuPeriod: result.GetValue(CpuPeriod),
        CpuQuota: result.GetValue(CpuQuota),
        CpuBurst: result.GetValue(CpuBurst),
        CpuShare: result.GetValue(CpuShare),
        CpuRtPeriod: result.GetValue(CpuRtPeriod),
        CpuRtRuntime: result.GetValue(CpuRtRuntime),
        CpusetCpus: result.GetValue(CpusetCpus),
        CpusetMems: result.GetValue(CpusetMems),
        Memory: result.GetValue(Memory),
        CpuIdle: result.GetValue(CpuIdle),
        MemoryReservation: result.GetValue(MemoryReservation),
        MemorySwap: result.GetValue(MemorySwap),
        PidsLimit: result.GetValue(PidsLimit),
        L3CacheSchema: result.GetValue(L3CacheSchema),
        MemBwSchema: result.GetValue(MemBwSchema));

    private static int Run(UpdateRequest request, GlobalSettings globals, TextWriter error)
    {
        Hutch.Runtime.Lifecycle.Update.Run(globals.Root, request.Id, UpdateResources.From(request), message => CliLog.Warn(error, message));
        return ExitCodes.Success;
    }
}

/// <summary>What `update` was asked; null: not given. ResourcesFile ("-" is stdin) replaces the rest.</summary>
internal sealed record UpdateRequest(
    string Id,
    string? ResourcesFile,
    long? BlkioWeight,
    string? CpuPeriod,
    string? CpuQuota,
    string? CpuBurst,
    string? CpuShare,
    string? CpuRtPeriod,
    string? CpuRtRuntime,
    string? CpusetCpus,
    string? CpusetMems,
    string? Memory,
    string? CpuIdle,
    string? MemoryReservation,
    string? MemorySwap,
    long? PidsLimit,
    string? L3CacheSchema,
    string? MemBwSchema);
