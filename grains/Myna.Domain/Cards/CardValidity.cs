namespace Myna.Domain.Cards;

/// <summary>
/// Validity periods, fixed at issue:
/// <list type="bullet">
/// <item>Card: to the 10th birthday after issue if the holder is an adult at issue, else the 5th.
/// "Adult" is 18 since 2022-04-01 (age of majority reform); applications made before that date keep
/// the old threshold of 20.</item>
/// <item>Certificates: to the 5th birthday after issue, never past the card's expiry.</item>
/// </list>
/// "The Nth birthday after issue" counts birthdays strictly after the issue date. A 29 February birthday
/// falls on 28 February in common years (the last day of the birth month), for ages and expiry alike.
/// </summary>
public static class CardValidity
{
    public static readonly DateOnly MajorityReform = new(2022, 4, 1);

    public static int AgeOn(DateOnly dateOfBirth, DateOnly day)
    {
        var age = day.Year - dateOfBirth.Year;
        return BirthdayIn(dateOfBirth, day.Year) > day ? age - 1 : age;
    }

    public static DateOnly BirthdayIn(DateOnly dateOfBirth, int year) =>
        dateOfBirth is { Month: 2, Day: 29 } && !DateTime.IsLeapYear(year)
            ? new DateOnly(year, 2, 28)
            : new DateOnly(year, dateOfBirth.Month, dateOfBirth.Day);

    /// <summary>The <paramref name="n"/>-th birthday strictly after <paramref name="issuedOn"/>.</summary>
    public static DateOnly NthBirthdayAfter(DateOnly dateOfBirth, DateOnly issuedOn, int n)
    {
        var first = BirthdayIn(dateOfBirth, issuedOn.Year) > issuedOn ? issuedOn.Year : issuedOn.Year + 1;
        return BirthdayIn(dateOfBirth, first + n - 1);
    }

    public static int AdultAge(DateOnly appliedOn) => appliedOn < MajorityReform ? 20 : 18;

    public static DateOnly CardExpiry(DateOnly dateOfBirth, DateOnly appliedOn, DateOnly issuedOn) =>
        NthBirthdayAfter(dateOfBirth, issuedOn, AgeOn(dateOfBirth, issuedOn) >= AdultAge(appliedOn) ? 10 : 5);

    public static DateOnly CertificateExpiry(DateOnly dateOfBirth, DateOnly issuedOn, DateOnly cardExpiry)
    {
        var fifth = NthBirthdayAfter(dateOfBirth, issuedOn, 5);
        return fifth < cardExpiry ? fifth : cardExpiry;
    }

    /// <summary>No signature certificate under 15 or for an adult under guardianship.</summary>
    public const int SignatureCertificateMinimumAge = 15;

    /// <summary>Renewal opens three months before expiry.</summary>
    public static DateOnly RenewalOpensOn(DateOnly expiry) => expiry.AddMonths(-3);
}
