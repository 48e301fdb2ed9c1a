namespace Myna.GrainInterfaces.Common;

/// <summary>The kinds of expected failure; the API maps each to one HTTP status in one place.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    RuleViolated,
    Forbidden,
    /// <summary>Authentication was attempted and refused (bad signature, used challenge, unusable card).</summary>
    Unauthenticated,
}

/// <summary>An expected failure as a value, with a stable machine-readable code such as <c>person.not-found</c>.</summary>
[GenerateSerializer, Immutable, Alias("myna.domain-error")]
public sealed record DomainError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] IReadOnlyList<string>? Details = null)
{
    public static DomainError Validation(string code, string message) => new(ErrorKind.Validation, code, message);
    public static DomainError NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);
    public static DomainError Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
    public static DomainError Rule(string code, string message) => new(ErrorKind.RuleViolated, code, message);
    public static DomainError Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);
    public static DomainError Unauthenticated(string code, string message) => new(ErrorKind.Unauthenticated, code, message);
}

/// <summary>Outcome of a command or query: a value or a <see cref="DomainError"/>.</summary>
[GenerateSerializer, Immutable, Alias("myna.result`1")]
public sealed record Result<T>
{
    [Id(0)] public T? Value { get; init; }
    [Id(1)] public DomainError? Error { get; init; }
    /// <summary>True when this answers a retried command id that was already applied.</summary>
    [Id(2)] public bool Replayed { get; init; }

    public bool IsSuccess => Error is null;

    public static Result<T> Ok(T value, bool replayed = false) => new() { Value = value, Replayed = replayed };
    public static Result<T> Fail(DomainError error) => new() { Error = error };

    public static implicit operator Result<T>(DomainError error) => Fail(error);
}
