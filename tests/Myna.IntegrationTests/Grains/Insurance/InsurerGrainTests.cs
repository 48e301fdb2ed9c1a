using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Insurance;

/// <summary>
/// Level 3: the insurer grain on its own and its reaction on the member's person grain. An insurer's staff
/// enrol their members; the qualification lands in the person's insurance (the person's stream), once per
/// command; nobody else enrols into this insurer.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class InsurerGrainTests(GrainClusterFixture fixture)
{
    private readonly GrainWorld _world = new(fixture);

    [Fact]
    public async Task An_enrolment_by_the_insurers_staff_lands_once_in_the_members_insurance()
    {
        var (person, number) = await _world.NumberedPerson();
        var insurer = await _world.Insurer();
        var command = GrainWorld.InsurerStaff(insurer);
        var events = await fixture.Store.GetVersionAsync(StreamRef.For(person).Key);

        var enrolled = await fixture.Client.GetInsurer(insurer).Enrol(command, GrainWorld.Enrolment(number));
        var retried = await fixture.Client.GetInsurer(insurer).Enrol(command, GrainWorld.Enrolment(number));

        Assert.True(enrolled.IsSuccess, enrolled.Error?.Code);
        Assert.Equal(enrolled.Value!.QualificationId, retried.Value!.QualificationId);
        Assert.Equal(LinkBasis.IndividualNumber, enrolled.Value.LinkedBy);
        var qualification = Assert.Single((await fixture.Client.GetPerson(person).GetInsurance()).Value!.Qualifications);
        Assert.Equal((enrolled.Value.QualificationId, insurer, CeilingCategory.UnderSeventyC), (qualification.QualificationId, qualification.Insurer, qualification.Ceiling));
        Assert.Equal(events + 1, await fixture.Store.GetVersionAsync(StreamRef.For(person).Key));
    }

    [Fact]
    public async Task Another_insurer_a_clerk_or_a_resident_cannot_enrol_into_this_insurer_and_nothing_is_written()
    {
        var (person, number) = await _world.NumberedPerson();
        var insurer = await _world.Insurer();
        var other = await _world.Insurer();
        var before = await fixture.Store.GetVersionAsync(StreamRef.For(person).Key);
        var grain = fixture.Client.GetInsurer(insurer);

        var byOtherInsurer = await grain.Enrol(GrainWorld.InsurerStaff(other), GrainWorld.Enrolment(number));
        var byClerk = await grain.Enrol(GrainWorld.Clerk(), GrainWorld.Enrolment(number));
        var byResident = await grain.Enrol(GrainWorld.Resident(person), GrainWorld.Enrolment(number));

        Assert.Equal("access.other-insurer", byOtherInsurer.Error!.Code);
        Assert.Equal("access.role-not-allowed", byClerk.Error!.Code);
        Assert.Equal("access.role-not-allowed", byResident.Error!.Code);
        Assert.Empty((await fixture.Client.GetPerson(person).GetInsurance()).Value!.Qualifications);
        Assert.Equal(before, await fixture.Store.GetVersionAsync(StreamRef.For(person).Key));
    }
}
