namespace Hutch.Spec;

/// <summary>A config.json that parsed but breaks the runtime-spec; carries every problem found, not only the first.</summary>
internal sealed class SpecValidationException : Exception
{
    public SpecValidationException(IReadOnlyList<ValidationError> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>"invalid config.json: path: msg" for one error; a count and one indented line per error otherwise.</summary>
    internal static string FormatMessage(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("a validation exception needs at least one error", nameof(errors));
        }
        if (errors.Count == 1)
        {
            return $"invalid config.json: {errors[0]}";
        }
        var text = new System.Text.StringBuilder();
        text.Append("invalid config.json: ").Append(errors.Count).Append(" errors:");
        foreach (var error in errors)
        {
            text.Append("\n  ").Append(error);
        }
        return text.ToString();
    }
}
