using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Numbers;
using Myna.GrainInterfaces.Operations;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Campaigns;
using Myna.GrainInterfaces.Disasters;
using Myna.GrainInterfaces.Income;
using Myna.GrainInterfaces.Kiosks;
using Myna.GrainInterfaces.Medical;
using Myna.GrainInterfaces.Procedures;

namespace Myna.GrainInterfaces.Common;

/// <summary>The one place grain references are made from typed ids.</summary>
public static class GrainFactoryExtensions
{
    public static IPersonGrain GetPerson(this IGrainFactory grains, PersonId id) => grains.GetGrain<IPersonGrain>(id.Value);
    public static IBulkRegistrationGrain GetBulkRegistration(this IGrainFactory grains) => grains.GetGrain<IBulkRegistrationGrain>(0);

    public static IBulkRegistrationJobGrain GetBulkRegistrationJob(this IGrainFactory grains, Guid jobId) => grains.GetGrain<IBulkRegistrationJobGrain>(jobId);

    public static ICardGrain GetCard(this IGrainFactory grains, CardId id) => grains.GetGrain<ICardGrain>(id.Value);

    public static IChallengeIssuerGrain GetChallengeIssuer(this IGrainFactory grains) => grains.GetGrain<IChallengeIssuerGrain>(0);

    /// <summary>
    /// How many keys the clinic check's stateless workers (the challenge issuer and the checker) are called under. An
    /// Orleans client sends every call to one grain id through one gateway, so under a single key every check of an API
    /// host would enter the cluster through one silo; spread over these keys, the checks enter through every gateway.
    /// </summary>
    public const int ClinicWorkerKeys = 64;

    /// <summary>The challenge issuer for a terminal's challenges: the same terminal, the same key.</summary>
    public static IChallengeIssuerGrain GetChallengeIssuer(this IGrainFactory grains, string terminal) =>
        grains.GetGrain<IChallengeIssuerGrain>(WorkerKey(terminal));

    public static ICertificateServiceGrain GetCertificateService(this IGrainFactory grains) => grains.GetGrain<ICertificateServiceGrain>(0);

    public static ISuspensionCampaignGrain GetSuspensionCampaign(this IGrainFactory grains, Guid id) => grains.GetGrain<ISuspensionCampaignGrain>(id);

    public static IAuditGrain GetAudit(this IGrainFactory grains) => grains.GetGrain<IAuditGrain>(0);

    public static INumberDirectoryGrain GetNumberDirectory(this IGrainFactory grains) => grains.GetGrain<INumberDirectoryGrain>(0);

    public static IAgencyGatewayGrain GetAgencyGateway(this IGrainFactory grains) => grains.GetGrain<IAgencyGatewayGrain>(0);

    public static IInsurerGrain GetInsurer(this IGrainFactory grains, InsurerNumber number) => grains.GetGrain<IInsurerGrain>(number.Value);

    public static IInstitutionGrain GetInstitution(this IGrainFactory grains, string code) => grains.GetGrain<IInstitutionGrain>(code);

    public static IInstitutionDirectoryGrain GetInstitutionDirectory(this IGrainFactory grains) => grains.GetGrain<IInstitutionDirectoryGrain>(0);

    public static IAccessLedgerGrain GetLedger(this IGrainFactory grains, PersonId person) => grains.GetGrain<IAccessLedgerGrain>(person.Value);

    /// <summary>
    /// The checker for this check, keyed by the patient it names (the certificate, else the card, else the document; a
    /// check naming none is keyed by its terminal, or by an empty text should a request ever come without the terminal
    /// claim the route's scope rule requires, so a key is never computed from null; the checker refuses such a check):
    /// a patient's checks are called under one key, so from one API host they enter the cluster through one gateway,
    /// whose silo the default placement (resource-optimised, preferring the calling silo when the silos are about as
    /// busy) tends to put the patient's card, person and ledger grains on when a check activates them.
    /// </summary>
    public static IEligibilityCheckerGrain GetEligibilityChecker(this IGrainFactory grains, CheckEligibility check) =>
        grains.GetGrain<IEligibilityCheckerGrain>(WorkerKey(
            check.CertificateSerial ?? check.Card?.Value.ToString("N") ?? check.DocumentNumber ?? check.TerminalId ?? string.Empty));

    /// <summary>A key in [0, <see cref="ClinicWorkerKeys"/>) that is the same for the same text in every process (32-bit FNV-1a).</summary>
    public static long WorkerKey(string affinity)
    {
        var hash = 2166136261u;
        foreach (var c in affinity)
        {
            hash = (hash ^ c) * 16777619u;
        }
        // The hash's high bits (multiply and shift): FNV's low bits depend only on the low bits of each character.
        return (long)(((ulong)hash * ClinicWorkerKeys) >> 32);
    }

    public static IIndexMaintenanceGrain GetIndexMaintenance(this IGrainFactory grains) => grains.GetGrain<IIndexMaintenanceGrain>(0);

    public static IKioskGrain GetKiosk(this IGrainFactory grains, string id) => grains.GetGrain<IKioskGrain>(id);

    public static IKioskSessionGrain GetKioskSession(this IGrainFactory grains, Guid id) => grains.GetGrain<IKioskSessionGrain>(id);

    public static IDocumentVerifierGrain GetDocumentVerifier(this IGrainFactory grains) => grains.GetGrain<IDocumentVerifierGrain>(0);

    public static IMedicalRecordGrain GetMedicalRecords(this IGrainFactory grains, PersonId person) => grains.GetGrain<IMedicalRecordGrain>(person.Value);

    public static IMedicalFeedGrain GetMedicalFeed(this IGrainFactory grains) => grains.GetGrain<IMedicalFeedGrain>(0);

    public static IIncomeFeedGrain GetIncomeFeed(this IGrainFactory grains) => grains.GetGrain<IIncomeFeedGrain>(0);

    public static IClinicMedicalReaderGrain GetClinicMedicalReader(this IGrainFactory grains) => grains.GetGrain<IClinicMedicalReaderGrain>(0);

    public static IDisasterGrain GetDisaster(this IGrainFactory grains, Guid id) => grains.GetGrain<IDisasterGrain>(id);

    public static IDisasterLookupGrain GetDisasterLookup(this IGrainFactory grains) => grains.GetGrain<IDisasterLookupGrain>(0);

    public static IProcedureGrain GetProcedure(this IGrainFactory grains, Guid id) => grains.GetGrain<IProcedureGrain>(id);

    public static IProcedureDirectoryGrain GetProcedureDirectory(this IGrainFactory grains) => grains.GetGrain<IProcedureDirectoryGrain>(0);
    public static IRebuildJobGrain GetRebuildJob(this IGrainFactory grains, Guid jobId) => grains.GetGrain<IRebuildJobGrain>(jobId);

    public static IIndexRebuildLockGrain GetIndexRebuildLock(this IGrainFactory grains, string index) => grains.GetGrain<IIndexRebuildLockGrain>(index);

    public static IKeyRotationGrain GetKeyRotation(this IGrainFactory grains) => grains.GetGrain<IKeyRotationGrain>(IKeyRotationGrain.PersonalData);

    public static IHealthGrain GetHealth(this IGrainFactory grains) => grains.GetGrain<IHealthGrain>(0);

    public static Portal.IPortalGrain GetPortal(this IGrainFactory grains, PersonId person) => grains.GetGrain<Portal.IPortalGrain>(person.Value);

    public static Portal.IAppGrain GetApp(this IGrainFactory grains, string appId) => grains.GetGrain<Portal.IAppGrain>(appId);

    public static Insurance.ICeilingCalculatorGrain GetCeilingCalculator(this IGrainFactory grains) => grains.GetGrain<Insurance.ICeilingCalculatorGrain>(0);

    public static Portal.IAppGatewayGrain GetAppGateway(this IGrainFactory grains) => grains.GetGrain<Portal.IAppGatewayGrain>(0);
}

/// <summary>A stateless ping the API's readiness check uses to prove a silo answers.</summary>
public interface IHealthGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<DateTimeOffset> Ping();

    /// <summary>The answering silo's view of its stores (PostgreSQL, Azure Storage), for the API's /health.</summary>
    [Alias("CheckDependencies")]
    Task<IReadOnlyList<DependencyStatus>> CheckDependencies();
}
