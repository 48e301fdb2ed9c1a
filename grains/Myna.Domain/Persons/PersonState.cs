using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Kiosks;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Domain.Persons;

/// <summary>A move-out awaiting its move-in: who may use it, until when, and the hash of its secret.</summary>
public sealed record PendingTransfer(
    Guid TransferId,
    MunicipalityCode From,
    MunicipalityCode Destination,
    DateOnly ExpiresOn,
    string SecretHash);

public sealed record DisabilityCertificate(
    string CertificateNumber,
    DisabilityKind Kind,
    string Grade,
    string Issuer,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    DateOnly? ExpiredOn);

public enum CardReactionKind
{
    /// <summary>Invariant 6: a basic-four change revokes the signature certificate.</summary>
    RevokeSignatureCertificate,
    /// <summary>Death or leaving the resident record abolishes the card.</summary>
    AbolishCard,
    /// <summary>A move-in starts the card's 90 days to have its address updated.</summary>
    NoteMove,
}

/// <summary>A reaction owed to a card; numbered so that its follow-up command id is stable across retries.</summary>
public sealed record CardReaction(
    long Number,
    CardId Card,
    CardReactionKind Kind,
    string Reason,
    ClosureReason? Closure,
    DateOnly? MovedOn = null);

/// <summary>One insurance qualification; <see cref="LastDay"/> is the earlier of the declared end and a disenrolment.</summary>
public sealed record InsuranceQualification(
    Guid Id,
    InsurerNumber Insurer,
    InsuredId Insured,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    CeilingCategory Ceiling,
    LinkBasis LinkedBy,
    DateOnly? EndedOn,
    string? EndedBecause)
{
    public DateOnly? LastDay => (ValidUntil, EndedOn) switch
    {
        ({ } until, { } ended) => until < ended ? until : ended,
        ({ } until, null) => until,
        (null, { } ended) => ended,
        _ => null,
    };

    public bool IsActiveOn(DateOnly day) => ValidFrom <= day && (LastDay is not { } last || day <= last);

    /// <summary>Two periods overlap when each starts before the other ends (open ends run for ever).</summary>
    public bool Overlaps(DateOnly from, DateOnly? until) =>
        (until is not { } u || ValidFrom <= u) && (LastDay is not { } last || from <= last);
}

public sealed record PersonState : IAggregateState<PersonState, IPersonEvent>
{
    public static PersonState Initial { get; } = new();

    public bool IsRegistered { get; init; }
    public PersonId Id { get; init; }
    public BasicFourItems? Items { get; init; }
    public MunicipalityCode Municipality { get; init; }
    public IndividualNumber? Number { get; init; }
    public DateTimeOffset RegisteredAt { get; init; }
    public ClosureReason? ClosedBecause { get; init; }
    public DateOnly? ClosedOn { get; init; }
    public ImmutableList<IndividualNumber> FormerNumbers { get; init; } = [];
    public ImmutableList<DisabilityCertificate> DisabilityCertificates { get; init; } = [];
    public ImmutableList<IncomeSummaryView> IncomeSummaries { get; init; } = [];
    public ImmutableList<string> AgenciesWithCodes { get; init; } = [];
    public ResidentRecordCode? ResidentRecordCode { get; init; }
    public CardId? ActiveCard { get; init; }
    public CardId? PreviousActiveCard { get; init; }
    public ImmutableList<CardReaction> PendingCardReactions { get; init; } = [];
    public long CardReactionsRaised { get; init; }
    public ImmutableList<InsuranceQualification> Qualifications { get; init; } = [];
    public ImmutableList<ConfirmationDocumentView> ConfirmationDocuments { get; init; } = [];
    public ProtectionReason? Protection { get; init; }
    /// <summary>The most recent kiosk documents (bounded), to answer a retried issuance with the same document.</summary>
    public ImmutableList<KioskDocument> KioskDocuments { get; init; } = [];
    /// <summary>When the personal data was erased (the key destroyed); null while it is held.</summary>
    public DateTimeOffset? PersonalDataErasedAt { get; init; }
    /// <summary>An open move-out awaiting the destination's move-in (invariant 17).</summary>
    public PendingTransfer? PendingMoveOut { get; init; }

    /// <summary>An erasure one clerk asked for, waiting for a second clerk (invariant 22).</summary>
    public PendingApproval? PendingErasure { get; init; }

    /// <summary>A number replacement one clerk asked for, waiting for a second clerk (invariant 22).</summary>
    public PendingApproval? PendingNumberReplacement { get; init; }

    public bool IsClosed => ClosedBecause is not null;

    public PersonState Apply(IPersonEvent @event) => @event switch
    {
        PersonRegistered e => this with
        {
            IsRegistered = true,
            Id = e.PersonId,
            Items = e.Items,
            Municipality = e.Municipality,
            RegisteredAt = e.OccurredAt,
        },
        ResidentRecordCodeAssigned e => this with { ResidentRecordCode = e.Code },
        ActiveCardChanged e => this with { ActiveCard = e.Card, PreviousActiveCard = e.Previous },
        // An erased person's numbers read as empty: the record keeps the fact, not the number.
        IndividualNumberAssigned e => this with { Number = e.Number.IsEmpty ? null : e.Number },
        IndividualNumberReplaced e => this with
        {
            Number = e.NewNumber.IsEmpty ? null : e.NewNumber,
            FormerNumbers = e.OldNumber.IsEmpty ? FormerNumbers : FormerNumbers.Add(e.OldNumber),
        },
        PersonMoved e when Items is not null => (this with
        {
            Items = Items with { Address = e.NewAddress },
            Municipality = e.Municipality,
        }).OweCard(CardReactionKind.RevokeSignatureCertificate, "address changed", null)
            .OweCard(CardReactionKind.NoteMove, "moved", null, e.MovedOn),
        PersonMovedOut e => this with { PendingMoveOut = new PendingTransfer(e.TransferId, e.From, e.Destination, e.ExpiresOn, e.SecretHash) },
        MoveOutCancelled or PersonMovedIn => this with { PendingMoveOut = null },
        PersonRenamed e when Items is not null => (this with { Items = Items with { Name = e.NewName } })
            .OweCard(CardReactionKind.RevokeSignatureCertificate, "name changed", null),
        PersonalDataErasureRequested e => this with
        {
            PendingErasure = new PendingApproval(PendingApproval.Erasure, e.LegalBasis, e.Actor.Subject, e.Actor.Role, e.OccurredAt),
        },
        PersonalDataErasureApproved => this with { PendingErasure = null },
        NumberReplacementRequested e => this with
        {
            PendingNumberReplacement = new PendingApproval(PendingApproval.NumberReplacement, e.LeakDecisionReference, e.Actor.Subject, e.Actor.Role, e.OccurredAt),
        },
        NumberReplacementApproved => this with { PendingNumberReplacement = null },
        PersonalDataErased e => this with
        {
            Items = Items is null ? null : new BasicFourItems("[erased]", "[erased]", DateOnly.MinValue, (Sex)(-1)),
            KioskDocuments = [],
            PersonalDataErasedAt = e.OccurredAt,
        },
        ResidentRecordClosed e => (this with { ClosedBecause = e.Reason, ClosedOn = e.EffectiveOn })
            .OweCard(CardReactionKind.AbolishCard, "resident record closed", e.Reason),
        CardReactionCompleted e => this with { PendingCardReactions = PendingCardReactions.RemoveAll(r => r.Number == e.Reaction) },
        DisabilityCertificateRecorded e => this with
        {
            DisabilityCertificates = DisabilityCertificates
                .RemoveAll(c => c.CertificateNumber == e.CertificateNumber)
                .Add(new DisabilityCertificate(e.CertificateNumber, e.Kind, e.Grade, e.Issuer, e.ValidFrom, e.ValidUntil, null)),
        },
        DisabilityCertificateUpdated e => this with
        {
            DisabilityCertificates = DisabilityCertificates.ConvertAll(c =>
                c.CertificateNumber == e.CertificateNumber ? c with { Grade = e.Grade, ValidUntil = e.ValidUntil } : c),
        },
        DisabilityCertificateExpired e => this with
        {
            DisabilityCertificates = DisabilityCertificates.ConvertAll(c =>
                c.CertificateNumber == e.CertificateNumber ? c with { ExpiredOn = e.ExpiredOn } : c),
        },
        IncomeSummaryRecorded e => this with
        {
            IncomeSummaries = IncomeSummaries
                .RemoveAll(s => s.FiscalYear == e.FiscalYear)
                .Add(new IncomeSummaryView(e.FiscalYear, e.TotalIncomeYen, e.TaxableIncomeYen)),
        },
        InsuranceQualificationAcquired e => this with
        {
            Qualifications = Qualifications.Add(new InsuranceQualification(
                e.QualificationId, e.Insurer, e.Insured, e.ValidFrom, e.ValidUntil, e.Ceiling, e.LinkedBy, null, null)),
        },
        InsuranceQualificationEnded e => this with
        {
            Qualifications = Qualifications.ConvertAll(q =>
                q.Id == e.QualificationId ? q with { EndedOn = e.LastDay, EndedBecause = e.Reason } : q),
        },
        ConfirmationDocumentIssued e when !ConfirmationDocuments.Exists(d => d.DocumentNumber == e.DocumentNumber) => this with
        {
            ConfirmationDocuments = ConfirmationDocuments.Add(new ConfirmationDocumentView(
                e.DocumentNumber, e.QualificationId, e.Insurer, e.IssuedOn, e.ValidUntil, e.Reason)),
        },
        CeilingCategoryChanged e => this with
        {
            Qualifications = Qualifications.ConvertAll(q => q.Id == e.QualificationId ? q with { Ceiling = e.Category } : q),
        },
        // A correction: the qualification never applied to this person (linked to the wrong one).
        InsuranceQualificationVoided e => this with { Qualifications = Qualifications.RemoveAll(q => q.Id == e.QualificationId) },
        AgencyCodeIssued e when !AgenciesWithCodes.Contains(e.Agency) => this with { AgenciesWithCodes = AgenciesWithCodes.Add(e.Agency) },
        ProtectionMeasureStarted e => this with { Protection = e.Reason },
        ProtectionMeasureEnded => this with { Protection = null },
        KioskCertificateIssued e => this with
        {
            KioskDocuments = (KioskDocuments.Count >= KioskIssuanceRules.KeptDocuments ? KioskDocuments.RemoveAt(0) : KioskDocuments)
                .Add(KioskIssuanceRules.ToDocument(e)),
        },
        // Ledger events (identity checks, provisions, refusals) record a look; they change no state.
        IdentityVerified or NumberNotificationLetterSent or PersonDataProvided or PersonDataRequestRefused
            or KioskCertificateRefused => this,
        _ => this,
    };

    /// <summary>Records that the active card, if any, owes a reaction to this change (the outbox, folded from events).</summary>
    private PersonState OweCard(CardReactionKind kind, string reason, ClosureReason? closure, DateOnly? movedOn = null) =>
        ActiveCard is not { } card
            ? this
            : this with
            {
                CardReactionsRaised = CardReactionsRaised + 1,
                PendingCardReactions = PendingCardReactions.Add(new CardReaction(CardReactionsRaised + 1, card, kind, reason, closure, movedOn)),
            };

    public DisabilityCertificate? FindCertificate(string number) =>
        DisabilityCertificates.Find(c => c.CertificateNumber == number);
}
