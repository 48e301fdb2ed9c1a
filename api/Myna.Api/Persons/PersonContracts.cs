using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Persons;

// Request/response DTOs of the HTTP API: separate from grain contracts so either can evolve.

public sealed record RegisterPersonRequest(string? Name, string? Address, DateOnly? DateOfBirth, Sex? Sex, RegistrationReason? Reason);

public sealed record RecordMoveRequest(string? NewAddress, DateOnly? MovedOn);

/// <summary>A move-out towards another municipality (6-digit code) on a planned date.</summary>
public sealed record MoveOutRequest(string? DestinationMunicipality, DateOnly? PlannedMoveOn);

/// <summary>The destination's move-in against the reference the move-out returned.</summary>
public sealed record MoveInRequest(string? TransferReference, string? NewAddress, DateOnly? MovedOn);

/// <summary>
/// A recorded move-out. <see cref="TransferReference"/> is handed to the resident for the destination
/// municipality: only that municipality can use it, once, until <see cref="ExpiresOn"/>.
/// </summary>
public sealed record MoveOutResponse(Guid PersonId, string TransferReference, string DestinationMunicipality, DateOnly PlannedMoveOn, DateOnly ExpiresOn)
{
    public static MoveOutResponse From(MoveOutView v) =>
        new(v.PersonId.Value, v.TransferReference, v.Destination.Value, v.PlannedMoveOn, v.ExpiresOn);
}

public sealed record RenameRequest(string? NewName);

public sealed record CloseRecordRequest(ClosureReason? Reason, DateOnly? EffectiveOn);

public sealed record ReplaceNumberRequest(string? LeakDecisionReference);

public sealed record RecordDisabilityCertificateRequest(
    string? CertificateNumber, DisabilityKind? Kind, string? Grade, string? Issuer, DateOnly? ValidFrom, DateOnly? ValidUntil);

public sealed record UpdateDisabilityCertificateRequest(string? Grade, DateOnly? ValidUntil);

public sealed record ExpireDisabilityCertificateRequest(DateOnly? ExpiredOn);

public sealed record ErasePersonalDataRequest(string? LegalBasis);

public sealed record RecordIncomeSummaryRequest(int? FiscalYear, long? TotalIncomeYen, long? TaxableIncomeYen);

public sealed record PresentedDocumentRequest(PresentedDocumentKind? Kind, string? IndividualNumber, string? Name, string? Address);

public sealed record IdentityVerificationRequest(string? Procedure, List<PresentedDocumentRequest>? Documents, string? HelpedBy)
{
    /// <summary>Checks the shape and turns it into the grain command; numbers are parsed, never echoed.</summary>
    public VerifyIdentity? ToCommand(Errors.RequestErrors errors)
    {
        errors.Require(Procedure, "procedure");
        if (Documents is not { Count: > 0 })
        {
            errors.Add("documents", "List what the person presented.");
        }
        var documents = new List<PresentedDocument>();
        foreach (var (document, index) in (Documents ?? []).Select((d, i) => (d, i)))
        {
            if (document.Kind is null)
            {
                errors.Add($"documents[{index}].kind", "Required.");
                continue;
            }
            IndividualNumber? number = null;
            if (document.IndividualNumber is not null)
            {
                if (IndividualNumber.TryParse(document.IndividualNumber, out var parsed, out _))
                {
                    number = parsed;
                }
                else
                {
                    errors.Add($"documents[{index}].individualNumber", "Not a valid Individual Number (12 digits, check digit).");
                }
            }
            documents.Add(new PresentedDocument(document.Kind.Value, number, document.Name, document.Address));
        }
        return errors.Any ? null : new VerifyIdentity(documents, Procedure!, HelpedBy);
    }
}

public sealed record IdentityVerificationResponse(bool Accepted, bool NumberConfirmed, bool IdentityConfirmed, IReadOnlyList<string> Reasons)
{
    public static IdentityVerificationResponse From(IdentityVerificationResult r) => new(r.Accepted, r.NumberConfirmed, r.IdentityConfirmed, r.Reasons);
}

public sealed record NumberLookupRequest(string? IndividualNumber);

public sealed record NumberLookupResponse(Guid PersonId, NumberStatus Status);

/// <summary>A person as the managing municipality sees it (the only role that gets the full number).</summary>
public sealed record PersonResponse(
    Guid Id,
    string Name,
    string Address,
    DateOnly DateOfBirth,
    Sex Sex,
    string Municipality,
    string? IndividualNumber,
    DateTimeOffset RegisteredAt,
    long Version,
    ClosureReason? ClosedBecause,
    DateOnly? ClosedOn,
    IReadOnlyList<DisabilityCertificateView> DisabilityCertificates,
    IReadOnlyList<IncomeSummaryView> IncomeSummaries,
    IReadOnlyList<PendingApprovalResponse> PendingApprovals)
{
    public static PersonResponse From(PersonProfile p) => new(
        p.Id.Value, p.Items.Name, p.Items.Address, p.Items.DateOfBirth, p.Items.Sex, p.Municipality.Value,
        p.IndividualNumber?.Digits, p.RegisteredAt, p.Version, p.ClosedBecause, p.ClosedOn,
        p.DisabilityCertificates, p.IncomeSummaries,
        (p.PendingApprovals ?? []).Select(a => new PendingApprovalResponse(a.Operation, a.Reason, a.RequestedBy, a.RequestedAt)).ToList());
}

/// <summary>A two-person operation (erasure, number replacement) requested by one clerk and waiting for a second.</summary>
public sealed record PendingApprovalResponse(string Operation, string Reason, string RequestedBy, DateTimeOffset RequestedAt);
