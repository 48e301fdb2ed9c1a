using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Numbers;
using Myna.GrainInterfaces.Operations;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Common;

/// <summary>The one place grain references are made from typed ids.</summary>
public static class GrainFactoryExtensions
{
    public static IPersonGrain GetPerson(this IGrainFactory grains, PersonId id) => grains.GetGrain<IPersonGrain>(id.Value);

    public static ICardGrain GetCard(this IGrainFactory grains, CardId id) => grains.GetGrain<ICardGrain>(id.Value);

    public static IChallengeGrain GetChallenge(this IGrainFactory grains, Guid id) => grains.GetGrain<IChallengeGrain>(id);

    public static ICertificateServiceGrain GetCertificateService(this IGrainFactory grains) => grains.GetGrain<ICertificateServiceGrain>(0);

    public static ISuspensionCampaignGrain GetSuspensionCampaign(this IGrainFactory grains, Guid id) => grains.GetGrain<ISuspensionCampaignGrain>(id);

    public static IAuditGrain GetAudit(this IGrainFactory grains) => grains.GetGrain<IAuditGrain>(0);

    public static INumberDirectoryGrain GetNumberDirectory(this IGrainFactory grains) => grains.GetGrain<INumberDirectoryGrain>(0);

    public static IAgencyGatewayGrain GetAgencyGateway(this IGrainFactory grains) => grains.GetGrain<IAgencyGatewayGrain>(0);

    public static IInsurerGrain GetInsurer(this IGrainFactory grains, InsurerNumber number) => grains.GetGrain<IInsurerGrain>(number.Value);

    public static IInstitutionGrain GetInstitution(this IGrainFactory grains, string code) => grains.GetGrain<IInstitutionGrain>(code);

    public static IInstitutionDirectoryGrain GetInstitutionDirectory(this IGrainFactory grains) => grains.GetGrain<IInstitutionDirectoryGrain>(0);

    public static IAccessLedgerGrain GetLedger(this IGrainFactory grains, PersonId person) => grains.GetGrain<IAccessLedgerGrain>(person.Value);

    public static IEligibilityCheckGrain GetEligibilityCheck(this IGrainFactory grains, Guid challengeId) => grains.GetGrain<IEligibilityCheckGrain>(challengeId);

    public static IIndexMaintenanceGrain GetIndexMaintenance(this IGrainFactory grains) => grains.GetGrain<IIndexMaintenanceGrain>(0);

    public static IRebuildJobGrain GetRebuildJob(this IGrainFactory grains, Guid jobId) => grains.GetGrain<IRebuildJobGrain>(jobId);

    public static IHealthGrain GetHealth(this IGrainFactory grains) => grains.GetGrain<IHealthGrain>(0);
}

/// <summary>A stateless ping the API's readiness check uses to prove a silo answers.</summary>
public interface IHealthGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<DateTimeOffset> Ping();
}
