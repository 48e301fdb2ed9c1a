using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Tests.Insurance;

/// <summary>A qualification linked to the wrong person is voided: a correction in effect from its first day.</summary>
public class QualificationCorrectionSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Insurer = new("kyokai-13", "insurer");
    private static readonly PersonId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000002"));
    private static readonly BasicFourItems Taro = new("山田 太郎", "東京都千代田区霞が関1丁目2番3号", new DateOnly(1990, 4, 1), Sex.Male);
    private static readonly InsurerNumber Kyokai = new("01130012");
    private static readonly InsurerNumber Kumiai = new("06139993");
    private static readonly Guid Qualification = Guid.Parse("0193a5b0-0000-7000-8000-0000000000aa");

    private static PersonState Given(params IPersonEvent[] events) =>
        AggregateState.Fold(PersonState.Initial, [
            new PersonRegistered(Id, Taro, new MunicipalityCode("131016"), RegistrationReason.Birth, Now.AddYears(-1), Insurer),
            new InsuranceQualificationAcquired(Id, Qualification, Kyokai, new InsuredId("記号1", "123", "00"), new DateOnly(2026, 4, 1), null,
                CeilingCategory.UnderSeventyC, LinkBasis.BasicFourItems, Now.AddMonths(-6), Insurer),
            .. events]);

    [Fact]
    public void The_insurer_voids_its_qualification_from_its_first_day_in_japan_time()
    {
        var decision = InsuranceCorrections.Void(Given(), new VoidQualification(Qualification, Kyokai, " linked to the wrong person "), Now, Insurer);

        var voided = Assert.IsType<InsuranceQualificationVoided>(Assert.Single(decision.Events));
        Assert.Equal(new InsuranceQualificationVoided(Id, Qualification, Kyokai, "linked to the wrong person",
            new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(9)), Now, Insurer), voided);
        Assert.Empty(Given(voided).Qualifications);
    }

    [Fact]
    public void Another_insurer_an_unknown_qualification_or_no_reason_is_refused()
    {
        Assert.Equal("insurance.qualification-not-found", InsuranceCorrections.Void(Given(), new VoidQualification(Qualification, Kumiai, "wrong"), Now, Insurer).Error?.Code);
        Assert.Equal("insurance.qualification-not-found", InsuranceCorrections.Void(Given(), new VoidQualification(Guid.NewGuid(), Kyokai, "wrong"), Now, Insurer).Error?.Code);
        Assert.Equal("insurance.invalid-reason", InsuranceCorrections.Void(Given(), new VoidQualification(Qualification, Kyokai, " "), Now, Insurer).Error?.Code);
    }

    [Fact]
    public void A_voided_qualification_cannot_be_voided_again_and_applying_it_twice_changes_nothing()
    {
        var voided = new InsuranceQualificationVoided(Id, Qualification, Kyokai, "wrong", Now.AddMonths(-6), Now, Insurer);

        Assert.Equal("insurance.qualification-not-found", InsuranceCorrections.Void(Given(voided), new VoidQualification(Qualification, Kyokai, "again"), Now, Insurer).Error?.Code);
        Assert.Empty(Given(voided, voided).Qualifications);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_voiding_reason_is_a_display_text(string reason)
    {
        var refused = InsuranceCorrections.Void(Given(), new VoidQualification(Qualification, Kyokai, reason), Now, Insurer);
        Assert.Equal("insurance.invalid-reason", refused.Error?.Code);
        Assert.Empty(refused.Events);
    }
}
