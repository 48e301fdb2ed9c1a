using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Commands;

/// <summary>
/// Turns an HTTP request into a <see cref="CommandContext"/>: the Idempotency-Key becomes the command id
/// (scoped to the caller, so two callers' keys never collide), X-Correlation-Id the correlation id.
/// </summary>
public static class CommandContextFactory
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string CorrelationHeader = "X-Correlation-Id";
    public const int MaxKeyLength = 200;

    public static bool TryCreate(HttpContext http, out CommandContext context, out string? error)
    {
        var user = http.User;
        var subject = user.FindFirstValue(MynaClaims.Subject) ?? "anonymous";
        var role = user.FindFirstValue(MynaClaims.Role) ?? "none";
        var scope = ScopeOf(user);
        context = null!;
        error = null;

        Guid commandId;
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length == 0)
        {
            commandId = Guid.CreateVersion7();
        }
        else if (key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            error = $"{IdempotencyHeader} is 1 to {MaxKeyLength} visible ASCII characters.";
            return false;
        }
        else
        {
            // Keyed on role and scope too: the same subject in another institution or municipality never
            // lands on someone else's command (invariant 20). Keyed by a server secret: nobody can predict
            // a command id, nor the ids derived from it.
            var idKey = http.RequestServices.GetRequiredService<IOptions<CommandIdOptions>>().Value.IdKey;
            commandId = CommandIdFor(idKey, role, scope, subject, key);
        }

        var correlation = Guid.TryParse(http.Request.Headers[CorrelationHeader].ToString(), out var given)
            ? given
            : Guid.CreateVersion7();
        http.Response.Headers[CorrelationHeader] = correlation.ToString("D");

        var channel = user.FindFirstValue(MynaClaims.Channel) ?? role;
        context = new CommandContext(commandId, correlation, new Actor(subject, role), channel) { Scope = scope };
        return true;
    }

    /// <summary>The command id of a caller's Idempotency-Key: an HMAC under the server's key, as a version 8 UUID.</summary>
    public static Guid CommandIdFor(string idKey, string role, ActorScope scope, string subject, string idempotencyKey)
    {
        Span<byte> mac = stackalloc byte[32];
        System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idKey),
            System.Text.Encoding.UTF8.GetBytes($"command\n{role}\n{scope.Key}\n{subject}\n{idempotencyKey}"), mac);
        var bytes = mac[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The token's scope claims, as the aggregates authorise against them.</summary>
    public static ActorScope ScopeOf(ClaimsPrincipal user) => new(
        user.FindFirstValue(MynaClaims.Municipality),
        user.FindFirstValue(MynaClaims.Insurer),
        user.FindFirstValue(MynaClaims.Institution),
        user.FindFirstValue(MynaClaims.Terminal),
        user.FindFirstValue(MynaClaims.Agency),
        Guid.TryParse(user.FindFirstValue(MynaClaims.PersonId), out var person) ? person : null,
        user.FindFirstValue(MynaClaims.AppId),
        user.FindFirstValue(MynaClaims.Kiosk));

    /// <summary>As <see cref="TryCreate(HttpContext, out CommandContext, out string?)"/>, with the 400 problem to return.</summary>
    public static bool TryCreate(HttpContext http, out CommandContext context, out ProblemHttpResult problem)
    {
        if (TryCreate(http, out context, out string? error))
        {
            problem = null!;
            return true;
        }
        problem = DomainError.Validation("idempotency-key.invalid", error!).ToProblem();
        return false;
    }
}
