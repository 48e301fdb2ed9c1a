using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>
/// Which agency may receive which item (the law's annex, compiled in: changing it is a reviewed code
/// change, not a setting). An agency outside the table, or asking for an item outside its row, gets
/// nothing, and the refusal is on the person's ledger.
/// </summary>
public static class AgencySharing
{
    public static IReadOnlyDictionary<string, IReadOnlySet<DataItem>> Rights { get; } = new Dictionary<string, IReadOnlySet<DataItem>>(StringComparer.Ordinal)
    {
        ["pension-service"] = new HashSet<DataItem> { DataItem.BasicFourItems, DataItem.IncomeSummary },
        ["welfare-office"] = new HashSet<DataItem> { DataItem.BasicFourItems, DataItem.DisabilityCertificates, DataItem.IncomeSummary },
        ["public-employment-office"] = new HashSet<DataItem> { DataItem.BasicFourItems },
        ["tax-office"] = new HashSet<DataItem> { DataItem.BasicFourItems, DataItem.IncomeSummary },
    };

    public static bool IsKnownAgency(string? agency) => agency is not null && Rights.ContainsKey(agency);

    public static bool Allows(string agency, DataItem item) => Rights.TryGetValue(agency, out var items) && items.Contains(item);

    public static readonly DomainError NotAllowed =
        DomainError.Forbidden("agency.item-not-allowed", "This agency has no right to this data item; the request was recorded.");

    public static Decision<IPersonEvent> Provide(PersonState state, ProvideData request, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        var procedure = request.Procedure?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(procedure, 100))
        {
            return DomainError.Validation("agency.invalid-procedure", $"Name the procedure the data is for (1 to 100 {DisplayText.Shape}).");
        }
        if (!Enum.IsDefined(request.Item))
        {
            return DomainError.Validation("agency.invalid-item", "Unknown data item.");
        }
        // Both outcomes are recorded on the ledger: the person sees who asked, even when nothing was given.
        return Allows(request.Agency, request.Item)
            ? Decision<IPersonEvent>.Accept(new PersonDataProvided(state.Id, request.Agency, request.Item, procedure, now, actor))
            : Decision<IPersonEvent>.Accept(new PersonDataRequestRefused(state.Id, request.Agency, request.Item, procedure, "no right to this item", now, actor));
    }

    /// <summary>The answer: only the item asked for, never the Individual Number.</summary>
    public static ProvidedData Answer(PersonState state, AgencyCode code, DataItem item, DateOnly today) => item switch
    {
        DataItem.BasicFourItems => new ProvidedData(code, item, state.Items, null, null),
        DataItem.DisabilityCertificates => new ProvidedData(code, item, null,
            state.DisabilityCertificates.Where(c => DisabilityRules.IsValidOn(c, today)).Select(DisabilityRules.ToView).ToList(), null),
        DataItem.IncomeSummary => new ProvidedData(code, item, null, null, state.IncomeSummaries.OrderByDescending(s => s.FiscalYear).ToList()),
        _ => new ProvidedData(code, item, null, null, null),
    };

    public static Decision<IPersonEvent> RecordCodeIssued(PersonState state, string agency, AgencyCode code, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        // Issued once per agency; asking again returns the same code without a new ledger line.
        return state.AgenciesWithCodes.Contains(agency)
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new AgencyCodeIssued(state.Id, agency, code, now, actor));
    }
}
