using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;
using Myna.Domain.Medical;
using Myna.EventStore.Clinics;
using Myna.GrainInterfaces.Medical;

namespace Myna.Grains.Medical;

/// <summary>
/// A clinic reads medical information only under the consent its own eligibility check recorded: same
/// institution, within 24 hours, only the consented items. Every attempt is on the patient's ledger, and
/// the ledger line is durable before any data leaves.
/// </summary>
[StatelessWorker]
public sealed class ClinicMedicalReaderGrain(IClinicConsentDirectory directory) : Grain, IClinicMedicalReaderGrain
{
    private static readonly DomainError NoConsent =
        DomainError.Forbidden("medical.no-consent", "No consent from an eligibility check at this institution covers this read.");
    private static readonly DomainError Expired =
        DomainError.Forbidden("medical.consent-expired", "The consent given at reception has expired (24 hours); check eligibility again.");
    private static readonly DomainError NotConsented =
        DomainError.Forbidden("medical.item-not-consented", "The patient did not consent to some of these items.");

    public async Task<Result<ClinicMedicalView>> Read(CommandContext context, Guid checkId, string institution, string terminalId, IReadOnlyList<ClinicConsentScope> items)
    {
        if (await directory.FindAsync(checkId) is not { } person)
        {
            return NoConsent;
        }
        var ledger = GrainFactory.GetLedger(person);
        var consent = (await ledger.GetClinicConsents()).FirstOrDefault(c => c.ConsentId == checkId);
        var refusal = MedicalRules.Refusal(consent, institution, items);
        var recorded = await ledger.RecordMedicalRead(context,
            new RecordMedicalRead(context.CommandId, checkId, institution, terminalId, items, refusal));
        if (!recorded.IsSuccess)
        {
            return recorded.Error!;
        }
        if (refusal is not null)
        {
            return refusal switch
            {
                "consent-expired" => Expired,
                "item-not-consented" => NotConsented,
                _ => NoConsent,
            };
        }
        var records = await GrainFactory.GetMedicalRecords(person).GetRecords();
        return Result<ClinicMedicalView>.Ok(new ClinicMedicalView(checkId, items, MedicalRules.ForClinic(records, items), consent!.ValidUntil));
    }
}
