using System.Collections.Concurrent;
using System.Globalization;
using Tmds.DBus.Protocol;

namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// A D-Bus client of systemd's manager (org.freedesktop.systemd1.Manager), the calls the systemd
/// cgroup driver makes: StartTransientUnit and StopUnit, each waited for until its job is removed
/// (the JobRemoved signal) with the result "done"; SetUnitProperties, ResetFailedUnit and the
/// manager's Version and ControlGroup. It talks to systemd over the system bus, or as root
/// directly over systemd's private socket when there is no bus (/run/systemd/private: no bus
/// daemon needed, every signal comes unasked); rootless, to the user's own systemd on the
/// session bus. Calls are synchronous:
/// the CLI has nothing else to do meanwhile.
/// </summary>
internal sealed class SystemdManager : IDisposable
{
    private const string Service = "org.freedesktop.systemd1";
    private const string ObjectPath = "/org/freedesktop/systemd1";
    private const string Interface = "org.freedesktop.systemd1.Manager";
    private const string PrivateSocket = "/run/systemd/private";

    /// <summary>How long a job may take (runc waits as long).</summary>
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(30);

    private readonly DBusConnection _connection;
    private readonly ConcurrentDictionary<string, string> _removedJobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _jobRemoved = new(0);
    private readonly IDisposable _jobWatch;
    private int? _version;

    private SystemdManager(DBusConnection connection, IDisposable jobWatch, string address)
    {
        _connection = connection;
        _jobWatch = jobWatch;
        Address = address;
    }

    /// <summary>The D-Bus address connected to (for messages).</summary>
    public string Address { get; }

    /// <summary>
    /// Connects to the system's systemd (<paramref name="user"/> false) or the calling user's
    /// (true), and subscribes to its job signals. Throws SystemdException saying what to check.
    /// </summary>
    public static SystemdManager Connect(bool user)
    {
        var addresses = user ? UserAddresses() : SystemAddresses();
        var failures = new List<string>();
        foreach (var address in addresses)
        {
            // A connection that does not come up in time is tried again: one to systemd's private
            // socket sometimes waits forever for its first answer (seen here about once in three).
            for (var attempt = 1; attempt <= ConnectAttempts; attempt++)
            {
                DBusConnection? connection = null;
                try
                {
                    connection = new DBusConnection(user ? new UserBusOptions(address) : new DBusConnectionOptions(address));
                    Wait(connection.ConnectAsync().AsTask(), ConnectTimeout);
                    var manager = Subscribe(connection, address);
                    connection = null;
                    return manager;
                }
                catch (TimeoutException e) when (attempt < ConnectAttempts)
                {
                    _ = e;
                }
                catch (Exception e) when (e is DBusExceptionBase or IOException or System.Net.Sockets.SocketException or TimeoutException)
                {
                    failures.Add($"{address}: {e.Message}");
                    break;
                }
                finally
                {
                    connection?.Dispose();
                }
            }
        }
        var hint = user
            ? "rootless, hutch needs the user's systemd and session bus (systemd --user, dbus-user-session; DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR set); or leave --systemd-cgroup out"
            : "is systemd the init of this machine (/run/systemd/system) and its manager reachable? Or leave --systemd-cgroup out to use the cgroupfs driver";
        throw new SystemdException($"systemd cgroup driver: cannot connect to systemd over D-Bus ({string.Join("; ", failures)}): {hint}");
    }

    /// <summary>
    /// The user's bus, authenticated (SASL EXTERNAL) as the user's uid outside any user namespace
    /// hutch runs in: the bus reads the peer's uid from the socket in its own namespace, so root of
    /// rootless podman's namespace must say it is the user (runc asks busctl for the same id).
    /// </summary>
    private sealed class UserBusOptions(string address) : DBusConnectionOptions(address)
    {
        protected override async ValueTask<SetupResult> SetupAsync(CancellationToken cancellationToken)
        {
            var result = await base.SetupAsync(cancellationToken).ConfigureAwait(false);
            var euid = Hutch.Linux.Interop.Libc.geteuid();
            var outer = Hutch.Linux.Namespaces.UserNamespaceIds.OfSelf().ToParent(euid) ?? euid;
            result.UserId = outer.ToString(CultureInfo.InvariantCulture);
            return result;
        }
    }

    /// <summary>The manager's version number ("252.39-1~deb12u2" -> 252); 0 when it cannot be read.</summary>
    public int Version => _version ??= ParseVersion(GetManagerProperty("Version"));

    /// <summary>The manager's own cgroup ("/user.slice/user-1000.slice/user@1000.service" for a user's systemd).</summary>
    public string ControlGroup => GetManagerProperty("ControlGroup") ?? "/";

    /// <summary>
    /// Starts transient unit <paramref name="unit"/> with <paramref name="properties"/> and waits for
    /// its job. A unit of that name that is left over (failed) is reset and the start tried once
    /// more, as runc does. Throws SystemdException.
    /// </summary>
    public void StartTransientUnit(string unit, IReadOnlyList<SystemdProperty> properties)
    {
        string job;
        try
        {
            job = CallForJob(StartMessage(unit, properties), $"start unit {unit}");
        }
        catch (SystemdException e) when (e.ErrorName == "org.freedesktop.systemd1.UnitExists")
        {
            TryResetFailedUnit(unit);
            job = CallForJob(StartMessage(unit, properties), $"start unit {unit}");
        }
        var result = WaitForJob(job, unit);
        if (result != "done")
        {
            TryResetFailedUnit(unit);
            throw new SystemdException($"systemd: start unit {unit}: its job ended \"{result}\", not \"done\" (see `journalctl -u {unit}` and `systemctl status {unit}`)");
        }
    }

    /// <summary>
    /// Stops <paramref name="unit"/> and waits for the job; a unit that is already gone is fine. A
    /// failed unit is reset so that systemd forgets it. Returns a warning, or null.
    /// </summary>
    public string? StopUnit(string unit)
    {
        string? warning = null;
        try
        {
            var job = CallForJob(Call("StopUnit", "ss", (ref MessageWriter w) =>
            {
                w.WriteString(unit);
                w.WriteString("replace");
            }), $"stop unit {unit}");
            var result = WaitForJob(job, unit);
            if (result != "done")
            {
                warning = $"systemd: stop unit {unit}: its job ended \"{result}\", not \"done\"";
            }
        }
        catch (SystemdException e) when (e.ErrorName == "org.freedesktop.systemd1.NoSuchUnit")
        {
            // The scope ended with its last process and systemd dropped it.
        }
        TryResetFailedUnit(unit);
        return warning;
    }

    /// <summary>Changes properties of a running unit (runtime only, as runc's update). Throws SystemdException.</summary>
    public void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> properties)
    {
        var message = Call("SetUnitProperties", "sba(sv)", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteBool(true);
            WriteProperties(ref w, properties);
        });
        Invoke(message, $"set properties of unit {unit} ({string.Join(", ", properties)})");
    }

    public void Dispose()
    {
        _jobWatch.Dispose();
        _connection.Dispose();
        _jobRemoved.Dispose();
    }

    private static SystemdManager Subscribe(DBusConnection connection, string address)
    {
        SystemdManager? manager = null;
        var rule = new MatchRule { Type = MessageType.Signal, Interface = Interface, Member = "JobRemoved", Path = ObjectPath };
        var watch = Wait(connection.AddMatchAsync(rule,
            static (Message message, object? _) =>
            {
                var reader = message.GetBodyReader();
                _ = reader.ReadUInt32();
                var job = reader.ReadObjectPathAsString();
                _ = reader.ReadString();
                return (Job: job, Result: reader.ReadString());
            },
            (Notification<(string Job, string Result)> removed) =>
            {
                if (removed.HasValue && manager is not null)
                {
                    manager._removedJobs[removed.Value.Job] = removed.Value.Result;
                    manager._jobRemoved.Release();
                }
            },
            emitOnCapturedContext: false, ObserverFlags.None).AsTask());
        manager = new SystemdManager(connection, watch, address);
        // On the bus, systemd sends its signals only to subscribers (on the private socket always).
        manager.Invoke(manager.Call("Subscribe", null, null), "subscribe to the manager's signals");
        return manager;
    }

    private MessageBuffer StartMessage(string unit, IReadOnlyList<SystemdProperty> properties) =>
        Call("StartTransientUnit", "ssa(sv)a(sa(sv))", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteString("replace");
            WriteProperties(ref w, properties);
            var aux = w.WriteArrayStart(DBusType.Struct);
            w.WriteArrayEnd(aux);
        });

    private static void WriteProperties(ref MessageWriter writer, IReadOnlyList<SystemdProperty> properties)
    {
        var start = writer.WriteArrayStart(DBusType.Struct);
        foreach (var property in properties)
        {
            property.Write(ref writer);
        }
        writer.WriteArrayEnd(start);
    }

    private delegate void BodyWriter(ref MessageWriter writer);

    private MessageBuffer Call(string member, string? signature, BodyWriter? body, string @interface = Interface)
    {
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(destination: Service, path: ObjectPath, @interface: @interface, member: member, signature: signature);
            body?.Invoke(ref writer);
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private void Invoke(MessageBuffer message, string what)
    {
        try
        {
            Wait(_connection.CallMethodAsync(message));
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdException($"systemd: {what}: {e.ErrorMessage} ({e.ErrorName})", e.ErrorName, e);
        }
        catch (DBusExceptionBase e)
        {
            throw new SystemdException($"systemd: {what}: the D-Bus connection to {Address} failed: {e.Message}", null, e);
        }
    }

    private string CallForJob(MessageBuffer message, string what)
    {
        try
        {
            return Wait(_connection.CallMethodAsync(message, static (Message reply, object? _) => reply.GetBodyReader().ReadObjectPathAsString()));
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdException($"systemd: {what}: {e.ErrorMessage} ({e.ErrorName})", e.ErrorName, e);
        }
        catch (DBusExceptionBase e)
        {
            throw new SystemdException($"systemd: {what}: the D-Bus connection to {Address} failed: {e.Message}", null, e);
        }
    }

    /// <summary>The result of job <paramref name="job"/> ("done", "failed", "canceled", ...) once systemd removed it.</summary>
    private string WaitForJob(string job, string unit)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            if (_removedJobs.TryRemove(job, out var result))
            {
                return result;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_jobRemoved.Wait(left))
            {
                TryResetFailedUnit(unit);
                throw new SystemdException($"systemd: unit {unit}: its job {job} did not finish within {JobTimeout.TotalSeconds} s (see `systemctl list-jobs` and `journalctl -u {unit}`)");
            }
        }
    }

    private void TryResetFailedUnit(string unit)
    {
        try
        {
            Invoke(Call("ResetFailedUnit", "s", (ref MessageWriter w) => w.WriteString(unit)), $"reset failed unit {unit}");
        }
        catch (SystemdException)
        {
            // Not failed, or already gone: nothing to forget.
        }
    }

    private string? GetManagerProperty(string name)
    {
        var message = Call("Get", "ss", (ref MessageWriter w) =>
        {
            w.WriteString(Interface);
            w.WriteString(name);
        }, "org.freedesktop.DBus.Properties");
        try
        {
            return Wait(_connection.CallMethodAsync(message, static (Message reply, object? _) =>
            {
                var reader = reply.GetBodyReader();
                return reader.ReadSignatureAsString() == "s" ? reader.ReadString() : null;
            }));
        }
        catch (DBusExceptionBase)
        {
            return null;
        }
    }

    /// <summary>"252.39-1~deb12u2", "v245.4-1.fc32", "245" -> the leading number; 0 when there is none.</summary>
    internal static int ParseVersion(string? text)
    {
        var digits = new string((text ?? "").TrimStart('v').TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;
    }

    /// <summary>The system bus, then (as root) systemd's private socket, which needs no bus daemon.</summary>
    private static List<string> SystemAddresses()
    {
        var addresses = new List<string>();
        if (DBusAddress.System is { Length: > 0 } system)
        {
            addresses.Add(system);
        }
        if (Hutch.Linux.Interop.Libc.geteuid() == 0 && File.Exists(PrivateSocket))
        {
            addresses.Add("unix:path=" + PrivateSocket);
        }
        return addresses;
    }

    private static List<string> UserAddresses()
    {
        var addresses = new List<string>();
        if (Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } session)
        {
            addresses.Add(session);
        }
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } xdg
            ? xdg
            : "/run/user/" + Hutch.Linux.Interop.Libc.geteuid().ToString(CultureInfo.InvariantCulture);
        addresses.Add("unix:path=" + Path.Combine(runtimeDir, "bus"));
        // systemd --user's own private socket, as root's: usable without a session bus.
        addresses.Add("unix:path=" + Path.Combine(runtimeDir, "systemd", "private"));
        return addresses;
    }

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    private const int ConnectAttempts = 5;

    /// <summary>The task's result, or its own exception (not an AggregateException); TimeoutException after <see cref="CallTimeout"/>.</summary>
    private static T Wait<T>(Task<T> task)
    {
        Wait((Task)task);
        return task.GetAwaiter().GetResult();
    }

    private static void Wait(Task task, TimeSpan? timeout = null)
    {
        var limit = timeout ?? CallTimeout;
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(limit))
        {
            throw new TimeoutException($"no answer within {limit.TotalSeconds} s");
        }
        task.GetAwaiter().GetResult();
    }
}
