using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Netlink;

namespace Hutch.Linux.Tests.Netlink;

/// <summary>A fact that needs a C compiler and the kernel's uapi headers; skipped with the reason otherwise.</summary>
public sealed class UapiFactAttribute : FactAttribute
{
    public UapiFactAttribute()
    {
        if (!File.Exists("/usr/include/linux/rtnetlink.h") || UapiProbe.Compiler is null)
        {
            Skip = "needs gcc or cc and the linux uapi headers (apt-get install gcc linux-libc-dev)";
        }
    }
}

/// <summary>Compiles a C program that prints the kernel's values, to compare with the C# ones.</summary>
internal static class UapiProbe
{
    public static string? Compiler { get; } = new[] { "/usr/bin/gcc", "/usr/bin/cc" }.FirstOrDefault(File.Exists);

    public static Dictionary<string, long> Run(IEnumerable<string> expressions)
    {
        var directory = Directory.CreateTempSubdirectory("hutch-uapi-");
        try
        {
            var source = Path.Combine(directory.FullName, "probe.c");
            var binary = Path.Combine(directory.FullName, "probe");
            File.WriteAllText(source, """
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <stddef.h>
                #include <fcntl.h>
                #include <sched.h>
                #include <sys/stat.h>
                #include <sys/socket.h>
                #include <linux/netlink.h>
                #include <linux/rtnetlink.h>
                #include <linux/if_link.h>
                #include <linux/if_addr.h>
                #include <linux/if.h>
                int main(void) {
                """ + string.Concat(expressions.Select(e => $"    printf(\"%s=%lld\\n\", \"{e}\", (long long)({e}));\n")) + """
                    return 0;
                }
                """);
            Exec(Compiler!, "-Wall", "-Werror", "-o", binary, source);
            return Exec(binary).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2))
                .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Exec(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{file} failed: {error}");
    }
}

/// <summary>The C# constants and struct layouts equal the kernel headers' (the ABI check).</summary>
public class UapiProbeTests
{
    private static readonly (string C, long CSharp)[] Values =
    [
        ("AF_NETLINK", Libc.AF_NETLINK), ("SOCK_RAW", Libc.SOCK_RAW), ("SOCK_CLOEXEC", Libc.SOCK_CLOEXEC),
        ("MSG_PEEK", Libc.MSG_PEEK), ("MSG_TRUNC", Libc.MSG_TRUNC), ("SOL_NETLINK", NetlinkConstants.SOL_NETLINK),
        ("CLONE_NEWNET", 0x40000000), ("AT_EMPTY_PATH", 0x1000), ("STATX_INO", 0x100),
        ("NETLINK_ROUTE", NetlinkConstants.NETLINK_ROUTE), ("NETLINK_CAP_ACK", NetlinkConstants.NETLINK_CAP_ACK),
        ("NETLINK_EXT_ACK", NetlinkConstants.NETLINK_EXT_ACK), ("NETLINK_GET_STRICT_CHK", NetlinkConstants.NETLINK_GET_STRICT_CHK),
        ("NLA_F_NESTED", NetlinkConstants.NLA_F_NESTED), ("NLA_F_NET_BYTEORDER", NetlinkConstants.NLA_F_NET_BYTEORDER),
        ("(unsigned short)NLA_TYPE_MASK", NetlinkConstants.NLA_TYPE_MASK),
        ("NLMSGERR_ATTR_MSG", NetlinkConstants.NLMSGERR_ATTR_MSG), ("NLMSGERR_ATTR_OFFS", NetlinkConstants.NLMSGERR_ATTR_OFFS),
        ("NLMSGERR_ATTR_COOKIE", NetlinkConstants.NLMSGERR_ATTR_COOKIE), ("NLMSGERR_ATTR_POLICY", NetlinkConstants.NLMSGERR_ATTR_POLICY),
        ("NLMSGERR_ATTR_MISS_TYPE", NetlinkConstants.NLMSGERR_ATTR_MISS_TYPE), ("NLMSGERR_ATTR_MISS_NEST", NetlinkConstants.NLMSGERR_ATTR_MISS_NEST),
        ("NLMSG_NOOP", NetlinkMessageTypes.NLMSG_NOOP), ("NLMSG_ERROR", NetlinkMessageTypes.NLMSG_ERROR),
        ("NLMSG_DONE", NetlinkMessageTypes.NLMSG_DONE), ("NLMSG_OVERRUN", NetlinkMessageTypes.NLMSG_OVERRUN),
        ("NLM_F_REQUEST", (long)NetlinkFlags.Request), ("NLM_F_MULTI", (long)NetlinkFlags.Multi), ("NLM_F_ACK", (long)NetlinkFlags.Ack),
        ("NLM_F_ECHO", (long)NetlinkFlags.Echo), ("NLM_F_DUMP_INTR", (long)NetlinkFlags.DumpInterrupted),
        ("NLM_F_DUMP_FILTERED", (long)NetlinkFlags.DumpFiltered), ("NLM_F_DUMP", (long)NetlinkFlags.Dump),
        ("NLM_F_REPLACE", (long)NetlinkFlags.Replace), ("NLM_F_EXCL", (long)NetlinkFlags.Exclusive),
        ("NLM_F_CREATE", (long)NetlinkFlags.Create), ("NLM_F_APPEND", (long)NetlinkFlags.Append),
        ("NLM_F_CAPPED", (long)NetlinkFlags.Capped), ("NLM_F_ACK_TLVS", (long)NetlinkFlags.AckTlvs),
        ("RTM_NEWLINK", RouteMessageTypes.RTM_NEWLINK), ("RTM_DELLINK", RouteMessageTypes.RTM_DELLINK),
        ("RTM_GETLINK", RouteMessageTypes.RTM_GETLINK), ("RTM_SETLINK", RouteMessageTypes.RTM_SETLINK),
        ("RTM_NEWADDR", RouteMessageTypes.RTM_NEWADDR), ("RTM_DELADDR", RouteMessageTypes.RTM_DELADDR),
        ("RTM_GETADDR", RouteMessageTypes.RTM_GETADDR),
        ("IFLA_ADDRESS", LinkAttributes.IFLA_ADDRESS), ("IFLA_BROADCAST", LinkAttributes.IFLA_BROADCAST),
        ("IFLA_IFNAME", LinkAttributes.IFLA_IFNAME), ("IFLA_MTU", LinkAttributes.IFLA_MTU), ("IFLA_LINK", LinkAttributes.IFLA_LINK),
        ("IFLA_MASTER", LinkAttributes.IFLA_MASTER), ("IFLA_TXQLEN", LinkAttributes.IFLA_TXQLEN),
        ("IFLA_OPERSTATE", LinkAttributes.IFLA_OPERSTATE), ("IFLA_LINKMODE", LinkAttributes.IFLA_LINKMODE),
        ("IFLA_LINKINFO", LinkAttributes.IFLA_LINKINFO), ("IFLA_NET_NS_PID", LinkAttributes.IFLA_NET_NS_PID),
        ("IFLA_IFALIAS", LinkAttributes.IFLA_IFALIAS), ("IFLA_STATS64", LinkAttributes.IFLA_STATS64),
        ("IFLA_AF_SPEC", LinkAttributes.IFLA_AF_SPEC), ("IFLA_GROUP", LinkAttributes.IFLA_GROUP),
        ("IFLA_NET_NS_FD", LinkAttributes.IFLA_NET_NS_FD), ("IFLA_EXT_MASK", LinkAttributes.IFLA_EXT_MASK),
        ("IFLA_LINK_NETNSID", LinkAttributes.IFLA_LINK_NETNSID), ("IFLA_NEW_IFINDEX", LinkAttributes.IFLA_NEW_IFINDEX),
        ("IFLA_ALT_IFNAME", LinkAttributes.IFLA_ALT_IFNAME), ("IFLA_PERM_ADDRESS", LinkAttributes.IFLA_PERM_ADDRESS),
        ("IFLA_INFO_KIND", LinkAttributes.IFLA_INFO_KIND), ("IFLA_INFO_DATA", LinkAttributes.IFLA_INFO_DATA),
        ("IFLA_INFO_XSTATS", LinkAttributes.IFLA_INFO_XSTATS), ("IFLA_INFO_SLAVE_KIND", LinkAttributes.IFLA_INFO_SLAVE_KIND),
        ("IFLA_INFO_SLAVE_DATA", LinkAttributes.IFLA_INFO_SLAVE_DATA),
        ("RTEXT_FILTER_SKIP_STATS", LinkAttributes.RTEXT_FILTER_SKIP_STATS), ("IFNAMSIZ - 1", LinkAttributes.MaxNameLength),
        ("IFA_ADDRESS", AddressAttributes.IFA_ADDRESS), ("IFA_LOCAL", AddressAttributes.IFA_LOCAL),
        ("IFA_LABEL", AddressAttributes.IFA_LABEL), ("IFA_BROADCAST", AddressAttributes.IFA_BROADCAST),
        ("IFA_ANYCAST", AddressAttributes.IFA_ANYCAST), ("IFA_CACHEINFO", AddressAttributes.IFA_CACHEINFO),
        ("IFA_MULTICAST", AddressAttributes.IFA_MULTICAST), ("IFA_FLAGS", AddressAttributes.IFA_FLAGS),
        ("IFA_RT_PRIORITY", AddressAttributes.IFA_RT_PRIORITY), ("IFA_TARGET_NETNSID", AddressAttributes.IFA_TARGET_NETNSID),
        ("IFA_PROTO", AddressAttributes.IFA_PROTO),
        ("IFA_F_SECONDARY", (long)AddressFlags.Secondary), ("IFA_F_NODAD", (long)AddressFlags.NoDad),
        ("IFA_F_OPTIMISTIC", (long)AddressFlags.Optimistic), ("IFA_F_DADFAILED", (long)AddressFlags.DadFailed),
        ("IFA_F_HOMEADDRESS", (long)AddressFlags.HomeAddress), ("IFA_F_DEPRECATED", (long)AddressFlags.Deprecated),
        ("IFA_F_TENTATIVE", (long)AddressFlags.Tentative), ("IFA_F_PERMANENT", (long)AddressFlags.Permanent),
        ("IFA_F_MANAGETEMPADDR", (long)AddressFlags.ManageTempAddress), ("IFA_F_NOPREFIXROUTE", (long)AddressFlags.NoPrefixRoute),
        ("IFA_F_MCAUTOJOIN", (long)AddressFlags.McAutoJoin), ("IFA_F_STABLE_PRIVACY", (long)AddressFlags.StablePrivacy),
        ("IFF_UP", (long)InterfaceFlags.Up), ("IFF_BROADCAST", (long)InterfaceFlags.Broadcast),
        ("IFF_LOOPBACK", (long)InterfaceFlags.Loopback), ("IFF_POINTOPOINT", (long)InterfaceFlags.PointToPoint),
        ("IFF_RUNNING", (long)InterfaceFlags.Running), ("IFF_NOARP", (long)InterfaceFlags.NoArp),
        ("IFF_PROMISC", (long)InterfaceFlags.Promiscuous), ("IFF_MULTICAST", (long)InterfaceFlags.Multicast),
        ("IFF_LOWER_UP", (long)InterfaceFlags.LowerUp), ("IFF_DORMANT", (long)InterfaceFlags.Dormant),
        ("IFF_ECHO", (long)InterfaceFlags.Echo),
        ("IF_OPER_UNKNOWN", (long)OperationalState.Unknown), ("IF_OPER_DOWN", (long)OperationalState.Down),
        ("IF_OPER_LOWERLAYERDOWN", (long)OperationalState.LowerLayerDown), ("IF_OPER_DORMANT", (long)OperationalState.Dormant),
        ("IF_OPER_UP", (long)OperationalState.Up),
        ("RT_SCOPE_UNIVERSE", (long)AddressScope.Universe), ("RT_SCOPE_SITE", (long)AddressScope.Site),
        ("RT_SCOPE_LINK", (long)AddressScope.Link), ("RT_SCOPE_HOST", (long)AddressScope.Host),
        ("RT_SCOPE_NOWHERE", (long)AddressScope.Nowhere),
        ("AF_INET", (long)LinuxAddressFamily.IPv4), ("AF_INET6", (long)LinuxAddressFamily.IPv6),
        ("sizeof(struct nlmsghdr)", Unsafe.SizeOf<NetlinkMessageHeader>()),
        ("sizeof(struct nlattr)", NetlinkConstants.AttributeHeaderSize),
        ("sizeof(struct ifinfomsg)", Unsafe.SizeOf<InterfaceInfoMessage>()),
        ("offsetof(struct ifinfomsg, ifi_index)", 4), ("offsetof(struct ifinfomsg, ifi_change)", 12),
        ("sizeof(struct ifaddrmsg)", Unsafe.SizeOf<InterfaceAddressMessage>()),
        ("offsetof(struct ifaddrmsg, ifa_scope)", 3), ("offsetof(struct ifaddrmsg, ifa_index)", 4),
        ("sizeof(struct ifa_cacheinfo)", Unsafe.SizeOf<AddressCacheInfo>()),
        ("offsetof(struct ifa_cacheinfo, ifa_prefered)", 0), ("offsetof(struct ifa_cacheinfo, ifa_valid)", 4),
        ("sizeof(struct sockaddr_nl)", Unsafe.SizeOf<Libc.SockAddrNetlink>()),
        ("offsetof(struct sockaddr_nl, nl_pid)", 4),
        ("sizeof(struct statx)", 256), ("offsetof(struct statx, stx_ino)", 32),
        ("offsetof(struct statx, stx_dev_major)", 136), ("offsetof(struct statx, stx_dev_minor)", 140),
    ];

    [UapiFact]
    public void Constants_and_layouts_equal_the_kernel_headers()
    {
        var kernel = UapiProbe.Run(Values.Select(v => v.C));
        var mismatches = Values
            .Where(v => kernel[v.C] != v.CSharp)
            .Select(v => $"{v.C}: kernel {kernel[v.C]}, C# {v.CSharp}")
            .ToList();
        Assert.Empty(mismatches);
    }
}
