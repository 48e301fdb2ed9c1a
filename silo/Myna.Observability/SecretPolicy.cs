using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Myna.Observability;

/// <summary>
/// Invariant 21: outside Development nothing starts with a default, known or short secret. The defaults in code
/// and in the Development files are public (they are in this repository), so a host that would run on one of
/// them refuses to start, naming the setting (never its value).
/// </summary>
public static class SecretPolicy
{
    public const int MinimumLength = 32;

    /// <summary>Every default this repository ships carries one of these markers.</summary>
    private static readonly string[] PublicMarkers = ["development-only", "change-me", "not-for-production"];

    /// <summary>Given for a secret that this configuration does not use (it comes from elsewhere, e.g. Key Vault): never refused.</summary>
    public static readonly string NotApplicable = new('-', 1);

    /// <summary>Why this value may not be used as the secret <paramref name="setting"/> here, or null when it may.</summary>
    public static string? Refusal(IHostEnvironment environment, string setting, string? value)
    {
        if (environment.IsDevelopment())
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{setting} is not set; outside Development it must be a secret of at least {MinimumLength} characters.";
        }
        if (value.Length < MinimumLength)
        {
            return $"{setting} is shorter than {MinimumLength} characters.";
        }
        if (PublicMarkers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase)) || value.Distinct().Count() < 8)
        {
            return $"{setting} is a published default or a trivial value; set a secret of your own.";
        }
        return null;
    }

    /// <summary>An options validator that applies <see cref="Refusal"/> to each named secret of the options.</summary>
    public static IValidateOptions<TOptions> Validator<TOptions>(IHostEnvironment environment, params (string Setting, Func<TOptions, string?> Value)[] secrets)
        where TOptions : class =>
        new SecretValidator<TOptions>(environment, secrets);

    private sealed class SecretValidator<TOptions>(IHostEnvironment environment, (string Setting, Func<TOptions, string?> Value)[] secrets)
        : IValidateOptions<TOptions> where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var failures = secrets
                .Select(s => (s.Setting, Value: s.Value(options)))
                .Where(s => !ReferenceEquals(s.Value, NotApplicable))
                .Select(s => Refusal(environment, s.Setting, s.Value)).OfType<string>().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
