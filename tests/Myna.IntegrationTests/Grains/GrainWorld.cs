using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Api;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains;

/// <summary>The callers and the people, insurers and enrolments that grain-level tests start from.</summary>
internal sealed class GrainWorld(GrainClusterFixture fixture)
{
    public static readonly MunicipalityCode Chiyoda = new("131016");

    public static CommandContext Clerk(string municipality = "131016") =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor("clerk-1", "municipality"), "counter") { Scope = new ActorScope(Municipality: municipality) };

    public static CommandContext Resident(PersonId person) =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor(person.ToString(), "resident"), "portal") { Scope = new ActorScope(PersonId: person.Value) };

    public static CommandContext Operator() => new(Guid.NewGuid(), Guid.NewGuid(), new Actor("ops-1", "operator"), "operator");

    public static CommandContext InsurerStaff(InsurerNumber insurer) =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor("ins-1", "insurer"), "insurer") { Scope = new ActorScope(Insurer: insurer.Value) };

    /// <summary>A person registered in Chiyoda, with an Individual Number.</summary>
    public async Task<(PersonId Person, IndividualNumber Number)> NumberedPerson()
    {
        var person = PersonId.New();
        var grain = fixture.Client.GetPerson(person);
        Assert.True((await grain.Register(Clerk(), new RegisterPerson(new BasicFourItems("鈴木 花子", "東京都千代田区3-3", new DateOnly(1990, 4, 1), Sex.Female), Chiyoda, RegistrationReason.Birth))).IsSuccess);
        return (person, (await grain.AssignIndividualNumber(Clerk(), new AssignIndividualNumber(Chiyoda))).Value!.IndividualNumber!.Value);
    }

    /// <summary>A freshly registered insurer (a number drawn again if it was taken).</summary>
    public async Task<InsurerNumber> Insurer()
    {
        InsurerNumber insurer;
        Result<InsurerView> registered;
        do
        {
            Assert.True(InsurerNumber.TryParse(ClinicWorld.NewInsurerNumber(), out insurer, out _));
            registered = await fixture.Client.GetInsurer(insurer).Register(Operator(), new RegisterInsurer("テスト健康保険組合"));
        }
        while (registered.Error?.Kind == ErrorKind.Conflict);
        Assert.True(registered.IsSuccess, registered.Error?.Code);
        return insurer;
    }

    public static EnrolMember Enrolment(IndividualNumber number) =>
        new(number, null, new InsuredId("12", "3456", "01"), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-10), null, CeilingCategory.UnderSeventyC);

    /// <summary>A numbered person enrolled since ten days ago with a fresh insurer.</summary>
    public async Task<(PersonId Person, InsurerNumber Insurer, Guid Qualification)> EnrolledPerson()
    {
        var (person, number) = await NumberedPerson();
        var insurer = await Insurer();
        var enrolled = await fixture.Client.GetInsurer(insurer).Enrol(InsurerStaff(insurer), Enrolment(number));
        Assert.True(enrolled.IsSuccess, enrolled.Error?.Code);
        return (person, insurer, enrolled.Value!.QualificationId);
    }
}
