using System.Globalization;
using Myna.Domain.Cards;

namespace Myna.Domain.Tests.Cards;

public class CardValiditySpecs
{
    private static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    // adult (18+ after the 2022 reform): the 10th birthday after issue (2026-04-01 is the 1st)
    [InlineData("1990-04-01", "2026-01-10", "2026-01-10", "2035-04-01")]
    // issued on the birthday itself: that birthday does not count
    [InlineData("1990-04-01", "2026-03-01", "2026-04-01", "2036-04-01")]
    // 17 at issue: the 5th birthday
    [InlineData("2009-06-15", "2026-05-01", "2026-06-01", "2030-06-15")]
    // turned 18 the day before issue: 10 years
    [InlineData("2008-05-31", "2026-05-01", "2026-06-01", "2036-05-31")]
    // applied before 2022-04-01: adulthood at 20, so a 19-year-old gets 5 years even if issued later
    [InlineData("2002-09-01", "2022-03-15", "2022-05-10", "2026-09-01")]
    // applied after the reform: the same 19-year-old gets 10
    [InlineData("2002-09-01", "2022-04-01", "2022-05-10", "2031-09-01")]
    // born 29 February: the birthday falls on 28 February in common years
    [InlineData("2000-02-29", "2026-01-05", "2026-01-05", "2035-02-28")]
    // …and on 29 February in leap years: the 10th after 2026-03-01 is 2036-02-29
    [InlineData("2000-02-29", "2026-01-05", "2026-03-01", "2036-02-29")]
    [InlineData("2012-02-29", "2023-01-05", "2023-01-10", "2027-02-28")]
    public void Card_expiry_is_the_nth_birthday_after_issue(string dob, string applied, string issued, string expected) =>
        Assert.Equal(D(expected), CardValidity.CardExpiry(D(dob), D(applied), D(issued)));

    [Theory]
    [InlineData("1990-04-01", "2026-01-10", "2030-04-01")]
    // a child's certificate cannot outlive the card (both the 5th birthday here)
    [InlineData("2015-07-07", "2026-01-10", "2030-07-07")]
    public void Certificates_run_to_the_5th_birthday_and_never_past_the_card(string dob, string issued, string expected)
    {
        var card = CardValidity.CardExpiry(D(dob), D(issued), D(issued));
        var certificate = CardValidity.CertificateExpiry(D(dob), D(issued), card);
        Assert.Equal(D(expected), certificate);
        Assert.True(certificate <= card);
    }

    [Fact]
    public void A_certificate_is_capped_by_an_earlier_card_expiry()
    {
        Assert.Equal(D("2027-01-01"), CardValidity.CertificateExpiry(D("1990-04-01"), D("2026-01-10"), D("2027-01-01")));
    }

    [Theory]
    [InlineData("2000-02-29", "2026-02-27", 25)]
    [InlineData("2000-02-29", "2026-02-28", 26)]
    [InlineData("2008-05-31", "2026-05-30", 17)]
    [InlineData("2008-05-31", "2026-05-31", 18)]
    public void Age_counts_completed_years(string dob, string on, int age) =>
        Assert.Equal(age, CardValidity.AgeOn(D(dob), D(on)));

    [Fact]
    public void Renewal_opens_three_months_before_expiry() =>
        Assert.Equal(D("2036-01-01"), CardValidity.RenewalOpensOn(D("2036-04-01")));
}
