using Myna.Domain.Calendar;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Tests.Insurance;

/// <summary>
/// Which qualification a resident's confirmation document is for: the one named, or the one in force on
/// Japan's date (its last day included). Asked at 23:59 and at 00:00 JST on the last day's edge.
/// </summary>
public class ConfirmationDocumentQualificationSpecs
{
    private static readonly InsurerNumber Kyokai = new("01130012");
    private static readonly DateOnly LastDay = new(2026, 3, 31);

    private static readonly InsuranceQualificationView Ending =
        new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000e1"), Kyokai, new InsuredId("1", "2", "00"), new DateOnly(2020, 4, 1), LastDay, CeilingCategory.UnderSeventyC, LinkBasis.IndividualNumber, null);

    private static readonly InsuranceQualificationView Next =
        new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000e2"), new InsurerNumber("06139993"), new InsuredId("3", "4", "00"), LastDay.AddDays(1), null, CeilingCategory.UnderSeventyC, LinkBasis.IndividualNumber, null);

    private static InsuranceSummary Insurance(params InsuranceQualificationView[] qualifications) =>
        new("山田 太郎", new DateOnly(1990, 4, 1), false, qualifications, [], null);

    private static DateOnly JapanDateAt(int hour, int minute, int dayOffset = 0) =>
        JapanCalendar.DateOf(new DateTimeOffset(LastDay.AddDays(dayOffset), new TimeOnly(hour, minute), TimeSpan.FromHours(9)));

    [Fact]
    public void At_23_59_JST_on_its_last_day_the_ending_qualification_is_the_one()
    {
        var picked = InsuranceRules.DocumentQualification(Insurance(Ending, Next), null, JapanDateAt(23, 59));

        Assert.Equal(Ending.QualificationId, picked.Value!.QualificationId);
    }

    [Fact]
    public void At_00_00_JST_the_next_day_the_next_qualification_is_the_one()
    {
        var picked = InsuranceRules.DocumentQualification(Insurance(Ending, Next), null, JapanDateAt(0, 0, dayOffset: 1));

        Assert.Equal(Next.QualificationId, picked.Value!.QualificationId);
    }

    [Fact]
    public void With_none_in_force_or_an_unknown_one_named_there_is_no_document()
    {
        var none = InsuranceRules.DocumentQualification(Insurance(Ending), null, JapanDateAt(0, 0, dayOffset: 1));
        var unknown = InsuranceRules.DocumentQualification(Insurance(Ending, Next), Guid.NewGuid(), JapanDateAt(12, 0));
        var named = InsuranceRules.DocumentQualification(Insurance(Ending, Next), Ending.QualificationId, JapanDateAt(12, 0, dayOffset: 5));

        Assert.Equal("insurance.qualification-not-found", none.Error!.Code);
        Assert.Equal("insurance.qualification-not-found", unknown.Error!.Code);
        Assert.Equal(Ending.QualificationId, named.Value!.QualificationId);
    }
}
