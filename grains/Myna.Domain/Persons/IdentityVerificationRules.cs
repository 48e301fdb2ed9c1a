using System.Text;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>
/// Flow 6 of the brief: a counter confirms (a) the number is correct and (b) the person is its rightful
/// owner, from what the person presented:
/// the card alone; or a number document plus a photo ID (a disability certificate handbook counts);
/// or a number document plus two non-photo IDs. A notification letter is never proof of either, and a
/// legacy notification card proves the number only while its name and address match the record.
/// </summary>
public static class IdentityVerificationRules
{
    private static readonly HashSet<PresentedDocumentKind> PhotoIds =
    [
        PresentedDocumentKind.IndividualNumberCard,
        PresentedDocumentKind.DriversLicence,
        PresentedDocumentKind.Passport,
        PresentedDocumentKind.ResidenceCard,
        PresentedDocumentKind.DisabilityCertificateHandbook,
    ];

    private static readonly HashSet<PresentedDocumentKind> NonPhotoIds =
    [
        PresentedDocumentKind.HealthInsuranceCard,
        PresentedDocumentKind.PensionBook,
        PresentedDocumentKind.OtherNonPhotoId,
    ];

    public const int MaxProcedureLength = 100;
    public const int MaxHelpedByLength = 100;
    public const int MaxDocuments = 10;

    /// <summary>
    /// The verification is recorded whatever its outcome, so a retried check answers the same. The procedure and
    /// the clerk who helped are texts keyed at a counter or by an agency and shown in the resident's history:
    /// display texts, checked like every other.
    /// </summary>
    public static Decision<IPersonEvent> Verify(PersonState state, VerifyIdentity command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        var procedure = command.Procedure?.Trim() ?? string.Empty;
        var helpedBy = string.IsNullOrWhiteSpace(command.HelpedBy) ? null : command.HelpedBy.Trim();
        if (!DisplayText.Fits(procedure, MaxProcedureLength) || (helpedBy is not null && !DisplayText.Fits(helpedBy, MaxHelpedByLength))
            || command.Documents is null || command.Documents.Count is 0 or > MaxDocuments)
        {
            return DomainError.Validation("identity.invalid-request",
                $"Name the procedure (1 to {MaxProcedureLength} {DisplayText.Shape}), name the clerk who helped "
                + $"the same way or not at all, and list 1 to {MaxDocuments} presented documents.");
        }
        var result = Evaluate(state, command);
        return Decision<IPersonEvent>.Accept(new IdentityVerified(
            state.Id, procedure, command.Documents.Select(d => d.Kind).ToList(), result.Accepted, result.Reasons, helpedBy, now, actor));
    }

    public static IdentityVerificationResult Evaluate(PersonState state, VerifyIdentity command)
    {
        var reasons = new List<string>();
        if (state.IsClosed)
        {
            return new IdentityVerificationResult(false, false, false, ["The resident record is closed."]);
        }

        var numberConfirmed = false;
        foreach (var document in command.Documents)
        {
            switch (document.Kind)
            {
                case PresentedDocumentKind.NumberNotificationLetter:
                    reasons.Add("The number notification letter is not proof of the number or of identity.");
                    break;
                case PresentedDocumentKind.IndividualNumberCard or PresentedDocumentKind.ResidentRecordWithNumber:
                    numberConfirmed |= CheckNumber(state, document, reasons);
                    break;
                case PresentedDocumentKind.NotificationCard:
                    if (CheckNumber(state, document, reasons))
                    {
                        if (Normalise(document.Name) == Normalise(state.Items!.Name) && Normalise(document.Address) == Normalise(state.Items.Address))
                        {
                            numberConfirmed = true;
                        }
                        else
                        {
                            reasons.Add("The notification card's name or address no longer matches the resident record, so it does not prove the number.");
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        if (!numberConfirmed && !command.Documents.Any(d => d.Kind is PresentedDocumentKind.IndividualNumberCard or PresentedDocumentKind.ResidentRecordWithNumber or PresentedDocumentKind.NotificationCard))
        {
            reasons.Add("No document proving the number was presented (card, notification card or resident record with the number).");
        }

        var kinds = command.Documents.Select(d => d.Kind).ToHashSet();
        var cardProves = numberConfirmed && command.Documents.Any(d => d.Kind == PresentedDocumentKind.IndividualNumberCard && d.Number == state.Number);
        var identityConfirmed = cardProves
            || kinds.Any(PhotoIds.Contains)
            || command.Documents.Count(d => NonPhotoIds.Contains(d.Kind)) >= 2;
        if (!identityConfirmed)
        {
            reasons.Add("Identity is not confirmed: show one photo ID (card, driving licence, passport, residence card, disability certificate handbook) or two non-photo IDs.");
        }

        var accepted = numberConfirmed && identityConfirmed;
        if (accepted)
        {
            reasons.Insert(0, cardProves ? "Confirmed by the Individual Number Card." : "Number and identity confirmed.");
        }
        return new IdentityVerificationResult(accepted, numberConfirmed, identityConfirmed, reasons);
    }

    private static bool CheckNumber(PersonState state, PresentedDocument document, List<string> reasons)
    {
        if (document.Number is not { } number)
        {
            reasons.Add($"The {Describe(document.Kind)} was presented without its number.");
            return false;
        }
        if (number == state.Number)
        {
            return true;
        }
        reasons.Add(state.FormerNumbers.Contains(number)
            ? $"The {Describe(document.Kind)} shows a former number that was replaced; it is no longer valid."
            : $"The number on the {Describe(document.Kind)} does not match the person's record.");
        return false;
    }

    private static string Describe(PresentedDocumentKind kind) => kind switch
    {
        PresentedDocumentKind.IndividualNumberCard => "Individual Number Card",
        PresentedDocumentKind.NotificationCard => "notification card",
        PresentedDocumentKind.ResidentRecordWithNumber => "resident record copy",
        _ => "document",
    };

    /// <summary>Full-width/half-width and spacing differences are not differences (NFKC, spaces removed).</summary>
    public static string Normalise(string? text) =>
        new string((text ?? string.Empty).Normalize(NormalizationForm.FormKC).Where(c => !char.IsWhiteSpace(c)).ToArray());
}
