using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Myna.Api.Errors;

/// <summary>
/// Exceptions are bugs or infrastructure. Orleans timeouts and unreachable silos mean "outcome unknown":
/// 503 with Retry-After, so the caller retries with the same Idempotency-Key (a retried command never
/// applies twice). Anything else is a 500 without internals; details go to the log only.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var failed = httpContext.Features.Get<IExceptionHandlerFeature>();
        var (status, code, detail, field) = exception is BadHttpRequestException && RouteIds.Unparsed(failed?.Endpoint, failed?.RouteValues) is { } id
            ? (StatusCodes.Status400BadRequest, id.Code, id.Detail, null)
            : Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
            logger.LogWarning("Request {Path} could not reach the cluster: {Exception}", httpContext.Request.Path, exception.GetType().Name);
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception on {Path}", httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = ApiProblems.TitleFor(status), Detail = detail };
        problem.Extensions[ApiProblems.CodeExtension] = code;
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [ListedNames.Message] };
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The answer for an exception; <c>Field</c> names the enumerated field that held no listed name.</summary>
    private static (int Status, string Code, string? Detail, string? Field) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException bad when Inner<ControlCharacterException>(bad) is not null =>
            (StatusCodes.Status400BadRequest, "request.invalid", "Text fields may not contain control characters.", null),
        BadHttpRequestException bad when Inner<UnlistedNameException>(bad) is { } unlisted =>
            (StatusCodes.Status400BadRequest, "request.invalid", "Some fields are missing or malformed.", FieldOf(unlisted.Path)),
        // A body without a JSON content type is the framework's 415: the code and words a 415 always has (ProblemLanguages).
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            (StatusCodes.Status415UnsupportedMediaType, ApiProblems.DefaultCodeFor(StatusCodes.Status415UnsupportedMediaType), null, null),
        BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == 413 ? "request.too-large" : "request.malformed",
            "The request body or parameters could not be read.", null),
        // A silo's store (PostgreSQL) is down: outcome unknown, retry later with the same key.
        Myna.GrainInterfaces.Common.StoreUnavailableException =>
            (StatusCodes.Status503ServiceUnavailable, "store.unavailable",
                "A data store is temporarily unavailable; the outcome is unknown: retry with the same Idempotency-Key.", null),
        // A newer version wrote the record's stream (a rolling upgrade): a silo of that version serves the retry.
        TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or Myna.GrainInterfaces.Common.StreamFromNewerVersionException or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException
            or OperationCanceledException =>
            (StatusCodes.Status503ServiceUnavailable, "service.unavailable",
                "The request's outcome is unknown: retry with the same Idempotency-Key.", null),
        _ => (StatusCodes.Status500InternalServerError, "internal.error", "An unexpected error occurred.", null),
    };

    private static T? Inner<T>(Exception exception) where T : Exception
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>The field as the request's JSON names it (<c>$.lines[1].sex</c> is <c>lines[1].sex</c>), the whole body for <c>$</c>.</summary>
    internal static string FieldOf(string? path) => path switch
    {
        null or "" or "$" => "body",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith('$') => path[1..],
        _ => path,
    };
}
