using Marten;
using Myna.GrainInterfaces.Clinics;

namespace Myna.EventStore.Clinics;

/// <summary>The public list of institutions that accept the card ("Myna reception"): a document of <see cref="InstitutionListingProjection"/>.</summary>
public sealed class InstitutionListing
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public InstitutionKind Kind { get; set; }
    public string Prefecture { get; set; } = string.Empty;
    public bool AcceptsCard { get; set; }
}

public interface IInstitutionDirectory
{
    /// <summary>Institutions in a prefecture that accept the card, by code, after <paramref name="after"/> (keyset paging).</summary>
    Task<IReadOnlyList<InstitutionListing>> AcceptingCardAsync(string prefecture, string? after, int limit, CancellationToken cancellationToken = default);
}

public sealed class MartenInstitutionDirectory(IDocumentStore store) : IInstitutionDirectory
{
    public async Task<IReadOnlyList<InstitutionListing>> AcceptingCardAsync(string prefecture, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var query = store.QuerySession();
        // Keyset paging on the code; plain SQL because LINQ has no ordinal string comparison to translate.
        var rows = await query.QueryAsync<InstitutionListing>(
            "where data ->> 'prefecture' = ? and (data ->> 'acceptsCard')::boolean and id > ? order by id limit ?",
            cancellationToken, prefecture, after ?? string.Empty, limit);
        return rows;
    }
}
