using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Income;

/// <summary>
/// One line of the tax agency's yearly feed: whose (by Individual Number: tax is one of the uses the law
/// allows), which fiscal year, and what was assessed. <see cref="IndividualNumber.ToString"/> is masked.
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.income-feed-line")]
public sealed record IncomeFeedLine(
    [property: Id(0)] IndividualNumber Number,
    [property: Id(1)] int FiscalYear,
    [property: Id(2)] long TotalIncomeYen,
    [property: Id(3)] long TaxableIncomeYen);

/// <summary>What a feed did: persons and lines in it, and the persons whose share an earlier send of the same batch had already applied.</summary>
[GenerateSerializer, Immutable, Alias("myna.income-feed-receipt")]
public sealed record IncomeFeedReceipt(
    [property: Id(0)] string BatchId,
    [property: Id(1)] int Persons,
    [property: Id(2)] int Lines,
    [property: Id(3)] int AlreadyApplied);

/// <summary>
/// Takes a tax agency batch, resolves every line's number first (one unknown or replaced number refuses the
/// whole batch, so nothing is half-fed), then records each person's years on the person's stream. Stateless worker.
/// </summary>
public interface IIncomeFeedGrain : IGrainWithIntegerKey
{
    // A batch of up to 1,000 lines may take longer than a single call's timeout (deploy/cluster.sh sets 4 s).
    [Alias("Accept"), ResponseTimeout("00:02:00")]
    Task<Result<IncomeFeedReceipt>> Accept(CommandContext context, string batchId, IReadOnlyList<IncomeFeedLine> lines);
}
