using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Calendar;

namespace Myna.Domain.Persons;

/// <summary>
/// The insurer found that this qualification was linked to the wrong person: it never applied to this
/// person. A correction with an effective date (from the qualification's first day, in Japan time), so an
/// auditor can tell what was in effect from what the system knew at the time (e.g. what a clinic saw).
/// </summary>
[EventName("insurance_qualification_voided_v1")]
public sealed record InsuranceQualificationVoided(
    PersonId PersonId,
    Guid QualificationId,
    InsurerNumber Insurer,
    string Reason,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent, IRetroactiveEvent;

public static class InsuranceCorrections
{

    /// <summary>Only the qualification's own insurer voids it; the correction holds from its first day.</summary>
    public static Decision<IPersonEvent> Void(PersonState state, VoidQualification command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(reason, InsuranceRules.MaxReasonLength))
        {
            return DomainError.Validation("insurance.invalid-reason",
                $"Give the reason for voiding the qualification (1 to {InsuranceRules.MaxReasonLength} {DisplayText.Shape}).");
        }
        if (state.Qualifications.Find(q => q.Id == command.QualificationId && q.Insurer == command.Insurer) is not { } qualification)
        {
            return InsuranceRules.QualificationNotFound;
        }
        var effectiveFrom = JapanCalendar.StartOf(qualification.ValidFrom);
        return Decision<IPersonEvent>.Accept(new InsuranceQualificationVoided(
            state.Id, qualification.Id, qualification.Insurer, reason, effectiveFrom, now, actor));
    }
}
