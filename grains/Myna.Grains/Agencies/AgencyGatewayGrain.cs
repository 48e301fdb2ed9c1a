using Myna.Domain.Persons;
using Myna.EventStore.Agencies;
using Myna.EventStore.Numbers;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Orleans.Concurrency;

namespace Myna.Grains.Agencies;

/// <summary>
/// The information-sharing gateway: agencies see persons only under their own codes. Stateless worker,
/// so it scales with the silos; each request lands on the person's own grain, where it is recorded.
/// </summary>
[StatelessWorker]
public sealed class AgencyGatewayGrain(INumberRegistry numbers, IAgencyCodeDirectory codes) : Grain, IAgencyGatewayGrain
{
    private static readonly DomainError UnknownAgency =
        DomainError.Forbidden("agency.unknown", "This agency is not part of information sharing.");
    private static readonly DomainError UnknownNumber =
        DomainError.NotFound("individual-number.not-found", "No person holds this Individual Number.");
    private static readonly DomainError ReplacedNumber =
        DomainError.Rule("individual-number.replaced", "This number was replaced after a leak; ask the person for the current one.");
    private static readonly DomainError UnknownCode =
        DomainError.NotFound("agency-code.not-found", "This code was not issued to this agency.");

    public async Task<Result<AgencyCode>> IssueCode(CommandContext context, string agency, IndividualNumber number)
    {
        if (!AgencySharing.IsKnownAgency(agency))
        {
            return UnknownAgency;
        }
        if (await numbers.FindAsync(number) is not { } person)
        {
            return UnknownNumber;
        }
        var grain = GrainFactory.GetPerson(person);
        var status = await grain.GetNumberStatus(number);
        if (status != NumberStatus.Current)
        {
            return status == NumberStatus.Replaced ? ReplacedNumber : UnknownNumber;
        }
        var code = await codes.IssueAsync(agency, person);
        return await grain.RecordAgencyCodeIssued(context, agency, code);
    }

    public async Task<Result<ProvidedData>> Request(CommandContext context, AgencyCode code, ProvideData request)
    {
        if (!AgencySharing.IsKnownAgency(request.Agency))
        {
            return UnknownAgency;
        }
        if (await codes.ResolveAsync(request.Agency, code) is not { } person)
        {
            return UnknownCode;
        }
        var result = await GrainFactory.GetPerson(person).ProvideData(context, code, request);
        // The same ledger as clinic checks and app reads (invariant 11): provided or refused for want of a right.
        var refused = !result.IsSuccess && result.Error!.Code == AgencySharing.NotAllowed.Code;
        if (result.IsSuccess || refused)
        {
            var ledger = await GrainFactory.GetLedger(person).RecordAgencyRequest(context.FollowUp("agency-ledger"),
                new RecordAgencyRequest(request.Agency, request.Item, request.Procedure.Trim(), result.IsSuccess, refused ? "no right to this item" : null));
            if (!ledger.IsSuccess)
            {
                return ledger.Error!;
            }
        }
        return result;
    }

    public async Task<Result<IdentityVerificationResult>> VerifyIdentity(CommandContext context, string agency, AgencyCode code, VerifyIdentity command)
    {
        if (!AgencySharing.IsKnownAgency(agency))
        {
            return UnknownAgency;
        }
        if (await codes.ResolveAsync(agency, code) is not { } person)
        {
            return UnknownCode;
        }
        return await GrainFactory.GetPerson(person).VerifyIdentity(context, command);
    }
}
