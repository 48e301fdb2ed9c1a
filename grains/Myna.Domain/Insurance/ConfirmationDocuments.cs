namespace Myna.Domain.Insurance;

/// <summary>
/// Eligibility confirmation documents (資格確認書): numbered with 16 base32 characters derived from the
/// issuing command (so a retry issues the same document), valid up to five years and never past the
/// qualification's last day.
/// </summary>
public static class ConfirmationDocuments
{
    public const int NumberLength = 16;
    public const int ValidityYears = 5;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static bool IsDocumentNumber(string? text) =>
        text is { Length: NumberLength } && text.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    public static string NumberFrom(Guid derived)
    {
        var bytes = derived.ToByteArray();
        var chars = new char[NumberLength];
        ulong bits = 0;
        var have = 0;
        var index = 0;
        for (var i = 0; index < NumberLength; i++)
        {
            bits = (bits << 8) | bytes[i];
            have += 8;
            while (have >= 5 && index < NumberLength)
            {
                have -= 5;
                chars[index++] = Alphabet[(int)((bits >> have) & 31)];
            }
        }
        return new string(chars);
    }

    public static DateOnly ValidUntil(DateOnly issuedOn, DateOnly? qualificationLastDay)
    {
        var fiveYears = issuedOn.AddYears(ValidityYears).AddDays(-1);
        return qualificationLastDay is { } last && last < fiveYears ? last : fiveYears;
    }
}
