using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Portal;

/// <summary>
/// Level 3: the resident's portal grain on its own, where it reaches other grains. It asks the right insurer
/// for the resident's confirmation document (today's qualification by Japan's date, or the one named), for
/// the holder only; and it derives notifications from the cards and insurance it is given.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class PortalGrainTests(GrainClusterFixture fixture)
{
    private readonly GrainWorld _world = new(fixture);

    private Task<(PersonId Person, InsurerNumber Insurer, Guid Qualification)> EnrolledPerson() => _world.EnrolledPerson();

    [Fact]
    public async Task The_holder_gets_a_confirmation_document_for_todays_qualification_from_its_insurer()
    {
        var (person, insurer, qualification) = await EnrolledPerson();

        var document = await fixture.Client.GetPortal(person).RequestConfirmationDocument(GrainWorld.Resident(person), null);

        Assert.True(document.IsSuccess, document.Error?.Code);
        Assert.Equal(qualification, document.Value!.QualificationId);
        Assert.Equal(insurer, document.Value.Insurer);
        Assert.Equal(ConfirmationDocumentReason.Requested, document.Value.Reason);
        var insurance = (await fixture.Client.GetPerson(person).GetInsurance()).Value!;
        Assert.Contains(insurance.Documents, d => d.DocumentNumber == document.Value.DocumentNumber);
    }

    [Fact]
    public async Task Nobody_else_asks_for_a_residents_document_and_an_unknown_qualification_is_not_found()
    {
        var (person, _, _) = await EnrolledPerson();
        var portal = fixture.Client.GetPortal(person);

        var otherResident = await portal.RequestConfirmationDocument(GrainWorld.Resident(PersonId.New()), null);
        var clerk = await portal.RequestConfirmationDocument(GrainWorld.Clerk(), null);
        var unknown = await portal.RequestConfirmationDocument(GrainWorld.Resident(person), Guid.NewGuid());

        Assert.Equal("access.not-the-holder", otherResident.Error!.Code);
        Assert.Equal("access.role-not-allowed", clerk.Error!.Code);
        Assert.Equal("insurance.qualification-not-found", unknown.Error!.Code);
        Assert.Empty((await fixture.Client.GetPerson(person).GetInsurance()).Value!.Documents);
    }

    [Fact]
    public async Task Notifications_are_derived_from_the_insurance_and_cards_given()
    {
        var (person, insurer, _) = await EnrolledPerson();
        var insurance = (await fixture.Client.GetPerson(person).GetInsurance()).Value!;

        var withInsurance = await fixture.Client.GetPortal(person).GetNotifications([], insurance);
        var withoutQualifications = await fixture.Client.GetPortal(person).GetNotifications([], insurance with { Qualifications = [] });

        var started = Assert.Single(withInsurance, n => n.Kind == "insurance.qualification-started");
        Assert.Contains(insurer.Value, started.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(withInsurance, n => n.Kind == "insurance.no-active-qualification");
        Assert.Contains(withoutQualifications, n => n.Kind == "insurance.no-active-qualification");
    }
}
