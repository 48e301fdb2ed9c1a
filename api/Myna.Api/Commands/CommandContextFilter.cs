using Microsoft.AspNetCore.Http.HttpResults;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Commands;

/// <summary>
/// The one place a call becomes a command: every API endpoint runs behind this filter, which reads the
/// Idempotency-Key and X-Correlation-Id and the caller's claims (<see cref="CommandContextFactory"/>), answers
/// 400 <c>idempotency-key.invalid</c> for a malformed key before any handler runs, and leaves the context
/// for the handler (<see cref="CommandContextFilterExtensions.CommandContext"/>).
/// </summary>
public sealed class CommandContextFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!CommandContextFactory.TryCreate(http, out var command, out ProblemHttpResult problem))
        {
            return problem;
        }
        http.Features.Set(new CommandFeature(command));
        return await next(context);
    }

    internal sealed record CommandFeature(CommandContext Context);
}

public static class CommandContextFilterExtensions
{
    /// <summary>Runs every endpoint of the group behind the <see cref="CommandContextFilter"/>.</summary>
    public static RouteGroupBuilder WithCommandContext(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<CommandContextFilter>();
        return group;
    }

    /// <summary>The command context the filter built for this call.</summary>
    public static CommandContext CommandContext(this HttpContext http) =>
        http.Features.Get<CommandContextFilter.CommandFeature>()?.Context
        ?? throw new InvalidOperationException("This endpoint is not mapped behind the CommandContextFilter.");
}
