using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Myna.Api.Portal;

/// <summary>Request and response examples of an endpoint, written into the OpenAPI document.</summary>
public sealed record OpenApiExamples(object? Request, object? Response);

public static class PortalOpenApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, object? request, object? response) =>
        builder.WithMetadata(new OpenApiExamples(request, response));

    /// <summary>Puts the examples on the JSON request body and on every successful JSON response.</summary>
    public static OpenApiOptions AddExamples(this OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<OpenApiExamples>().LastOrDefault() is not { } examples)
            {
                return Task.CompletedTask;
            }
            if (examples.Request is { } request && operation.RequestBody?.Content is { } body)
            {
                foreach (var media in body.Where(m => m.Key.Contains("json", StringComparison.Ordinal)))
                {
                    media.Value.Example = JsonSerializer.SerializeToNode(request, request.GetType(), Json);
                }
            }
            if (examples.Response is { } response && operation.Responses is { } responses)
            {
                foreach (var (_, answer) in responses.Where(r => r.Key.StartsWith('2')))
                {
                    if (answer.Content is not { } content)
                    {
                        continue;
                    }
                    foreach (var media in content.Where(m => m.Key.Contains("json", StringComparison.Ordinal)))
                    {
                        media.Value.Example = JsonSerializer.SerializeToNode(response, response.GetType(), Json);
                    }
                }
            }
            return Task.CompletedTask;
        });
}
