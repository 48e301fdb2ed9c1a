using Myna.Domain.Persons;
using Myna.EventStore.Insurance;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;
using Myna.Domain.Calendar;
using Myna.Domain.Disasters;
using Myna.Domain.Medical;
using Myna.EventStore.Clinics;
using Myna.EventStore.Disasters;
using Myna.GrainInterfaces.Disasters;

namespace Myna.Grains.Disasters;

/// <summary>
/// Disaster mode at a clinic: while a declared disaster covers the institution's area and period, the patient
/// is found by a full basic-four match instead of the card, eligibility (and, if asked, medicines dispensed)
/// is answered without a consent, and the lookup is flagged on the patient's ledger before anything is returned.
/// It ends by itself: outside the period the same request is refused.
/// </summary>
[StatelessWorker]
public sealed class DisasterLookupGrain(IDisasterDirectory disasters, IPersonMatchIndex matches, TimeProvider clock) : Grain, IDisasterLookupGrain
{
    public async Task<Result<DisasterLookupAnswer>> Lookup(CommandContext context, string institution, string terminalId, DisasterLookupRequest request)
    {
        var now = clock.GetUtcNow();
        var registered = await GrainFactory.GetInstitution(institution).Get();
        // Only a registered, active terminal of the institution may look anybody up (invariant 16).
        if (Myna.Domain.Authorization.Access.RegisteredTerminal(registered.Value, terminalId) is { } refused)
        {
            return refused;
        }
        var disaster = (await disasters.NotEndedAsync(now))
            .Where(d => DisasterRules.InEffect(d.From, d.Until, d.EndedAt, now)
                && DisasterRules.Covers(d.Municipalities.Select(m => new MunicipalityCode(m)), registered.Value!.Prefecture))
            .OrderBy(d => d.From)
            .FirstOrDefault();
        if (disaster is null)
        {
            return DisasterRules.NotInEffect;
        }

        var found = new List<PersonId>();
        foreach (var candidate in await matches.FindCandidatesAsync(request.Claimed))
        {
            if (await GrainFactory.GetPerson(candidate).GetBasicFour() is { } items && BasicFourMatching.Mismatches(items, request.Claimed).Count == 0)
            {
                found.Add(candidate);
            }
        }
        if (found.Count != 1)
        {
            return found.Count == 0 ? DisasterRules.NoMatch : DisasterRules.Ambiguous;
        }
        var person = found[0];

        var recorded = await GrainFactory.GetLedger(person).RecordDisasterLookup(context,
            new RecordDisasterLookup(request.LookupId, disaster.Id, institution, terminalId, request.IncludeMedication));
        if (!recorded.IsSuccess)
        {
            return recorded.Error!;
        }
        var insurance = await GrainFactory.GetPerson(person).GetInsurance();
        if (!insurance.IsSuccess)
        {
            return insurance.Error!;
        }
        var summary = insurance.Value!;
        var today = JapanCalendar.DateOf(now);
        var active = Myna.Domain.Persons.InsuranceRules.ActiveOn(summary, today);
        var medications = request.IncludeMedication
            ? MedicalRules.ForClinic(await GrainFactory.GetMedicalRecords(person).GetRecords(), [GrainInterfaces.Clinics.ClinicConsentScope.MedicationHistory])
            : [];
        return Result<DisasterLookupAnswer>.Ok(new DisasterLookupAnswer(request.LookupId, disaster.Id, active is not null,
            active is null ? "insurance.no-active-qualification" : null, summary.Name, summary.DateOfBirth, active, medications));
    }
}
