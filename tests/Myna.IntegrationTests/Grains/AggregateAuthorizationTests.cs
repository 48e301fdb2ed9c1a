using System.Globalization;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Myna.IntegrationTests.Support;
using Myna.GrainInterfaces.Campaigns;
using Myna.GrainInterfaces.Disasters;
using Myna.GrainInterfaces.Kiosks;
using Myna.GrainInterfaces.Procedures;

namespace Myna.IntegrationTests.Grains;

/// <summary>
/// Invariant 16 below the API: insurers, institutions, kiosks, apps, disasters, campaigns, procedures and the
/// income and medical feeds decide themselves who may act on them. Each refusal is a 403 with a stable code,
/// leaves the stream where it was, and a known command id from a caller who may not act is refused, not replayed.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class AggregateAuthorizationTests(GrainClusterFixture fixture)
{
    private static CommandContext As(string role, ActorScope? scope = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor(role + "-1", role), role) { Scope = scope ?? ActorScope.None };

    private static CommandContext Operator() => As(ActorRoles.Operator);

    private static CommandContext Clerk() => As(ActorRoles.Municipality, new ActorScope(Municipality: "131016"));

    private static CommandContext InsurerStaff(string number) => As(ActorRoles.Insurer, new ActorScope(Insurer: number));

    private static string Code(string prefix, int digits) =>
        prefix + Random.Shared.NextInt64(0, (long)Math.Pow(10, digits)).ToString("D" + digits, CultureInfo.InvariantCulture);

    private static async Task AssertRefusedAndUnchanged<T>(IEventSourcedGrain grain, Task<Result<T>> call, string code)
    {
        var before = (await grain.GetStreamInfo()).Version;
        var result = await call;
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Forbidden, result.Error!.Kind);
        Assert.Equal(code, result.Error.Code);
        Assert.Equal(before, (await grain.GetStreamInfo()).Version);
    }

    [Fact]
    public async Task Operator_registrations_refuse_every_other_role_and_their_retries()
    {
        var institution = fixture.Client.GetInstitution(Code("131", 7));
        var register = new RegisterInstitution("みどり内科", InstitutionKind.Clinic, "13", true);
        await AssertRefusedAndUnchanged(institution, institution.Register(Clerk(), register), "access.role-not-allowed");
        await AssertRefusedAndUnchanged(institution, institution.Register(As(ActorRoles.Terminal, new ActorScope(Institution: "1310000000", Terminal: "desk-1")), register), "access.role-not-allowed");
        var original = Operator();
        Assert.True((await institution.Register(original, register)).IsSuccess);
        // The operator's command id presented by a clerk: refused before the receipt is read.
        await AssertRefusedAndUnchanged(institution, institution.Register(original with { Actor = new Actor("clerk-9", ActorRoles.Municipality) }, register), "access.role-not-allowed");
        await AssertRefusedAndUnchanged(institution, institution.RegisterTerminal(InsurerStaff("06130012"), new RegisterTerminal("desk-1", "key")), "access.role-not-allowed");

        var kiosk = fixture.Client.GetKiosk("K-" + Guid.NewGuid().ToString("N")[..8]);
        await AssertRefusedAndUnchanged(kiosk, kiosk.Register(As(ActorRoles.Kiosk, new ActorScope(Kiosk: "K-1")), new RegisterKiosk("store", "13", null)), "access.role-not-allowed");

        var app = fixture.Client.GetApp("app-" + Guid.NewGuid().ToString("N")[..8]);
        await AssertRefusedAndUnchanged(app, app.Register(As(ActorRoles.App, new ActorScope(AppId: "app-1")), new RegisterApp("家計簿", [AppItem.BasicFourItems])), "access.role-not-allowed");

        var disaster = fixture.Client.GetDisaster(Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        await AssertRefusedAndUnchanged(disaster, disaster.Declare(Clerk(), new DeclareDisaster("大雨", [new MunicipalityCode("131016")], now, now.AddDays(3))), "access.role-not-allowed");

        var campaign = fixture.Client.GetSuspensionCampaign(Guid.NewGuid());
        await AssertRefusedAndUnchanged(campaign, campaign.Start(Clerk(), new StartSuspensionCampaign("BATCH-X", "chip vulnerability", [])), "access.role-not-allowed");

        var insurer = fixture.Client.GetInsurer(new InsurerNumber(Api.ClinicWorld.NewInsurerNumber()));
        await AssertRefusedAndUnchanged(insurer, insurer.Register(InsurerStaff("06130012"), new RegisterInsurer("協会けんぽ")), "access.role-not-allowed");
    }

    [Fact]
    public async Task An_insurer_acts_on_its_own_members_only_and_feeds_its_own_records_only()
    {
        var number = Api.ClinicWorld.NewInsurerNumber();
        var insurer = fixture.Client.GetInsurer(new InsurerNumber(number));
        Assert.True((await insurer.Register(Operator(), new RegisterInsurer("協会けんぽ 東京支部"))).IsSuccess);
        var other = InsurerStaff(Api.ClinicWorld.NewInsurerNumber());
        var enrol = new EnrolMember(null, new BasicFourItems("保険 太郎", "東京都千代田区1-1", new DateOnly(1980, 1, 1), Sex.Male),
            new InsuredId("1", "2", "01"), new DateOnly(2024, 4, 1), null, CeilingCategory.UnderSeventyC);

        await AssertRefusedAndUnchanged(insurer, insurer.Enrol(other, enrol), "access.other-insurer");
        await AssertRefusedAndUnchanged(insurer, insurer.Enrol(Clerk(), enrol), "access.role-not-allowed");
        await AssertRefusedAndUnchanged(insurer, insurer.Disenrol(other, new DisenrolMember(Guid.NewGuid(), new DateOnly(2025, 1, 1), "left")), "access.other-insurer");
        await AssertRefusedAndUnchanged(insurer, insurer.VoidQualification(other, new VoidMemberQualification(Guid.NewGuid(), "entered in error")), "access.other-insurer");
        var feed = await fixture.Client.GetMedicalFeed().Accept(other, new InsurerNumber(number), "batch-1", []);
        Assert.Equal("access.other-insurer", feed.Error?.Code);
    }

    [Fact]
    public async Task Income_is_fed_by_the_tax_agency_only()
    {
        var welfare = await fixture.Client.GetIncomeFeed().Accept(As(ActorRoles.Agency, new ActorScope(Agency: "welfare-office")), "batch-1", []);
        var insurer = await fixture.Client.GetIncomeFeed().Accept(InsurerStaff("06130012"), "batch-1", []);

        Assert.Equal("access.other-agency", welfare.Error?.Code);
        Assert.Equal("access.role-not-allowed", insurer.Error?.Code);
    }

    [Fact]
    public async Task A_procedure_is_submitted_by_its_resident_and_decided_by_its_agency_only()
    {
        var person = PersonId.New();
        var procedure = fixture.Client.GetProcedure(Guid.NewGuid());
        var someoneElse = As(ActorRoles.Resident, new ActorScope(PersonId: Guid.NewGuid()));

        await AssertRefusedAndUnchanged(procedure, procedure.Submit(someoneElse, new SubmitProcedure(person, ProcedureKind.ChildAllowance)), "access.not-the-holder");
        await AssertRefusedAndUnchanged(procedure, procedure.Submit(Clerk(), new SubmitProcedure(person, ProcedureKind.ChildAllowance)), "access.role-not-allowed");
        await AssertRefusedAndUnchanged(procedure, procedure.Resubmit(someoneElse, new ResubmitProcedure(person)), "access.not-the-holder");
        // An agency acting on a submission that is not in its inbox learns nothing (no such submission), and writes nothing.
        var before = (await procedure.GetStreamInfo()).Version;
        var accepted = await procedure.Accept(As(ActorRoles.Agency, new ActorScope(Agency: "welfare-office")), new AcceptProcedure("welfare-office"));
        Assert.Equal("procedure.not-found", accepted.Error?.Code);
        Assert.Equal(before, (await procedure.GetStreamInfo()).Version);
        await AssertRefusedAndUnchanged(procedure, procedure.Accept(Clerk(), new AcceptProcedure("welfare-office")), "access.role-not-allowed");
    }

    [Fact]
    public async Task A_persons_qualifications_are_changed_by_the_qualifications_own_insurer_only()
    {
        var person = PersonId.New();
        var grain = fixture.Client.GetPerson(person);
        var register = new RegisterPerson(new BasicFourItems("資格 花子", "東京都千代田区3-3", new DateOnly(1985, 3, 3), Sex.Female), new MunicipalityCode("131016"), RegistrationReason.Birth);
        // A clerk registers into their own municipality only; a clerk without a municipality scope registers nobody.
        await AssertRefusedAndUnchanged(grain, grain.Register(As(ActorRoles.Municipality, new ActorScope(Municipality: "272019")), register), "access.other-municipality");
        await AssertRefusedAndUnchanged(grain, grain.Register(As(ActorRoles.Municipality), register), "access.other-municipality");
        Assert.True((await grain.Register(Clerk(), new RegisterPerson(
            new BasicFourItems("資格 花子", "東京都千代田区3-3", new DateOnly(1985, 3, 3), Sex.Female), new MunicipalityCode("131016"), RegistrationReason.Birth))).IsSuccess);
        var number = Api.ClinicWorld.NewInsurerNumber();
        var acquire = new AcquireQualification(Guid.NewGuid(), new InsurerNumber(number), new InsuredId("1", "2", "01"),
            new DateOnly(2024, 4, 1), null, CeilingCategory.UnderSeventyC, LinkBasis.IndividualNumber, null);

        await AssertRefusedAndUnchanged(grain, grain.AcquireQualification(InsurerStaff(Api.ClinicWorld.NewInsurerNumber()), acquire), "access.other-insurer");
        await AssertRefusedAndUnchanged(grain, grain.AcquireQualification(Clerk(), acquire), "access.role-not-allowed");
        Assert.True((await grain.AcquireQualification(InsurerStaff(number), acquire)).IsSuccess);
        await AssertRefusedAndUnchanged(grain, grain.RecordConfirmationDocument(As(ActorRoles.Resident, new ActorScope(PersonId: Guid.NewGuid())),
            new RecordConfirmationDocument("AAAAAAAAAAAAAAAZ", acquire.QualificationId, new InsurerNumber(number), ConfirmationDocumentReason.Requested, false)), "access.not-the-holder");
    }
}
