using System.Numerics;

namespace Hutch.Linux.Capabilities;

/// <summary>A set of capability numbers 0-63, as the kernel's 64-bit masks hold them.</summary>
internal readonly record struct CapabilitySet(ulong Bits)
{
    public static CapabilitySet Empty => default;

    /// <summary>Every capability 0..<paramref name="lastCapability"/>.</summary>
    public static CapabilitySet UpTo(int lastCapability) =>
        new(lastCapability >= 63 ? ulong.MaxValue : (1UL << (lastCapability + 1)) - 1);

    public static CapabilitySet Of(IEnumerable<int> numbers) =>
        new(numbers.Aggregate(0UL, (bits, n) => bits | (1UL << n)));

    public bool Contains(int number) => (Bits & (1UL << number)) != 0;

    public CapabilitySet With(int number) => new(Bits | (1UL << number));

    public CapabilitySet Union(CapabilitySet other) => new(Bits | other.Bits);

    public bool IsSubsetOf(CapabilitySet other) => (Bits & ~other.Bits) == 0;

    public int Count => BitOperations.PopCount(Bits);

    public IEnumerable<int> Numbers()
    {
        for (var n = 0; n < 64; n++)
        {
            if (Contains(n))
            {
                yield return n;
            }
        }
    }

    /// <summary>The 16-digit hex form of /proc/PID/status (CapEff: 00000000a80425fb).</summary>
    public override string ToString() => Bits.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
