using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;

namespace Hutch.Runtime.Rootfs;

/// <summary>hostname and domainname of the container's UTS namespace.</summary>
internal static class UtsNames
{
    public static void Set(string? hostname, string? domainname)
    {
        if (hostname is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(hostname);
            if (Libc.sethostname(bytes, (nuint)bytes.Length) < 0)
            {
                throw new MountException("set hostname", null, hostname, Libc.LastErrno, "needs a new uts namespace");
            }
        }
        if (domainname is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(domainname);
            if (Libc.setdomainname(bytes, (nuint)bytes.Length) < 0)
            {
                throw new MountException("set domainname", null, domainname, Libc.LastErrno, "needs a new uts namespace");
            }
        }
    }
}
