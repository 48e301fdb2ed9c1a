using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

[GenerateSerializer, Immutable, Alias("myna.state.disability-certificate.v1")]
public sealed record DisabilityCertificate(
    [property: Id(0)] string CertificateNumber,
    [property: Id(1)] DisabilityKind Kind,
    [property: Id(2)] string Grade,
    [property: Id(3)] string Issuer,
    [property: Id(4)] DateOnly ValidFrom,
    [property: Id(5)] DateOnly? ValidUntil,
    [property: Id(6)] DateOnly? ExpiredOn);

[GenerateSerializer, Immutable, Alias("myna.state.person.v1")]
public sealed record PersonState : IAggregateState<PersonState, IPersonEvent>
{
    public static PersonState Initial { get; } = new();

    [Id(0)] public bool IsRegistered { get; init; }
    [Id(1)] public PersonId Id { get; init; }
    [Id(2)] public BasicFourItems? Items { get; init; }
    [Id(3)] public MunicipalityCode Municipality { get; init; }
    [Id(4)] public IndividualNumber? Number { get; init; }
    [Id(5)] public DateTimeOffset RegisteredAt { get; init; }
    [Id(6)] public ClosureReason? ClosedBecause { get; init; }
    [Id(7)] public DateOnly? ClosedOn { get; init; }
    [Id(8)] public ImmutableList<IndividualNumber> FormerNumbers { get; init; } = [];
    [Id(9)] public ImmutableList<DisabilityCertificate> DisabilityCertificates { get; init; } = [];
    [Id(10)] public ImmutableList<IncomeSummaryView> IncomeSummaries { get; init; } = [];
    [Id(11)] public ImmutableList<string> AgenciesWithCodes { get; init; } = [];
    [Id(12)] public ResidentRecordCode? ResidentRecordCode { get; init; }
    [Id(13)] public CardId? ActiveCard { get; init; }
    [Id(14)] public CardId? PreviousActiveCard { get; init; }

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
        IndividualNumberAssigned e => this with { Number = e.Number },
        IndividualNumberReplaced e => this with { Number = e.NewNumber, FormerNumbers = FormerNumbers.Add(e.OldNumber) },
        PersonMoved e when Items is not null => this with
        {
            Items = Items with { Address = e.NewAddress },
            Municipality = e.Municipality,
        },
        PersonRenamed e when Items is not null => this with { Items = Items with { Name = e.NewName } },
        ResidentRecordClosed e => this with { ClosedBecause = e.Reason, ClosedOn = e.EffectiveOn },
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
        AgencyCodeIssued e when !AgenciesWithCodes.Contains(e.Agency) => this with { AgenciesWithCodes = AgenciesWithCodes.Add(e.Agency) },
        // Ledger events (identity checks, provisions, refusals) record a look; they change no state.
        _ => this,
    };

    public DisabilityCertificate? FindCertificate(string number) =>
        DisabilityCertificates.Find(c => c.CertificateNumber == number);
}
