using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Cgroups.Systemd;
using Hutch.Spec;

namespace Hutch.Runtime.Tests.Cgroups.Systemd;

public sealed class SystemdPropertiesTests
{
    private static LinuxResources Limits() => new()
    {
        Memory = new LinuxMemory { Limit = 64 << 20, Reservation = 32 << 20, Swap = 128 << 20 },
        Cpu = new LinuxCpu { Shares = 512, Quota = 50_000, Period = 100_000, Cpus = "0-1", Mems = "0" },
        Pids = new LinuxPids { Limit = 42 },
        BlockIO = new LinuxBlockIO { Weight = 300 },
    };

    private static Dictionary<string, string> Shown(IEnumerable<SystemdProperty> properties) =>
        properties.Where(p => p.Name is not ("DevicePolicy" or "DeviceAllow")).ToDictionary(p => p.Name, p => p.ToString()[(p.Name.Length + 1)..]);

    [Fact]
    public void Cgroup_v1_gets_runcs_legacy_names()
    {
        var shown = Shown(SystemdResourceProperties.For(Limits(), unified: false, systemdVersion: 252));

        Assert.Equal("67108864", shown["MemoryLimit"]);
        Assert.Equal("512", shown["CPUShares"]);
        Assert.Equal("100000", shown["CPUQuotaPeriodUSec"]);
        Assert.Equal("500000", shown["CPUQuotaPerSecUSec"]);
        Assert.Equal("300", shown["BlockIOWeight"]);
        Assert.Equal("42", shown["TasksMax"]);
        Assert.Equal("03", shown["AllowedCPUs"]);
        Assert.Equal("01", shown["AllowedMemoryNodes"]);
        Assert.DoesNotContain("MemoryMax", shown.Keys);
        Assert.DoesNotContain("CPUWeight", shown.Keys);
        Assert.DoesNotContain("MemoryLow", shown.Keys);
    }

    [Fact]
    public void Cgroup_v2_gets_the_unified_names()
    {
        var shown = Shown(SystemdResourceProperties.For(Limits(), unified: true, systemdVersion: 252));

        Assert.Equal("67108864", shown["MemoryMax"]);
        Assert.Equal("33554432", shown["MemoryLow"]);
        Assert.Equal("67108864", shown["MemorySwapMax"]); // memory+swap 128 MiB minus memory 64 MiB
        Assert.Equal(ResourcePlan.SharesToWeight(512).ToString(System.Globalization.CultureInfo.InvariantCulture), shown["CPUWeight"]);
        Assert.Equal("500000", shown["CPUQuotaPerSecUSec"]);
        Assert.Equal("42", shown["TasksMax"]);
        Assert.DoesNotContain("MemoryLimit", shown.Keys);
        Assert.DoesNotContain("CPUShares", shown.Keys);
        Assert.DoesNotContain("BlockIOWeight", shown.Keys);
    }

    [Fact]
    public void Old_systemd_gets_no_period_nor_cpuset_properties_and_the_files_carry_them()
    {
        var shown = Shown(SystemdResourceProperties.For(Limits(), unified: false, systemdVersion: 241));

        Assert.DoesNotContain("CPUQuotaPeriodUSec", shown.Keys);
        Assert.DoesNotContain("AllowedCPUs", shown.Keys);
        Assert.Equal("500000", shown["CPUQuotaPerSecUSec"]);
    }

    [Theory]
    [InlineData(12_345L, 100_000UL, "130000")] // 123450 us/s is rounded up to the next whole percent
    [InlineData(-1L, 100_000UL, "18446744073709551615")] // a period alone: no quota (infinity)
    [InlineData(200_000L, 0UL, "2000000")] // the kernel's default period assumed
    public void Cpu_quota_is_per_second_rounded_up_to_a_percent(long quota, ulong period, string perSecond)
    {
        var properties = SystemdResourceProperties.For(new LinuxResources { Cpu = new LinuxCpu { Quota = quota, Period = period } }, unified: true, systemdVersion: 252);

        Assert.Equal(perSecond, Shown(properties)["CPUQuotaPerSecUSec"]);
    }

    [Fact]
    public void Pids_limit_minus_one_is_infinity_and_zero_is_unset()
    {
        Assert.Equal(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Shown(SystemdResourceProperties.For(new LinuxResources { Pids = new LinuxPids { Limit = -1 } }, true, 252))["TasksMax"]);
        Assert.DoesNotContain("TasksMax", Shown(SystemdResourceProperties.For(new LinuxResources { Pids = new LinuxPids { Limit = 0 } }, true, 252)).Keys);
    }

    [Fact]
    public void Unified_files_with_a_property_become_that_property()
    {
        var resources = new LinuxResources
        {
            Unified = new Dictionary<string, string> { ["memory.high"] = "1000000", ["pids.max"] = "max", ["cpu.max"] = "25000 50000", ["io.weight"] = "50" },
        };

        var shown = Shown(SystemdResourceProperties.For(resources, unified: true, systemdVersion: 252));

        Assert.Equal("1000000", shown["MemoryHigh"]);
        Assert.Equal(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), shown["TasksMax"]);
        Assert.Equal("500000", shown["CPUQuotaPerSecUSec"]);
        Assert.Equal("50000", shown["CPUQuotaPeriodUSec"]);
        Assert.Equal(4, shown.Count); // io.weight has no property: only its file is written
    }

    [Fact]
    public void Default_devices_are_a_strict_allow_list()
    {
        var properties = SystemdResourceProperties.Devices(null, warn: null);

        Assert.Equal("DevicePolicy=strict", properties[0].ToString());
        Assert.Equal("DeviceAllow=", properties[1].ToString());
        var allowed = properties[2].ToString();
        Assert.Contains("char-*:m", allowed, StringComparison.Ordinal);
        Assert.Contains("block-*:m", allowed, StringComparison.Ordinal);
        Assert.Contains("/dev/char/1:3:rwm", allowed, StringComparison.Ordinal);
        Assert.Contains("/dev/char/10:200:rwm", allowed, StringComparison.Ordinal);
        if (File.ReadAllText("/proc/devices").Contains(" pts", StringComparison.Ordinal))
        {
            Assert.Contains("char-pts:rwm", allowed, StringComparison.Ordinal); // major 136 by its /proc/devices group
        }
    }

    [Fact]
    public void Allow_all_devices_is_policy_auto_and_a_deny_list_is_strict_with_a_warning()
    {
        var allowAll = SystemdResourceProperties.Devices([new LinuxDeviceCgroup { Allow = true, Access = "rwm" }], warn: null);
        Assert.Equal(["DevicePolicy=auto", "DeviceAllow="], allowAll.Select(p => p.ToString()));

        var warnings = new List<string>();
        var denyList = SystemdResourceProperties.Devices(
            [new LinuxDeviceCgroup { Allow = true, Access = "rwm" }, new LinuxDeviceCgroup { Allow = false, Type = "b", Major = 8, Minor = 0, Access = "rwm" }],
            warnings.Add);
        Assert.Equal(["DevicePolicy=strict", "DeviceAllow="], denyList.Select(p => p.ToString()));
        Assert.Contains(warnings, w => w.Contains("no deny rules", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0-3,8", new byte[] { 0x0f, 0x01 })]
    [InlineData("1", new byte[] { 0x02 })]
    [InlineData(" 0 , 2-2 ,", new byte[] { 0x05 })]
    public void Cpu_lists_become_systemds_bit_masks(string list, byte[] bits) =>
        Assert.Equal(bits, SystemdResourceProperties.RangeToBits(list, "x"));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a")]
    public void Bad_cpu_lists_are_refused(string list) =>
        Assert.Throws<CgroupResourceException>(() => SystemdResourceProperties.RangeToBits(list, "linux.resources.cpu.cpus"));

    [Fact]
    public void Annotations_set_properties_with_sec_given_in_usec()
    {
        var properties = SystemdAnnotations.Parse(new Dictionary<string, string>
        {
            ["org.systemd.property.TimeoutStopSec"] = "10",
            ["org.systemd.property.CollectMode"] = "'inactive-or-failed'",
            ["org.systemd.property.CPUWeight"] = "uint64 300",
            ["org.systemd.property.MemoryHigh"] = "@t 1000000",
            ["org.systemd.property.Wants"] = "[\"a.service\", \"b.service\"]",
            ["org.systemd.property.IgnoreOnIsolate"] = "true",
            ["other"] = "ignored",
        });

        Assert.Equal(
            ["CPUWeight=300", "CollectMode=inactive-or-failed", "IgnoreOnIsolate=yes", "MemoryHigh=1000000", "TimeoutStopUSec=10000000", "Wants=a.service b.service"],
            properties.Select(p => p.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal("t", properties.Single(p => p.Name == "TimeoutStopUSec").Signature);
        Assert.Equal("as", properties.Single(p => p.Name == "Wants").Signature);
    }

    [Theory]
    [InlineData("org.systemd.property.AB", "1", "is not a systemd property name")]
    [InlineData("org.systemd.property.CPU_Weight", "1", "is not a systemd property name")]
    [InlineData("org.systemd.property.CPUWeight", "lots", "is not a GVariant text value")]
    [InlineData("org.systemd.property.TimeoutStopSec", "'ten'", "is not a number of seconds")]
    public void Bad_annotations_are_refused_naming_them(string key, string value, string expected)
    {
        var error = Assert.Throws<CgroupResourceException>(() => SystemdAnnotations.Parse(new Dictionary<string, string> { [key] = value }));

        Assert.Equal($"annotations[\"{key}\"]", error.JsonPath);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("252.39-1~deb12u2", 252)]
    [InlineData("v245.4-1.fc32", 245)]
    [InlineData("257", 257)]
    [InlineData(null, 0)]
    public void Reads_the_version_number(string? text, int version) =>
        Assert.Equal(version, SystemdManager.ParseVersion(text));
}
