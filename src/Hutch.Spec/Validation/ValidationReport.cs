namespace Hutch.Spec;

/// <summary>
/// Everything validation found in one config: errors (the config breaks a MUST, or cannot work)
/// and warnings (the spec asks the runtime to log and carry on, e.g. an unknown capability).
/// </summary>
internal sealed class ValidationReport
{
    private readonly List<ValidationError> _errors = [];
    private readonly List<ValidationError> _warnings = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public IReadOnlyList<ValidationError> Warnings => _warnings;

    public bool IsValid => _errors.Count == 0;

    internal void Error(string path, string message) => _errors.Add(new ValidationError(path, message));

    internal void Warning(string path, string message) => _warnings.Add(new ValidationError(path, message));
}
