using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Hosting;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Persons;

/// <summary>One line of a bulk registration: its own id (idempotent under it, per caller, like an Idempotency-Key) and the person.</summary>
public sealed record BulkRegistrationLineRequest(string? Id, string? Name, string? Address, DateOnly? DateOfBirth, Sex? Sex, RegistrationReason? Reason);

/// <summary>What became of one line: created, already registered by this line before (existing), or refused with its code.</summary>
public sealed record BulkRegistrationLineResponse(string Id, string Status, Guid? PersonId, string? Code);

public sealed record BulkRegistrationResponse(int Created, int Existing, int Refused, IReadOnlyList<BulkRegistrationLineResponse> Lines);

/// <summary>
/// Bulk registration for municipalities: up to 1,000 persons with their numbers in one request, a JSON array or
/// NDJSON (<c>application/x-ndjson</c>), answered per line. Every line is validated before anything is written;
/// each is idempotent under its own id, so a batch retried after a lost answer registers nobody twice.
/// </summary>
public static class BulkRegistrationEndpoints
{
    public const int MaxLineIdLength = 100;

    /// <summary>The code a valid line gets when another line of its batch was refused (nothing was written).</summary>
    public const string BatchRefused = IBulkRegistrationGrain.BatchRefused;

    public static IEndpointRouteBuilder MapBulkRegistrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/persons/bulk-registrations", Register)
            .WithTags("Persons").WithName("RegisterPersonsInBulk").RequireAuthorization(Policies.Municipality)
            .WithSummary("Register up to 1,000 persons with their Individual Numbers (JSON array or NDJSON), answered per line")
            .Accepts<BulkRegistrationLineRequest[]>("application/json", "application/x-ndjson")
            .WithFeedBodyLimit();
        app.MapBulkRegistrationJobEndpoints();
        return app;
    }

    private static async Task<Results<Ok<BulkRegistrationResponse>, ProblemHttpResult>> Register(
        HttpContext http, IClusterClient grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IOptions<CommandIdOptions> ids)
    {
        var errors = new RequestErrors();
        var lines = await ReadBatchAsync(http, json.Value.SerializerOptions, IBulkRegistrationGrain.MaxLines, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (context, municipality, commands) = Commands(http, lines, ids.Value);
        var result = await grains.GetBulkRegistration().Register(context, municipality, commands);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var outcomes = result.Value!;
        if (outcomes.Any(o => o.Error is { Kind: ErrorKind.Validation }))
        {
            // The domain's own checks (lengths, dates) refused some line: nothing of its chunk was written.
            foreach (var (outcome, i) in outcomes.Select((o, i) => (o, i)).Where(x => x.o.Error is { Kind: ErrorKind.Validation } e && e.Code != BatchRefused))
            {
                errors.Add($"lines[{i}]", $"{outcome.Error!.Code}: {outcome.Error.Message}");
            }
            return errors.ToProblem();
        }
        var answered = outcomes.Select((o, i) => new BulkRegistrationLineResponse(lines[i]!.Id!,
            o.Error is not null ? "refused" : o.Created ? "created" : "existing",
            o.Error is null ? o.Person.Value : null, o.Error?.Code)).ToList();
        return TypedResults.Ok(new BulkRegistrationResponse(
            answered.Count(a => a.Status == "created"), answered.Count(a => a.Status == "existing"), answered.Count(a => a.Status == "refused"), answered));
    }

    /// <summary>The batch read and checked whole (each line an object with its own id and every item): the problems in <paramref name="errors"/>.</summary>
    internal static async Task<IReadOnlyList<BulkRegistrationLineRequest>> ReadBatchAsync(HttpContext http, JsonSerializerOptions options, int maxLines, RequestErrors errors)
    {
        var lines = await ReadLinesAsync(http, options, maxLines, errors);
        if (errors.Any)
        {
            return [];
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line is null)
            {
                errors.Add($"lines[{i}]", "A line is an object.");
                continue;
            }
            if (line.Id is not { Length: > 0 and <= MaxLineIdLength } id || id.Any(c => c is < '!' or > '~'))
            {
                errors.Add($"lines[{i}].id", $"The line's own id: 1 to {MaxLineIdLength} visible ASCII characters.");
            }
            else if (!seen.Add(id))
            {
                errors.Add($"lines[{i}].id", "Each line of a batch has its own id.");
            }
            errors.Require(line.Name, $"lines[{i}].name");
            errors.Require(line.Address, $"lines[{i}].address");
            errors.Require(line.DateOfBirth, $"lines[{i}].dateOfBirth");
            errors.Require(line.Sex, $"lines[{i}].sex");
            errors.Require(line.Reason, $"lines[{i}].reason");
            if (DefinedEnums.FirstUnlisted(line) is { } unlisted)
            {
                errors.Add($"lines[{i}].{unlisted}", "One of its listed names.");
            }
        }
        return lines.ConvertAll(l => l!);
    }

    /// <summary>The caller's context and municipality, and each line as a command under its own id (from the caller and the line's id, as an Idempotency-Key's).</summary>
    internal static (CommandContext Context, MunicipalityCode Municipality, List<BulkRegistrationLine> Lines) Commands(
        HttpContext http, IReadOnlyList<BulkRegistrationLineRequest> lines, CommandIdOptions ids)
    {
        var context = http.CommandContext();
        var municipality = new MunicipalityCode(http.User.FindFirstValue(MynaClaims.Municipality) ?? string.Empty);
        var commands = lines.Select(l => new BulkRegistrationLine(
            CommandContextFactory.CommandIdFor(ids.IdKey, context.Actor.Role, context.Scope, context.Actor.Subject, "bulk-registration\n" + l.Id),
            new BasicFourItems(l.Name!, l.Address!, l.DateOfBirth!.Value, l.Sex!.Value), l.Reason!.Value)).ToList();
        return (context, municipality, commands);
    }

    /// <summary>The batch as a JSON array, or NDJSON (one object a line); a line that is not JSON is named by its number, never echoed.</summary>
    private static async Task<List<BulkRegistrationLineRequest?>> ReadLinesAsync(HttpContext http, JsonSerializerOptions options, int maxLines, RequestErrors errors)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        var lines = new List<BulkRegistrationLineRequest?>();
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                lines = JsonSerializer.Deserialize<List<BulkRegistrationLineRequest?>>(text, options) ?? [];
            }
            catch (UnlistedNameException e)
            {
                errors.Add("lines" + ApiExceptionHandler.FieldOf(e.Path), ListedNames.Message);
                return lines;
            }
            catch (JsonException e)
            {
                errors.Add("body", $"Not a JSON array of lines (near line {(e.LineNumber ?? 0) + 1}).");
                return lines;
            }
        }
        else
        {
            var number = 0;
            foreach (var raw in text.Split('\n'))
            {
                number++;
                if (string.IsNullOrWhiteSpace(raw))
                {
                    continue;
                }
                var index = lines.Count;
                try
                {
                    lines.Add(JsonSerializer.Deserialize<BulkRegistrationLineRequest>(raw, options));
                }
                catch (UnlistedNameException e)
                {
                    errors.Add($"lines[{index}].{ApiExceptionHandler.FieldOf(e.Path)}", ListedNames.Message);
                    lines.Add(null);
                }
                catch (JsonException)
                {
                    errors.Add($"line {number}", "Not a JSON object.");
                }
            }
        }
        if ((lines.Count == 0 || lines.Count > maxLines) && !errors.Any)
        {
            errors.Add("lines", $"1 to {maxLines:N0} lines.");
        }
        return lines;
    }
}
