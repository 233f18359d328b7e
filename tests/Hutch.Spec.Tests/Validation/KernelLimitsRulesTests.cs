using static Hutch.Spec.Tests.Validation.ValidationAssert;

namespace Hutch.Spec.Tests.Validation;

/// <summary>
/// Values the kernel would refuse, cut or misread, refused at validation with their JSON path:
/// mount destinations that are the root or put something else on /proc, device numbers past
/// dev_t, ids that are (uid_t)-1, lengths past PATH_MAX and HOST_NAME_MAX, sysctl keys that
/// name another file.
/// </summary>
public class KernelLimitsRulesTests
{
    private static ContainerConfig WithMount(Mount mount) => Default(c => c.Mounts!.Add(mount));

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("/")]
    [InlineData("/mnt/..")]
    [InlineData("//./")]
    public void A_mount_on_the_root_itself_is_refused(string destination)
    {
        var config = WithMount(new Mount { Destination = destination, Type = "tmpfs", Source = "tmpfs" });

        SingleError(config, $"mounts[{config.Mounts!.Count - 1}].destination", "is the container's root");
    }

    [Theory]
    [InlineData("/proc", "tmpfs")]
    [InlineData("/proc/", "sysfs")]
    [InlineData("/x/../proc", "tmpfs")]
    public void Only_proc_may_be_mounted_on_proc(string destination, string type)
    {
        var config = WithMount(new Mount { Destination = destination, Type = type, Source = type });

        SingleError(config, $"mounts[{config.Mounts!.Count - 1}].type", "cannot be mounted on /proc");
    }

    [Fact]
    public void A_bind_of_a_proc_on_proc_is_left_to_create()
    {
        // Rootless podman with --pid host binds the host's /proc.
        NoErrors(Default(c => c.Mounts![0] = new Mount { Destination = "/proc", Type = "bind", Source = "/proc", Options = ["rbind"] }));
    }

    [Theory]
    [InlineData(1L, 4294967295L, "linux.devices[0].minor")]
    [InlineData(1L, 1048576L, "linux.devices[0].minor")]
    [InlineData(4096L, 0L, "linux.devices[0].major")]
    [InlineData(-1L, 3L, "linux.devices[0].major")]
    public void Device_numbers_past_dev_t_are_refused(long major, long minor, string path)
    {
        var config = Default(c => c.Linux!.Devices = [new LinuxDevice { Path = "/dev/x", Type = "c", Major = major, Minor = minor }]);

        SingleError(config, path, "a device");
    }

    [Fact]
    public void The_largest_device_numbers_pass()
    {
        NoErrors(Default(c => c.Linux!.Devices = [new LinuxDevice { Path = "/dev/x", Type = "b", Major = 4095, Minor = 1048575 }]));
    }

    [Fact]
    public void Device_owner_4294967295_is_refused_chown_would_leave_root()
    {
        var config = Default(c => c.Linux!.Devices = [new LinuxDevice { Path = "/dev/x", Type = "c", Major = 1, Minor = 3, Uid = uint.MaxValue, Gid = 2147483648 }]);

        var errors = ConfigValidator.Validate(config);

        Assert.Equal(["linux.devices[0].uid", "linux.devices[0].gid"], errors.Select(e => e.Path));
        Assert.Contains("(uid_t)-1", errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4294967295L, "minor")]
    [InlineData(-2L, "minor")]
    [InlineData(1048576L, "minor")]
    public void Device_cgroup_numbers_are_range_checked(long value, string field)
    {
        var config = Default(c => c.Linux!.Resources!.Devices!.Add(new LinuxDeviceCgroup { Allow = true, Type = "c", Major = 1, Minor = value, Access = "rwm" }));

        SingleError(config, $"linux.resources.devices[1].{field}", "or -1 (or absent) for any");
    }

    [Fact]
    public void Device_cgroup_wildcards_pass()
    {
        NoErrors(Default(c => c.Linux!.Resources!.Devices!.Add(new LinuxDeviceCgroup { Allow = true, Type = "c", Major = -1, Minor = -1, Access = "m" })));
    }

    [Fact]
    public void Block_io_device_numbers_are_range_checked()
    {
        var config = Default(c => c.Linux!.Resources!.BlockIO = new LinuxBlockIO
        {
            ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = -8, Minor = 0, Rate = 1 }],
        });

        SingleError(config, "linux.resources.blockIO.throttleReadBpsDevice[0].major", "runs from 0 to 4095");
    }

    [Theory]
    [InlineData(0u, 4294967295u, 1u, "hostID")]
    [InlineData(0u, 4294967290u, 10u, "hostID")]
    [InlineData(4294967295u, 0u, 1u, "containerID")]
    public void An_id_mapping_past_4294967294_is_refused(uint containerId, uint hostId, uint size, string field)
    {
        var config = Default(c =>
        {
            c.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user" });
            c.Linux.UidMappings = [new LinuxIdMapping { ContainerID = containerId, HostID = hostId, Size = size }];
            c.Linux.GidMappings = [new LinuxIdMapping { ContainerID = 0, HostID = 0, Size = 1 }];
        });

        SingleError(config, "linux.uidMappings[0]", "maps " + field);
    }

    [Fact]
    public void A_hostname_longer_than_64_bytes_is_refused()
    {
        NoErrors(Default(c => c.Hostname = new string('h', 64)));
        SingleError(Default(c => c.Hostname = new string('h', 65)), "hostname", "holds at most 64 bytes");
        // Bytes, not characters: 33 two-byte characters are 66 bytes.
        SingleError(Default(c => c.Hostname = new string('é', 33)), "hostname", "is 66 bytes long");
    }

    [Fact]
    public void A_10_MB_destination_is_refused_and_quoted_short()
    {
        var config = WithMount(new Mount { Destination = "/" + new string('a', 10_000_000), Type = "tmpfs", Source = "tmpfs" });

        var error = SingleError(config, $"mounts[{config.Mounts!.Count - 1}].destination", "is 10000001 bytes long; a path holds at most 4095 bytes");

        Assert.True(error.Message.Length < 400, $"the message is {error.Message.Length} characters long");
        Assert.Contains("… (cut; 10000001 characters in all)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_fields_are_held_to_PATH_MAX()
    {
        var longPath = "/" + new string('p', 4095);
        var config = Default(c =>
        {
            c.Process!.Cwd = longPath;
            c.Linux!.MaskedPaths!.Add(longPath);
        });

        var errors = ConfigValidator.Validate(config);

        Assert.Equal(["process.cwd", $"linux.maskedPaths[{config.Linux!.MaskedPaths!.Count - 1}]"], errors.Select(e => e.Path));
    }

    [Fact]
    public void An_argument_longer_than_MAX_ARG_STRLEN_is_refused()
    {
        NoErrors(Default(c => c.Process!.Args = ["sh", new string('x', 131071)]));
        SingleError(Default(c => c.Process!.Args = ["sh", new string('x', 131072)]), "process.args[1]", "MAX_ARG_STRLEN");
    }

    [Fact]
    public void A_console_size_past_65535_is_refused()
    {
        SingleError(Default(c => c.Process!.ConsoleSize = new Box { Height = 70000, Width = 80 }), "process.consoleSize.height", "0 to 65535");
    }

    [Fact]
    public void A_umask_past_0777_is_refused()
    {
        NoErrors(Default(c => c.Process!.User.Umask = 0x1FF));
        SingleError(Default(c => c.Process!.User.Umask = 0xFFF), "process.user.umask", "07777 in octal");
    }

    [Theory]
    [InlineData("net..ipv4.ip_forward")]
    [InlineData("net.ipv4.")]
    [InlineData("net/../kernel/hostname")]
    [InlineData("net/./ipv4/ip_forward")]
    public void Sysctl_keys_that_name_another_file_are_refused(string key)
    {
        SingleError(Default(c => c.Linux!.Sysctl = new Dictionary<string, string> { [key] = "1" }), $"linux.sysctl[{JsonPath.Quote(key)}]", "component");
    }

    [Fact]
    public void Sysctl_keys_in_either_notation_pass()
    {
        NoErrors(Default(c => c.Linux!.Sysctl = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1", ["net/ipv4/conf/eth0.100/forwarding"] = "1" }));
    }
}
