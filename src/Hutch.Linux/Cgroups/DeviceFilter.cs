using Hutch.Linux.Interop;

namespace Hutch.Linux.Cgroups;

/// <summary>
/// The cgroup v2 device controller: an eBPF program (<see cref="DeviceFilterProgram"/>) attached to the
/// cgroup directory with BPF_F_ALLOW_MULTI. On update the new program is attached first and hutch's
/// previous ones detached after, so there is no moment without a filter (while both are attached the
/// kernel runs both and a device must pass each). Programs others attached are left alone.
/// </summary>
internal static class DeviceFilter
{
    /// <summary>The name hutch loads its programs under (BPF_OBJ_NAME_LEN: at most 15 bytes); how it finds its own on update.</summary>
    public const string ProgramName = "hutch_devices";

    /// <summary>The license string the kernel records; cgroup device programs use no GPL-only helpers.</summary>
    public const string License = "Apache";

    /// <summary>Loads the filter for <paramref name="rules"/> and attaches it to <paramref name="cgroupDir"/>, replacing hutch's earlier filter there.</summary>
    public static void Attach(string cgroupDir, DeviceFilterRuleSet rules)
    {
        var instructions = DeviceFilterProgram.Encode(rules);
        var rc = Libc.OpenAt(null, cgroupDir, Libc.O_RDONLY | Libc.O_DIRECTORY, 0, out var dir);
        using (dir)
        {
            if (rc < 0)
            {
                throw new DeviceFilterException(
                    $"open cgroup directory {cgroupDir} to attach the device filter: {Errno.Describe(-rc)}", -rc);
            }
            var previous = OwnPrograms(dir, cgroupDir);
            try
            {
                rc = Libc.BpfLoadCgroupDeviceProgram(instructions, License, ProgramName, out var program, out var log);
                using (program)
                {
                    if (rc < 0)
                    {
                        throw new DeviceFilterException(
                            $"load the eBPF device filter for {cgroupDir} ({instructions.Length / DeviceFilterProgram.InstructionSize} " +
                            $"instructions): {Errno.Describe(-rc)}" + (log.Length > 0 ? $"; verifier: {log}" : "") +
                            (rc == -Errno.EPERM ? " (loading BPF programs needs CAP_BPF or CAP_SYS_ADMIN)" : ""), -rc);
                    }
                    rc = Libc.BpfAttach(dir, program, Libc.BPF_CGROUP_DEVICE, Libc.BPF_F_ALLOW_MULTI);
                    if (rc < 0)
                    {
                        throw new DeviceFilterException(
                            $"attach the eBPF device filter to cgroup {cgroupDir}: {Errno.Describe(-rc)}" +
                            (rc == -Errno.EPERM ? " (a program was attached there without BPF_F_ALLOW_MULTI, or CAP_SYS_ADMIN is missing)" : ""), -rc);
                    }
                }
                foreach (var old in previous)
                {
                    rc = Libc.BpfDetach(dir, old, Libc.BPF_CGROUP_DEVICE);
                    if (rc < 0 && rc != -Errno.ENOENT)
                    {
                        throw new DeviceFilterException(
                            $"detach hutch's previous device filter from cgroup {cgroupDir}: {Errno.Describe(-rc)} " +
                            "(the new filter is attached; the old one still applies as well)", -rc);
                    }
                }
            }
            finally
            {
                foreach (var old in previous)
                {
                    old.Dispose();
                }
            }
        }
    }

    /// <summary>The names of the device programs attached directly to the cgroup, in attach order (for checks and tests).</summary>
    public static IReadOnlyList<string> AttachedProgramNames(string cgroupDir)
    {
        var rc = Libc.OpenAt(null, cgroupDir, Libc.O_RDONLY | Libc.O_DIRECTORY, 0, out var dir);
        using (dir)
        {
            if (rc < 0)
            {
                throw new DeviceFilterException($"open cgroup directory {cgroupDir}: {Errno.Describe(-rc)}", -rc);
            }
            var names = new List<string>();
            foreach (var (_, program) in Attached(dir, cgroupDir))
            {
                using (program)
                {
                    names.Add(Libc.BpfProgramName(program, out var name) == 0 ? name : "?");
                }
            }
            return names;
        }
    }

    private static List<SafeFd> OwnPrograms(SafeFd dir, string cgroupDir)
    {
        var own = new List<SafeFd>();
        foreach (var (_, program) in Attached(dir, cgroupDir))
        {
            if (Libc.BpfProgramName(program, out var name) == 0 && name == ProgramName)
            {
                own.Add(program);
            }
            else
            {
                program.Dispose();
            }
        }
        return own;
    }

    private static IEnumerable<(uint Id, SafeFd Program)> Attached(SafeFd dir, string cgroupDir)
    {
        var rc = Libc.BpfQueryAttached(dir, Libc.BPF_CGROUP_DEVICE, out var ids);
        if (rc < 0)
        {
            throw new DeviceFilterException(
                $"list the device filters attached to cgroup {cgroupDir}: {Errno.Describe(-rc)}", -rc);
        }
        foreach (var id in ids)
        {
            // A program detached between the query and here is simply gone.
            if (Libc.BpfProgramById(id, out var program) == 0)
            {
                yield return (id, program);
            }
            else
            {
                program.Dispose();
            }
        }
    }
}
