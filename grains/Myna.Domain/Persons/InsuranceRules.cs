using Myna.Domain.Calendar;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>
/// Insurance qualifications on the person's stream.
/// <list type="bullet">
/// <item>Invariant 8: a link on basic four items is decided here again, against the record as it is now:
/// all four must match after normalisation, and a partial match says which items did not.</item>
/// <item>Invariant 9, decided: a qualification whose period overlaps another one (of any insurer) is
/// <b>refused</b>, never silently ended. The previous insurer records the loss first (its last day), then
/// the new enrolment goes through; so no two insurers are ever on record for the same day, and no
/// insurer can end another insurer's qualification.</item>
/// </list>
/// </summary>
public static class InsuranceRules
{
    public const int MaxSymbolLength = 20;
    public const int MaxInsuredNumberLength = 20;
    public const int MaxReasonLength = 200;

    public static readonly DomainError QualificationNotFound =
        DomainError.NotFound("insurance.qualification-not-found", "This insurer has no qualification with this id on the person's record.");
    public static readonly DomainError AlreadyEnded =
        DomainError.Rule("insurance.qualification-ended", "The qualification has already ended.");

    /// <summary>
    /// The one answer to a basic-four link that does not find exactly one resident matching all four items: no
    /// resident, a partial match, or several residents alike. It never says which items differed or whether anybody
    /// came close, so a name and a date of birth reveal nothing about existence, sex or address (issue 17).
    /// </summary>
    public static readonly DomainError NoMatch =
        DomainError.NotFound("insurance.no-match",
            "No single resident matches all four items; nothing was linked. Check the details, or link with the Individual Number.");

    public static string Kebab(BasicFourItem item) => item switch
    {
        BasicFourItem.Name => "name",
        BasicFourItem.Address => "address",
        BasicFourItem.DateOfBirth => "date-of-birth",
        _ => "sex",
    };

    /// <summary>
    /// The shape of the insurer's member id: symbol and number up to 20 characters, a 2-digit branch. Every clinic
    /// that checks the member reads symbol and number back, so both are display texts: printable, and never a run of
    /// twelve digits (an Individual Number keyed into the insured number's field would reach every reception desk).
    /// </summary>
    public static DomainError? ValidateInsured(InsuredId? insured)
    {
        if (insured is null)
        {
            return Invalid("insured", "Give the member's symbol, number and 2-digit branch number.");
        }
        if (insured.Symbol is null || !DisplayText.Fits(insured.Symbol.Trim(), MaxSymbolLength))
        {
            return Invalid("symbol", $"The insured symbol has 1 to {MaxSymbolLength} {DisplayText.Shape}.");
        }
        if (insured.Number is null || !DisplayText.Fits(insured.Number.Trim(), MaxInsuredNumberLength))
        {
            return Invalid("insured-number", $"The insured number has 1 to {MaxInsuredNumberLength} {DisplayText.Shape}.");
        }
        return insured.Branch is { Length: 2 } branch && branch.All(char.IsAsciiDigit)
            ? null
            : Invalid("branch", "The branch number has exactly 2 digits.");
    }

    public static DomainError? ValidatePeriod(DateOnly from, DateOnly? until) =>
        until is { } u && u < from ? Invalid("period", "A qualification cannot end before it starts.") : null;

    public static Decision<IPersonEvent> Acquire(PersonState state, AcquireQualification command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.IsClosed)
        {
            return PersonErrors.RecordClosed;
        }
        if ((ValidateInsured(command.Insured) ?? ValidatePeriod(command.ValidFrom, command.ValidUntil)) is { } invalid)
        {
            return invalid;
        }
        if (command.ValidFrom < state.Items!.DateOfBirth)
        {
            return Invalid("period", "A qualification cannot start before the person was born.");
        }
        if (command.ValidFrom > JapanCalendar.FurthestAhead(now))
        {
            return Invalid("period", "A qualification starts at most a year from today.");
        }
        if (command.LinkedBy == LinkBasis.BasicFourItems)
        {
            if (command.ClaimedItems is null)
            {
                return Invalid("items", "A link on the basic four items needs all four items.");
            }
            if (BasicFourMatching.Mismatches(state.Items, command.ClaimedItems).Count > 0)
            {
                return NoMatch;
            }
        }
        if (state.Qualifications.Find(q => q.Id == command.QualificationId) is { } existing)
        {
            // The same enrolment delivered again (another command id): nothing new to record.
            return existing.Insurer == command.Insurer && existing.Insured == command.Insured && existing.ValidFrom == command.ValidFrom
                ? Decision<IPersonEvent>.Accept()
                : DomainError.Conflict("insurance.qualification-exists", "A different qualification is recorded under this id.");
        }
        if (state.Qualifications.Find(q => q.Overlaps(command.ValidFrom, command.ValidUntil)) is { } overlapping)
        {
            return DomainError.Rule("insurance.qualification-overlaps",
                $"The person already has a qualification from {overlapping.ValidFrom:yyyy-MM-dd}"
                + (overlapping.LastDay is { } last ? $" to {last:yyyy-MM-dd}" : " with no end")
                + "; its insurer must record the loss first (one qualification per period).");
        }
        return Decision<IPersonEvent>.Accept(new InsuranceQualificationAcquired(
            state.Id, command.QualificationId, command.Insurer, Trimmed(command.Insured), command.ValidFrom, command.ValidUntil,
            command.Ceiling, command.LinkedBy, now, actor));
    }

    public static Decision<IPersonEvent> End(PersonState state, EndQualification command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.Qualifications.Find(q => q.Id == command.QualificationId && q.Insurer == command.Insurer) is not { } qualification)
        {
            return QualificationNotFound;
        }
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(reason, MaxReasonLength))
        {
            return Invalid("reason", $"Give the reason for the loss of qualification (1 to {MaxReasonLength} {DisplayText.Shape}).");
        }
        if (qualification.EndedOn is { } ended)
        {
            return ended == command.LastDay ? Decision<IPersonEvent>.Accept() : AlreadyEnded;
        }
        if (command.LastDay < qualification.ValidFrom.AddDays(-1))
        {
            return Invalid("period", "The last day cannot be before the day before the qualification started.");
        }
        if (command.LastDay > JapanCalendar.FurthestAhead(now))
        {
            return Invalid("period", "The last day is at most a year from today.");
        }
        return Decision<IPersonEvent>.Accept(new InsuranceQualificationEnded(
            state.Id, qualification.Id, qualification.Insurer, command.LastDay, reason, now, actor));
    }

    public static Decision<IPersonEvent> ChangeCeiling(PersonState state, ChangeQualificationCeiling command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.Qualifications.Find(q => q.Id == command.QualificationId && q.Insurer == command.Insurer) is not { } qualification)
        {
            return QualificationNotFound;
        }
        if (qualification.EndedOn is not null)
        {
            return AlreadyEnded;
        }
        return qualification.Ceiling == command.Category
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new CeilingCategoryChanged(state.Id, qualification.Id, qualification.Insurer, command.Category, now, actor));
    }

    /// <summary>
    /// An eligibility confirmation document for a running qualification of this insurer. For the reason
    /// "no registered card" the member must indeed have no card registered for insurance; anyone may ask
    /// for one because they need help. The same document number again records nothing.
    /// </summary>
    public static Decision<IPersonEvent> IssueDocument(PersonState state, RecordConfirmationDocument command, DateOnly today, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.IsClosed)
        {
            return PersonErrors.RecordClosed;
        }
        if (state.Qualifications.Find(q => q.Id == command.QualificationId && q.Insurer == command.Insurer) is not { } qualification)
        {
            return QualificationNotFound;
        }
        if (state.ConfirmationDocuments.Exists(d => d.DocumentNumber == command.DocumentNumber))
        {
            return Decision<IPersonEvent>.Accept();
        }
        if (qualification.LastDay is { } last && last < today)
        {
            return AlreadyEnded;
        }
        if (command.Reason == ConfirmationDocumentReason.NoRegisteredCard && command.HasCardRegisteredForInsurance)
        {
            return DomainError.Rule("insurance.card-registered",
                "The member's card is registered as an insurance card; issue a document only if they ask for one (reason: requested).");
        }
        var issuedOn = today < qualification.ValidFrom ? qualification.ValidFrom : today;
        return Decision<IPersonEvent>.Accept(new ConfirmationDocumentIssued(state.Id, command.DocumentNumber, qualification.Id, qualification.Insurer,
            issuedOn, Insurance.ConfirmationDocuments.ValidUntil(issuedOn, qualification.LastDay), command.Reason, now, actor));
    }

    public static InsuranceQualificationView ToView(InsuranceQualification q) =>
        new(q.Id, q.Insurer, q.Insured, q.ValidFrom, q.LastDay, q.Ceiling, q.LinkedBy, q.EndedBecause);

    /// <summary>The qualification is in force on <paramref name="day"/> (Japan's date): from its first day to its last, both included.</summary>
    public static bool IsActiveOn(InsuranceQualificationView qualification, DateOnly day) =>
        qualification.ValidFrom <= day && (qualification.ValidUntil is not { } until || day <= until);

    /// <summary>The qualification in force on <paramref name="day"/>, if any.</summary>
    public static InsuranceQualificationView? ActiveOn(InsuranceSummary insurance, DateOnly day) =>
        insurance.Qualifications.FirstOrDefault(q => IsActiveOn(q, day));

    public static readonly DomainError NoDocumentQualification =
        DomainError.NotFound("insurance.qualification-not-found", "No (active) insurance qualification of yours to issue a document for.");

    /// <summary>The qualification a resident's confirmation document is for: the one named, or the one active on <paramref name="today"/>.</summary>
    public static Result<InsuranceQualificationView> DocumentQualification(InsuranceSummary insurance, Guid? qualificationId, DateOnly today) =>
        (qualificationId is { } id
            ? insurance.Qualifications.FirstOrDefault(q => q.QualificationId == id)
            : ActiveOn(insurance, today)) is { } found
            ? Result<InsuranceQualificationView>.Ok(found)
            : NoDocumentQualification;

    public static InsuranceSummary Summary(PersonState state) =>
        new(state.Items!.Name, state.Items.DateOfBirth, state.IsClosed,
            state.Qualifications.OrderByDescending(q => q.ValidFrom).Select(ToView).ToList(),
            state.ConfirmationDocuments, state.ActiveCard);

    /// <summary>The one qualification active on a day (invariant 9 guarantees at most one).</summary>
    public static InsuranceQualification? ActiveOn(PersonState state, DateOnly day) => state.Qualifications.Find(q => q.IsActiveOn(day));

    private static InsuredId Trimmed(InsuredId insured) => new(insured.Symbol.Trim(), insured.Number.Trim(), insured.Branch);

    private static DomainError Invalid(string field, string message) => DomainError.Validation($"insurance.invalid-{field}", message);
}
