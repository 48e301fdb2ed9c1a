using Myna.Api.Hosting;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Income;

namespace Myna.Api.Income;

public sealed record IncomeFeedLineRequest(string? IndividualNumber, int? FiscalYear, long? TotalIncomeYen, long? TaxableIncomeYen);

public sealed record IncomeFeedRequest(string? BatchId, IReadOnlyList<IncomeFeedLineRequest>? Lines);

public sealed record IncomeFeedResponse(string BatchId, int Persons, int Lines, int AlreadyApplied);

/// <summary>
/// The tax agency's yearly income feed (idempotent batches keyed by Individual Number). Residents read the
/// result in the portal (<c>/v1/me/income-information</c>); agencies and procedures with the right pull it
/// through information sharing, on the resident's ledger.
/// </summary>
public static class IncomeEndpoints
{
    /// <summary>The agency whose tokens may feed income: the tax office of information sharing.</summary>
    public const string TaxAgency = IncomeFeeds.TaxAgency;

    public static IEndpointRouteBuilder MapIncomeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/income-feeds", Feed).WithFeedBodyLimit()
            .WithTags("Income information").WithName("FeedIncomeSummaries").RequireAuthorization(Policies.Agency)
            .WithSummary("The tax agency's yearly income and taxation summaries, by Individual Number")
            .WithDescription($"Up to {IncomeFeeds.MaxBatchLines} lines; the same batchId is applied once. One unknown or replaced number refuses the whole batch (422 income.unknown-number, lines named by index).");
        return app;
    }

    private static async Task<Results<Ok<IncomeFeedResponse>, ProblemHttpResult>> Feed(IncomeFeedRequest request, HttpContext http, IClusterClient grains, TimeProvider clock)
    {
        if (http.User.FindFirstValue(MynaClaims.Agency) != TaxAgency) // the first gate; the feed grain decides again
        {
            return DomainError.Forbidden("income.not-tax-agency", "Only the tax agency feeds income information.").ToProblem();
        }
        var errors = new RequestErrors();
        errors.RequireBatch(request.BatchId, request.Lines?.Count, IncomeFeeds.MaxBatchLines);
        var now = clock.GetUtcNow();
        var lines = new List<IncomeFeedLine>();
        foreach (var (line, i) in (request.Lines ?? []).Select((l, i) => (l, i)))
        {
            // The number is never echoed: only the line's index names it.
            if (!IndividualNumber.TryParse(line.IndividualNumber, out var number, out _))
            {
                errors.Add($"lines[{i}].individualNumber", "An Individual Number is 12 digits with a valid check digit.");
                continue;
            }
            if (line.FiscalYear is null || line.TotalIncomeYen is null || line.TaxableIncomeYen is null)
            {
                errors.Add($"lines[{i}]", "fiscalYear, totalIncomeYen and taxableIncomeYen are required.");
                continue;
            }
            if (IncomeFeeds.Problem(line.FiscalYear.Value, line.TotalIncomeYen.Value, line.TaxableIncomeYen.Value, now) is { } problem)
            {
                errors.Add($"lines[{i}]", problem.Message);
                continue;
            }
            lines.Add(new IncomeFeedLine(number, line.FiscalYear.Value, line.TotalIncomeYen.Value, line.TaxableIncomeYen.Value));
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var accepted = await grains.GetIncomeFeed().Accept(context, request.BatchId!, lines);
        return accepted.IsSuccess
            ? TypedResults.Ok(new IncomeFeedResponse(accepted.Value!.BatchId, accepted.Value.Persons, accepted.Value.Lines, accepted.Value.AlreadyApplied))
            : accepted.Error!.ToProblem();
    }
}
