using System.Globalization;
using System.Text;

namespace Hutch.Runtime.InitPlans;

/// <summary>
/// The plan as text, one op a line: `kind field=value ...`, numbers that are flags or masks in
/// hex, strings quoted with JSON's escapes. The golden tests compare it (tests/data/init-plans/);
/// `--debug` may print it. Not parsed back: the bytes are the executor's input.
/// </summary>
internal static class InitPlanText
{
    private static readonly HashSet<string> Hex =
        ["clone_flags", "nstype", "flags", "attr_set", "attr_clear", "propagation", "bounding", "effective", "permitted",
         "inheritable", "ambient", "personality", "default_action", "action", "conditions", "type", "mode", "umask", "extensions"];

    public static string Render(InitPlan plan)
    {
        var text = new StringBuilder();
        text.Append("# hutch init plan, encoding version ").Append(InitPlan.Version).Append(" (docs/design/init-plan.md)\n");
        foreach (var op in plan.Ops)
        {
            text.Append(Render(op)).Append('\n');
        }
        return text.ToString();
    }

    public static string Render(InitOp op)
    {
        var line = new StringBuilder(ToKebab(op.Kind.ToString()));
        var fields = InitOpSchema.Fields(op.Kind);
        for (var i = 0; i < fields.Count; i++)
        {
            line.Append(' ').Append(fields[i].Name).Append('=');
            var hex = Hex.Contains(fields[i].Name);
            switch (op.Values[i])
            {
                case uint u: line.Append(hex ? "0x" + u.ToString("x", CultureInfo.InvariantCulture) : u.ToString(CultureInfo.InvariantCulture)); break;
                case ulong u: line.Append(hex ? "0x" + u.ToString("x", CultureInfo.InvariantCulture) : u.ToString(CultureInfo.InvariantCulture)); break;
                case string s: Quote(line, s); break;
                case IReadOnlyList<string> list:
                    line.Append('[');
                    for (var k = 0; k < list.Count; k++)
                    {
                        if (k > 0)
                        {
                            line.Append(", ");
                        }
                        Quote(line, list[k]);
                    }
                    line.Append(']');
                    break;
                case IReadOnlyList<ulong> numbers:
                    line.Append('[').AppendJoin(", ", numbers.Select(n => hex ? "0x" + n.ToString("x", CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture))).Append(']');
                    break;
            }
        }
        return line.ToString();
    }

    private static void Quote(StringBuilder line, string value)
    {
        line.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': line.Append("\\\""); break;
                case '\\': line.Append("\\\\"); break;
                case '\n': line.Append("\\n"); break;
                case '\t': line.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        line.Append(c);
                    }
                    break;
            }
        }
        line.Append('"');
    }

    internal static string ToKebab(string name)
    {
        var kebab = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                kebab.Append('-');
            }
            kebab.Append(char.ToLowerInvariant(name[i]));
        }
        return kebab.ToString();
    }
}
