using System.Globalization;
using Tmds.DBus.Protocol;

namespace Hutch.Runtime.Cgroups.Systemd;

/// <summary>
/// One unit property as StartTransientUnit and SetUnitProperties take it (an `(sv)` entry): a name
/// and a value of one D-Bus type. <see cref="Value"/> is a bool, string, byte (y), int (i), uint (u),
/// long (x), ulong (t), double (d), uint[] (au), string[] (as), byte[] (ay) or
/// (string, string)[] (a(ss), DeviceAllow), matching <see cref="Signature"/>.
/// </summary>
internal sealed record SystemdProperty(string Name, string Signature, object Value)
{
    public static SystemdProperty Bool(string name, bool value) => new(name, "b", value);

    public static SystemdProperty String(string name, string value) => new(name, "s", value);

    public static SystemdProperty UInt64(string name, ulong value) => new(name, "t", value);

    public static SystemdProperty UInt32Array(string name, params uint[] value) => new(name, "au", value);

    public static SystemdProperty Bytes(string name, byte[] value) => new(name, "ay", value);

    public static SystemdProperty DeviceAllow(IReadOnlyList<(string Path, string Access)> entries) => new("DeviceAllow", "a(ss)", entries.ToArray());

    /// <summary>Writes the `(sv)` struct.</summary>
    public void Write(ref MessageWriter writer)
    {
        writer.WriteStructureStart();
        writer.WriteString(Name);
        writer.WriteSignature(Signature);
        switch (Value)
        {
            case bool b:
                writer.WriteBool(b);
                break;
            case string s:
                writer.WriteString(s);
                break;
            case byte y:
                writer.WriteByte(y);
                break;
            case int i:
                writer.WriteInt32(i);
                break;
            case uint u:
                writer.WriteUInt32(u);
                break;
            case long x:
                writer.WriteInt64(x);
                break;
            case ulong t:
                writer.WriteUInt64(t);
                break;
            case double d:
                writer.WriteDouble(d);
                break;
            case uint[] au:
                writer.WriteArray(au);
                break;
            case string[] strings:
                writer.WriteArray(strings);
                break;
            case byte[] ay:
                writer.WriteArray(ay);
                break;
            case (string Path, string Access)[] pairs:
                var start = writer.WriteArrayStart(DBusType.Struct);
                foreach (var (path, access) in pairs)
                {
                    writer.WriteStructureStart();
                    writer.WriteString(path);
                    writer.WriteString(access);
                }
                writer.WriteArrayEnd(start);
                break;
            default:
                throw new InvalidOperationException($"systemd property {Name}: no D-Bus encoding for a {Value.GetType().Name}");
        }
    }

    /// <summary>"Name=value" as `systemctl show` would print it (for debug records and tests).</summary>
    public override string ToString() => Name + "=" + Show(Value);

    private static string Show(object value) => value switch
    {
        bool b => b ? "yes" : "no",
        uint[] au => string.Join(' ', au.Select(u => u.ToString(CultureInfo.InvariantCulture))),
        string[] strings => string.Join(' ', strings),
        byte[] ay => Convert.ToHexString(ay).ToLowerInvariant(),
        (string Path, string Access)[] pairs => string.Join(' ', pairs.Select(p => p.Path + ":" + p.Access)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
