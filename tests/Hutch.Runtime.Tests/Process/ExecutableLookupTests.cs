using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Runtime.Processes;

namespace Hutch.Runtime.Tests.Processes;

/// <summary>args[0] lookup: PATH search, slashes, the errors podman maps to 127 and 126.</summary>
public sealed class ExecutableLookupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hutch-lookup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string relative, uint mode)
    {
        var path = Path.Join(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, "#!/bin/sh\n");
        Assert.Equal(0, Libc.chmod(path, mode));
        return path;
    }

    private const uint Runnable = 0x1C0; // 0700
    private const uint Plain = 0x180;    // 0600

    [Fact]
    public void Path_entries_are_searched_in_order_and_the_last_PATH_wins()
    {
        File("a/tool", Plain);
        var b = File("b/tool", Runnable);
        File("c/tool", Runnable);

        var found = ExecutableLookup.Find("tool", ["PATH=/nowhere", $"PATH={_dir}/a:{_dir}/b:{_dir}/c"], "/");
        Assert.Equal(b, found);
    }

    [Fact]
    public void A_name_with_a_slash_is_taken_as_is_relative_to_cwd()
    {
        var tool = File("bin/tool", Runnable);
        Assert.Equal(tool, ExecutableLookup.Find(tool, [], "/"));
        Assert.Equal(Path.Join(_dir, "./bin/tool"), ExecutableLookup.Find("./bin/tool", [], _dir));
    }

    [Fact]
    public void Failures_carry_runcs_messages_and_errnos()
    {
        File("a/plain", Plain);
        Directory.CreateDirectory(Path.Join(_dir, "a", "dir"));
        string[] env = [$"PATH={_dir}/a"];

        var missing = Assert.Throws<ProcessSetupException>(() => ExecutableLookup.Find($"{_dir}/nosuch", env, "/"));
        var notInPath = Assert.Throws<ProcessSetupException>(() => ExecutableLookup.Find("nosuch", env, "/"));
        var denied = Assert.Throws<ProcessSetupException>(() => ExecutableLookup.Find("plain", env, "/"));
        var directory = Assert.Throws<ProcessSetupException>(() => ExecutableLookup.Find($"{_dir}/a/dir", env, "/"));

        Assert.Equal(($"exec: \"{_dir}/nosuch\": no such file or directory", Errno.ENOENT), (missing.Message, missing.Errno));
        Assert.Equal(("exec: \"nosuch\": executable file not found in $PATH", Errno.ENOENT), (notInPath.Message, notInPath.Errno));
        Assert.Equal(("exec: \"plain\": permission denied", Errno.EACCES), (denied.Message, denied.Errno));
        Assert.Equal(($"exec: \"{_dir}/a/dir\": is a directory", Errno.EISDIR), (directory.Message, directory.Errno));
        Assert.All([missing, notInPath, denied, directory], e => Assert.Equal("exec", e.Step));
    }

    [Fact]
    public void Without_PATH_the_default_search_path_is_used()
    {
        Assert.Equal(ExecutableLookup.DefaultPath, ExecutableLookup.SearchPath(["HOME=/root"]));
        Assert.Equal("/usr/bin/busybox", ExecutableLookup.Find("busybox", ["HOME=/root"], "/"));
    }
}
