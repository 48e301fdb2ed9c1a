using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Myna.Api.Errors;

namespace Myna.Api.Hosting;

/// <summary>
/// Request body limits per route: 64 KiB for every command and query (the largest honest one is a few KiB), a
/// route's own limit where it declares one (<see cref="IRequestSizeLimitMetadata"/>: the batch feeds). A body
/// over the limit is refused before it is read, as 413 <c>request.too-large</c> ProblemDetails: by its
/// Content-Length when it declares one, else (chunked) once the bytes read pass the limit, before any is parsed.
/// </summary>
public static class BodyLimits
{
    public const long Default = 64 * 1024;

    /// <summary>A batch feed: up to 1,000 lines of a few hundred bytes each.</summary>
    public const long Feed = 4 * 1024 * 1024;

    /// <summary>A bulk registration job: up to 100,000 lines of at most about 480 bytes each.</summary>
    public const long JobFeed = 48 * 1024 * 1024;

    public const string TooLargeCode = "request.too-large";

    public static TBuilder WithFeedBodyLimit<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithBodyLimit(Feed);

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder endpoint, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new RequestSizeLimitAttribute(bytes));

    public static WebApplication UseBodyLimits(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? Default;
            if (http.Request.ContentLength is { } declared && declared > limit)
            {
                await WriteTooLargeAsync(http, limit);
                return;
            }
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
            {
                server.MaxRequestBodySize = limit;
            }
            if (http.Request.ContentLength is null && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                // A chunked body declares no length: read it (up to the limit, one byte more to know) before anyone parses it.
                var buffered = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
                {
                    if (buffered.Length + read > limit)
                    {
                        await WriteTooLargeAsync(http, limit);
                        return;
                    }
                    buffered.Write(chunk, 0, read);
                }
                buffered.Position = 0;
                http.Request.Body = buffered;
                http.Response.RegisterForDispose(buffered);
            }
            await next(http);
        });
        return app;
    }

    private static async Task WriteTooLargeAsync(HttpContext http, long limit)
    {
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = ApiProblems.TitleFor(StatusCodes.Status413PayloadTooLarge),
            Detail = $"The request body is larger than this route accepts ({limit:N0} bytes).",
        };
        problem.Extensions[ApiProblems.CodeExtension] = TooLargeCode;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
