using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Linux.Tests.Abi;

namespace Hutch.Linux.Tests.Cgroups;

/// <summary>
/// Compiles a C probe against the system's linux/bpf.h and compares the bpf(2) constants, the
/// union bpf_attr field offsets and the bpf_cgroup_dev_ctx values with what Libc.Bpf.cs and the
/// device filter encoder use.
/// </summary>
public class DeviceFilterAbiTests
{
    private const string ProbeSource = """
        #include <linux/bpf.h>
        #include <stddef.h>
        #include <stdio.h>
        #define V(x) printf("%s %lld\n", #x, (long long)(x))
        #define OFF(f) printf("offsetof %s %zu\n", #f, offsetof(union bpf_attr, f))
        int main(void) {
            V(BPF_PROG_LOAD); V(BPF_PROG_ATTACH); V(BPF_PROG_DETACH); V(BPF_PROG_GET_FD_BY_ID);
            V(BPF_OBJ_GET_INFO_BY_FD); V(BPF_PROG_QUERY); V(BPF_PROG_TYPE_CGROUP_DEVICE); V(BPF_CGROUP_DEVICE);
            V(BPF_F_ALLOW_MULTI); V(BPF_OBJ_NAME_LEN);
            V(BPF_DEVCG_ACC_MKNOD); V(BPF_DEVCG_ACC_READ); V(BPF_DEVCG_ACC_WRITE); V(BPF_DEVCG_DEV_BLOCK); V(BPF_DEVCG_DEV_CHAR);
            V(sizeof(struct bpf_insn));
            OFF(prog_type); OFF(insn_cnt); OFF(insns); OFF(license); OFF(log_level); OFF(log_size); OFF(log_buf);
            OFF(prog_flags); OFF(prog_name); OFF(expected_attach_type);
            OFF(target_fd); OFF(attach_bpf_fd); OFF(attach_type); OFF(attach_flags); OFF(replace_bpf_fd);
            OFF(query.attach_type); OFF(query.query_flags); OFF(query.attach_flags); OFF(query.prog_ids); OFF(query.prog_cnt);
            OFF(prog_id); OFF(info.bpf_fd); OFF(info.info_len); OFF(info.info);
            printf("offsetof info.name %zu\n", offsetof(struct bpf_prog_info, name));
            return 0;
        }
        """;



    [GccFact]
    public void Constants_and_offsets_match_linux_bpf_h()
    {
        var c = CProbe.Run(ProbeSource);
        Assert.Equal(Libc.BPF_PROG_LOAD, c["BPF_PROG_LOAD"]);
        Assert.Equal(Libc.BPF_PROG_ATTACH, c["BPF_PROG_ATTACH"]);
        Assert.Equal(Libc.BPF_PROG_DETACH, c["BPF_PROG_DETACH"]);
        Assert.Equal(Libc.BPF_PROG_GET_FD_BY_ID, c["BPF_PROG_GET_FD_BY_ID"]);
        Assert.Equal(Libc.BPF_OBJ_GET_INFO_BY_FD, c["BPF_OBJ_GET_INFO_BY_FD"]);
        Assert.Equal(Libc.BPF_PROG_QUERY, c["BPF_PROG_QUERY"]);
        Assert.Equal(Libc.BPF_PROG_TYPE_CGROUP_DEVICE, c["BPF_PROG_TYPE_CGROUP_DEVICE"]);
        Assert.Equal(Libc.BPF_CGROUP_DEVICE, c["BPF_CGROUP_DEVICE"]);
        Assert.Equal(Libc.BPF_F_ALLOW_MULTI, c["BPF_F_ALLOW_MULTI"]);
        Assert.Equal(Libc.BpfObjectNameLength, c["BPF_OBJ_NAME_LEN"]);
        Assert.Equal((long)DeviceAccess.Mknod, c["BPF_DEVCG_ACC_MKNOD"]);
        Assert.Equal((long)DeviceAccess.Read, c["BPF_DEVCG_ACC_READ"]);
        Assert.Equal((long)DeviceAccess.Write, c["BPF_DEVCG_ACC_WRITE"]);
        Assert.Equal(DeviceFilterProgram.DevBlock, c["BPF_DEVCG_DEV_BLOCK"]);
        Assert.Equal(DeviceFilterProgram.DevChar, c["BPF_DEVCG_DEV_CHAR"]);
        Assert.Equal(DeviceFilterProgram.InstructionSize, c["sizeof(struct bpf_insn)"]);

        void Off<T>(string c_name, string field) => Assert.True(c[$"offsetof {c_name}"] == Marshal.OffsetOf<T>(field).ToInt64(), $"{c_name} vs {typeof(T).Name}.{field}");
        Off<Libc.BpfProgLoadAttr>("prog_type", nameof(Libc.BpfProgLoadAttr.ProgType));
        Off<Libc.BpfProgLoadAttr>("insn_cnt", nameof(Libc.BpfProgLoadAttr.InsnCnt));
        Off<Libc.BpfProgLoadAttr>("insns", nameof(Libc.BpfProgLoadAttr.Insns));
        Off<Libc.BpfProgLoadAttr>("license", nameof(Libc.BpfProgLoadAttr.License));
        Off<Libc.BpfProgLoadAttr>("log_level", nameof(Libc.BpfProgLoadAttr.LogLevel));
        Off<Libc.BpfProgLoadAttr>("log_size", nameof(Libc.BpfProgLoadAttr.LogSize));
        Off<Libc.BpfProgLoadAttr>("log_buf", nameof(Libc.BpfProgLoadAttr.LogBuf));
        Off<Libc.BpfProgLoadAttr>("prog_flags", nameof(Libc.BpfProgLoadAttr.ProgFlags));
        Off<Libc.BpfProgLoadAttr>("prog_name", nameof(Libc.BpfProgLoadAttr.ProgName));
        Off<Libc.BpfProgLoadAttr>("expected_attach_type", nameof(Libc.BpfProgLoadAttr.ExpectedAttachType));
        Off<Libc.BpfAttachAttr>("target_fd", nameof(Libc.BpfAttachAttr.TargetFd));
        Off<Libc.BpfAttachAttr>("attach_bpf_fd", nameof(Libc.BpfAttachAttr.AttachBpfFd));
        Off<Libc.BpfAttachAttr>("attach_type", nameof(Libc.BpfAttachAttr.AttachType));
        Off<Libc.BpfAttachAttr>("attach_flags", nameof(Libc.BpfAttachAttr.AttachFlags));
        Off<Libc.BpfAttachAttr>("replace_bpf_fd", nameof(Libc.BpfAttachAttr.ReplaceBpfFd));
        Off<Libc.BpfQueryAttr>("query.attach_type", nameof(Libc.BpfQueryAttr.AttachType));
        Off<Libc.BpfQueryAttr>("query.query_flags", nameof(Libc.BpfQueryAttr.QueryFlags));
        Off<Libc.BpfQueryAttr>("query.attach_flags", nameof(Libc.BpfQueryAttr.AttachFlags));
        Off<Libc.BpfQueryAttr>("query.prog_ids", nameof(Libc.BpfQueryAttr.ProgIds));
        Off<Libc.BpfQueryAttr>("query.prog_cnt", nameof(Libc.BpfQueryAttr.ProgCnt));
        Off<Libc.BpfGetIdAttr>("prog_id", nameof(Libc.BpfGetIdAttr.Id));
        Off<Libc.BpfInfoAttr>("info.bpf_fd", nameof(Libc.BpfInfoAttr.BpfFd));
        Off<Libc.BpfInfoAttr>("info.info_len", nameof(Libc.BpfInfoAttr.InfoLen));
        Off<Libc.BpfInfoAttr>("info.info", nameof(Libc.BpfInfoAttr.Info));
        Assert.Equal(c["offsetof info.name"], Marshal.OffsetOf<Libc.BpfProgInfoHead>(nameof(Libc.BpfProgInfoHead.Name)).ToInt64());
    }
}
