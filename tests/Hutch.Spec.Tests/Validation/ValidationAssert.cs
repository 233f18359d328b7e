using System.Text;

namespace Hutch.Spec.Tests.Validation;

/// <summary>Builds configs for validation tests and checks what the validator reports.</summary>
internal static class ValidationAssert
{
    /// <summary>`runc spec`'s defaults (network, uts, mount, pid, ipc namespaces): valid as they are.</summary>
    public static ContainerConfig Default() => DefaultConfig.Create();

    /// <summary>The defaults with <paramref name="change"/> applied.</summary>
    public static ContainerConfig Default(Action<ContainerConfig> change)
    {
        var config = DefaultConfig.Create();
        change(config);
        return config;
    }

    /// <summary>A config from JSON text, as a client would write it.</summary>
    public static ContainerConfig Parse(string json) => ConfigJson.Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>Exactly one error, at <paramref name="path"/>, whose message holds <paramref name="fragment"/>.</summary>
    public static ValidationError SingleError(ContainerConfig config, string path, string fragment)
    {
        var report = ConfigValidator.Check(config);
        Assert.True(report.Errors.Count == 1, "expected one error, got:\n" + Describe(report.Errors));
        var error = report.Errors[0];
        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        return error;
    }

    public static void NoErrors(ContainerConfig config)
    {
        var errors = ConfigValidator.Validate(config);
        Assert.True(errors.Count == 0, "expected no errors, got:\n" + Describe(errors));
    }

    public static string Describe(IEnumerable<ValidationError> errors) => string.Join("\n", errors.Select(e => "  " + e));
}
