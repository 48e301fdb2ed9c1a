using Microsoft.AspNetCore.Http.HttpResults;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Errors;

/// <summary>
/// The one mapping from expected failures to HTTP (RFC 9457 ProblemDetails with a stable "code"):
/// Validation → 400, NotFound → 404, Conflict → 409, RuleViolated → 422, Forbidden → 403, Unauthenticated → 401.
/// </summary>
public static class ApiProblems
{
    public const string CodeExtension = "code";

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.RuleViolated => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Every expected failure the API answers goes through here (extensions: extra members, e.g. the running job's id).</summary>
    public static ProblemHttpResult ToProblem(this DomainError error, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());
        if (error.Details is { Count: > 0 } details)
        {
            all["details"] = details;
        }
        return Problem(StatusFor(error.Kind), error.Code, error.Message, all);
    }

    /// <summary>429: a rate limit, not a business rule (Retry-After says when).</summary>
    public static ProblemHttpResult TooManyRequests(string detail) =>
        Problem(StatusCodes.Status429TooManyRequests, "rate-limit.exceeded", detail);

    /// <summary>503: infrastructure did not finish the work (the caller may retry), not a business rule.</summary>
    public static ProblemHttpResult Unavailable(string code, string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, code, detail);

    private static ProblemHttpResult Problem(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { [CodeExtension] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: TitleFor(status), extensions: all);
    }

    public static string TitleFor(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "This caller may not do this.",
        404 => "Not found.",
        405 => "This method is not allowed here.",
        409 => "Conflict with the current state.",
        413 => "The request is too large.",
        415 => "This media type is not accepted.",
        422 => "A business rule refused the request.",
        429 => "Too many requests.",
        503 => "Temporarily unavailable; retry with the same Idempotency-Key.",
        _ => "An unexpected error occurred.",
    };

    /// <summary>Parses a number from a request body; the problem never echoes the input.</summary>
    public static bool TryParseNumber(string? text, out IndividualNumber number, out ProblemHttpResult problem)
    {
        if (IndividualNumber.TryParse(text, out number, out var error))
        {
            problem = null!;
            return true;
        }
        problem = error == IndividualNumberError.InvalidCheckDigit
            ? DomainError.Validation("individual-number.invalid-check-digit", "The Individual Number's check digit is wrong.").ToProblem()
            : DomainError.Validation("individual-number.invalid-format", "An Individual Number is exactly 12 digits.").ToProblem();
        return false;
    }

    /// <summary>Default codes for problems the framework writes itself (401, 403, unknown routes…).</summary>
    public static string DefaultCodeFor(int status) => status switch
    {
        400 => "request.invalid",
        401 => "auth.unauthenticated",
        403 => "auth.forbidden",
        404 => "route.not-found",
        405 => "route.method-not-allowed",
        415 => "request.unsupported-media-type",
        503 => "service.unavailable",
        _ => "internal.error",
    };
}

/// <summary>Collects request-shape errors so the caller sees all of them at once (400, code request.invalid).</summary>
public sealed class RequestErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public void Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
    }

    public void Require<T>(T? value, string field) where T : struct
    {
        if (value is null)
        {
            Add(field, "Required.");
        }
    }

    /// <summary>The header of a feeder's batch (insurers' medical feeds, the tax agency's income feed): the same batch id is applied once.</summary>
    public void RequireBatch(string? batchId, int? lines, int maxLines)
    {
        if (!FeedBatch.IsValidId(batchId))
        {
            Add("batchId", $"The feeder's batch id, 1 to {FeedBatch.MaxIdLength} {ExternalId.Shape}: the same batch id is applied once.");
        }
        if (lines is not { } count || count <= 0 || count > maxLines)
        {
            Add("lines", $"1 to {maxLines} lines.");
        }
    }

    public ProblemHttpResult ToProblem() =>
        DomainError.Validation("request.invalid", "Some fields are missing or malformed.")
            .ToProblem(new Dictionary<string, object?> { ["errors"] = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()) });
}
