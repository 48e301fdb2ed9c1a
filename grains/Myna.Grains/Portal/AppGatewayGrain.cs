using Myna.EventStore.Agencies;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Orleans.Concurrency;
using Myna.Domain.Calendar;

namespace Myna.Grains.Portal;

/// <summary>
/// Apps read residents' data here, under their own per-app code (the agency-code scheme under
/// "app:{id}", so two apps' codes for one person cannot be linked), only while a consent covers the item.
/// Every read, allowed or refused, is on the resident's ledger before any data leaves (invariant 11).
/// </summary>
[StatelessWorker]
public sealed class AppGatewayGrain(IAgencyCodeDirectory codes, TimeProvider clock) : Grain, IAppGatewayGrain
{
    private static readonly DomainError UnknownCode =
        DomainError.NotFound("app-code.not-found", "This code was not issued to this app.");

    public static string Namespace(string appId) => "app:" + appId;

    public Task<AgencyCode> CodeFor(string appId, PersonId person) => codes.IssueAsync(Namespace(appId), person);

    public async Task<Result<AppDataView>> Read(CommandContext context, string appId, AgencyCode code, AppItem item)
    {
        var app = await GrainFactory.GetApp(appId).Get();
        if (!app.IsSuccess)
        {
            return DomainError.Forbidden("app.unknown", "This app is not registered.");
        }
        if (await codes.ResolveAsync(Namespace(appId), code) is not { } person)
        {
            return UnknownCode;
        }
        var check = await GrainFactory.GetPortal(person).CheckAppConsent(appId, item);
        var recorded = await GrainFactory.GetLedger(person).RecordAppRequest(context.FollowUp("app-read-ledger"),
            new RecordAppRequest(appId, app.Value!.Name, item, check.ConsentId, check.Refusal is null, check.Refusal));
        if (!recorded.IsSuccess)
        {
            return recorded.Error!;
        }
        if (check.Refusal is { } refusal)
        {
            return DomainError.Forbidden("app.consent-missing", $"No live consent of this resident covers this item ({refusal}); the request was recorded.");
        }
        return await AnswerAsync(person, code, item);
    }

    /// <summary>Only the item asked for; never the Individual Number or the person id.</summary>
    private async Task<Result<AppDataView>> AnswerAsync(PersonId person, AgencyCode code, AppItem item)
    {
        var grain = GrainFactory.GetPerson(person);
        switch (item)
        {
            case AppItem.BasicFourItems:
                return Result<AppDataView>.Ok(new AppDataView(code, item, await grain.GetBasicFour(), null, null, null));
            case AppItem.InsuranceQualifications:
                var insurance = await grain.GetInsurance();
                return insurance.IsSuccess
                    ? Result<AppDataView>.Ok(new AppDataView(code, item, null, insurance.Value!.Qualifications, null, null))
                    : insurance.Error!;
            default:
                var profile = await grain.GetProfile();
                if (!profile.IsSuccess)
                {
                    return profile.Error!;
                }
                var today = JapanCalendar.Today(clock);
                return item == AppItem.DisabilityCertificates
                    ? Result<AppDataView>.Ok(new AppDataView(code, item, null, null,
                        profile.Value!.DisabilityCertificates.Where(c => !c.Expired && (c.ValidUntil is not { } u || today <= u)).ToList(), null))
                    : Result<AppDataView>.Ok(new AppDataView(code, item, null, null, null, profile.Value!.IncomeSummaries));
        }
    }
}
