using System.Globalization;
using System.Text;

namespace Hutch.Spec;

/// <summary>
/// Where a forward-only JSON reader is, as the spec path errors name
/// (<c>linux.netDevices["eth0"].name</c>, <c>mounts[3].destination</c>), and the member names
/// each open object has had so far.
/// </summary>
internal sealed class ReaderPath
{
    private readonly List<Frame> _frames = [];

    /// <summary>True inside the annotations map (its keys and values are data, never given to the kernel).</summary>
    public bool InAnnotations =>
        _frames.Count >= 2 && _frames[1].IsMap && string.Equals(_frames[0].Name, "annotations", StringComparison.OrdinalIgnoreCase);

    public void Push(bool isArray)
    {
        var isMap = !isArray && _frames.Count > 0 && _frames[^1] is { IsArray: false, IsMap: false, Name: { } name } &&
                    JsonTextCheck.MapProperties.Contains(name);
        _frames.Add(new Frame(isArray, isMap));
    }

    public void Pop()
    {
        if (_frames.Count > 0)
        {
            _frames.RemoveAt(_frames.Count - 1);
        }
    }

    /// <summary>A value starts: in an array, it is the next element.</summary>
    public void BeginValue()
    {
        if (_frames.Count > 0 && _frames[^1].IsArray)
        {
            _frames[^1].Index++;
        }
    }

    /// <summary>The open object's next member; false when the object already had it.</summary>
    public bool Member(string name)
    {
        var frame = _frames[^1];
        frame.Name = name;
        // The spec's fields match case-insensitively (as Go's decoder does); map keys are data.
        frame.Names ??= new HashSet<string>(frame.IsMap ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        return frame.Names.Add(name);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var frame in _frames)
        {
            if (frame.IsArray)
            {
                if (frame.Index >= 0)
                {
                    text.Append('[').Append(frame.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
            }
            else if (frame.Name is { } name)
            {
                if (frame.IsMap)
                {
                    text.Append('[').Append(JsonPath.Quote(name)).Append(']');
                }
                else
                {
                    text.Append(text.Length > 0 ? "." : "").Append(JsonPath.Cut(name));
                }
            }
        }
        return text.ToString();
    }

    private sealed class Frame(bool isArray, bool isMap)
    {
        public bool IsArray { get; } = isArray;

        public bool IsMap { get; } = isMap;

        public int Index { get; set; } = -1;

        public string? Name { get; set; }

        public HashSet<string>? Names { get; set; }
    }
}
