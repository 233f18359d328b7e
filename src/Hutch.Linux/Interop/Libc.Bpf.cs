using System.Runtime.InteropServices;
using System.Text;

namespace Hutch.Linux.Interop;

/// <summary>
/// bpf(2) through native/bpf.c (glibc has no wrapper), for the cgroup v2 device filter: load a
/// BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a cgroup directory, list and detach the programs
/// attached there. The attr structs are the prefixes of union bpf_attr (uapi/linux/bpf.h) that these
/// commands use; the kernel zero-checks bytes past what it knows, and we pass exactly these sizes.
/// </summary>
internal static partial class Libc
{
    // enum bpf_cmd
    internal const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_GET_FD_BY_ID = 13,
        BPF_OBJ_GET_INFO_BY_FD = 15, BPF_PROG_QUERY = 16;

    internal const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    internal const uint BPF_CGROUP_DEVICE = 6;             // enum bpf_attach_type
    internal const uint BPF_F_ALLOW_MULTI = 1u << 1, BPF_F_REPLACE = 1u << 2;

    /// <summary>BPF_OBJ_NAME_LEN: program names are at most 15 bytes plus NUL.</summary>
    internal const int BpfObjectNameLength = 16;

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct BpfProgLoadAttr
    {
        public uint ProgType;
        public uint InsnCnt;
        public ulong Insns;
        public ulong License;
        public uint LogLevel;
        public uint LogSize;
        public ulong LogBuf;
        public uint KernVersion;
        public uint ProgFlags;
        public fixed byte ProgName[BpfObjectNameLength];
        public uint ProgIfindex;
        public uint ExpectedAttachType;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfAttachAttr
    {
        public uint TargetFd;
        public uint AttachBpfFd;
        public uint AttachType;
        public uint AttachFlags;
        public uint ReplaceBpfFd;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfQueryAttr
    {
        public uint TargetFd;
        public uint AttachType;
        public uint QueryFlags;
        public uint AttachFlags;
        public ulong ProgIds;
        public uint ProgCnt;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfGetIdAttr
    {
        public uint Id;
        public uint NextId;
        public uint OpenFlags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfInfoAttr
    {
        public uint BpfFd;
        public uint InfoLen;
        public ulong Info;
    }

    /// <summary>The head of struct bpf_prog_info, up to and including name.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct BpfProgInfoHead
    {
        public uint Type;
        public uint Id;
        public fixed byte Tag[8];
        public uint JitedProgLen;
        public uint XlatedProgLen;
        public ulong JitedProgInsns;
        public ulong XlatedProgInsns;
        public ulong LoadTime;
        public uint CreatedByUid;
        public uint NrMapIds;
        public ulong MapIds;
        public fixed byte Name[BpfObjectNameLength];
    }

    [LibraryImport("libhutchnative")]
    private static unsafe partial int hutch_bpf(int cmd, void* attr, uint size);

    private static unsafe int Bpf<T>(int cmd, ref T attr) where T : unmanaged
    {
        fixed (T* p = &attr)
        {
            int rc;
            do
            {
                rc = hutch_bpf(cmd, p, (uint)sizeof(T));
            }
            while (rc == -Errno.EINTR);
            return rc;
        }
    }

    /// <summary>
    /// Loads a cgroup device program (<paramref name="instructions"/>: struct bpf_insn array). Returns 0 or
    /// -errno; on failure <paramref name="verifierLog"/> holds the verifier's text when it had any.
    /// </summary>
    internal static unsafe int BpfLoadCgroupDeviceProgram(ReadOnlySpan<byte> instructions, string license, string name,
        out SafeFd program, out string verifierLog)
    {
        program = new SafeFd();
        verifierLog = "";
        var licenseBytes = Encoding.ASCII.GetBytes(license + "\0");
        var nameBytes = Encoding.ASCII.GetBytes(name);
        var log = new byte[64 * 1024];
        fixed (byte* insns = instructions)
        fixed (byte* lic = licenseBytes)
        fixed (byte* logBuf = log)
        {
            var attr = new BpfProgLoadAttr
            {
                ProgType = BPF_PROG_TYPE_CGROUP_DEVICE,
                InsnCnt = (uint)(instructions.Length / 8),
                Insns = (ulong)insns,
                License = (ulong)lic,
            };
            for (var i = 0; i < Math.Min(nameBytes.Length, BpfObjectNameLength - 1); i++)
            {
                attr.ProgName[i] = nameBytes[i];
            }
            var rc = Bpf(BPF_PROG_LOAD, ref attr);
            if (rc == -Errno.EACCES || rc == -Errno.EINVAL)
            {
                // Load again with the verifier's log to say why (log only on failure: it costs time).
                attr.LogLevel = 1;
                attr.LogSize = (uint)log.Length;
                attr.LogBuf = (ulong)logBuf;
                var again = Bpf(BPF_PROG_LOAD, ref attr);
                if (again >= 0)
                {
                    program = new SafeFd(again);
                    return 0;
                }
                var end = Array.IndexOf(log, (byte)0);
                verifierLog = Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).Trim();
                return again;
            }
            if (rc < 0)
            {
                return rc;
            }
            program = new SafeFd(rc);
            return 0;
        }
    }

    /// <summary>BPF_PROG_ATTACH of <paramref name="program"/> to the cgroup directory fd. Returns 0 or -errno.</summary>
    internal static int BpfAttach(SafeFd cgroupDir, SafeFd program, uint attachType, uint flags)
    {
        var attr = new BpfAttachAttr
        {
            TargetFd = (uint)cgroupDir.Fd,
            AttachBpfFd = (uint)program.Fd,
            AttachType = attachType,
            AttachFlags = flags,
        };
        return Bpf(BPF_PROG_ATTACH, ref attr);
    }

    /// <summary>BPF_PROG_DETACH of one program attached with BPF_F_ALLOW_MULTI. Returns 0 or -errno.</summary>
    internal static int BpfDetach(SafeFd cgroupDir, SafeFd program, uint attachType)
    {
        var attr = new BpfAttachAttr
        {
            TargetFd = (uint)cgroupDir.Fd,
            AttachBpfFd = (uint)program.Fd,
            AttachType = attachType,
        };
        return Bpf(BPF_PROG_DETACH, ref attr);
    }

    /// <summary>The ids of the programs attached directly to the cgroup (not inherited). Returns 0 or -errno.</summary>
    internal static unsafe int BpfQueryAttached(SafeFd cgroupDir, uint attachType, out uint[] programIds)
    {
        programIds = [];
        var capacity = 64u;
        while (true)
        {
            var ids = new uint[capacity];
            fixed (uint* p = ids)
            {
                var attr = new BpfQueryAttr { TargetFd = (uint)cgroupDir.Fd, AttachType = attachType, ProgIds = (ulong)p, ProgCnt = capacity };
                var rc = Bpf(BPF_PROG_QUERY, ref attr);
                if (rc == -Errno.ENOSPC && attr.ProgCnt > capacity)
                {
                    capacity = attr.ProgCnt;
                    continue;
                }
                if (rc < 0)
                {
                    return rc;
                }
                programIds = ids[..(int)attr.ProgCnt];
                return 0;
            }
        }
    }

    /// <summary>An fd of the loaded program with this id. Returns 0 or -errno (ENOENT: gone meanwhile).</summary>
    internal static int BpfProgramById(uint id, out SafeFd program)
    {
        var attr = new BpfGetIdAttr { Id = id };
        var rc = Bpf(BPF_PROG_GET_FD_BY_ID, ref attr);
        program = rc >= 0 ? new SafeFd(rc) : new SafeFd();
        return rc < 0 ? rc : 0;
    }

    /// <summary>The name a program was loaded with (at most 15 bytes). Returns 0 or -errno.</summary>
    internal static unsafe int BpfProgramName(SafeFd program, out string name)
    {
        name = "";
        var info = new BpfProgInfoHead();
        var attr = new BpfInfoAttr { BpfFd = (uint)program.Fd, InfoLen = (uint)sizeof(BpfProgInfoHead), Info = (ulong)&info };
        var rc = Bpf(BPF_OBJ_GET_INFO_BY_FD, ref attr);
        if (rc < 0)
        {
            return rc;
        }
        var bytes = new ReadOnlySpan<byte>(info.Name, BpfObjectNameLength);
        var end = bytes.IndexOf((byte)0);
        name = Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
        return 0;
    }
}
