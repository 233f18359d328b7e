using Hutch.Linux;

namespace Hutch.Logging;

/// <summary>
/// The line `hutch: ` prints for a failure: the exception's message (System.IO's told in hutch's
/// words, see <see cref="IoErrors.MessageOf"/>), cut at <see cref="MaxLength"/> characters so
/// that no input is ever echoed whole, whatever the code that quoted it.
/// </summary>
internal static class FailureMessage
{
    /// <summary>Room for a few dozen validation errors, each of which quotes at most a few hundred characters.</summary>
    public const int MaxLength = 32 * 1024;

    public static string Of(Exception exception) => Cut(IoErrors.MessageOf(exception));

    public static string Cut(string message) =>
        message.Length <= MaxLength
            ? message
            : string.Concat(message.AsSpan(0, MaxLength), $"… (cut; {message.Length} characters in all)");
}
