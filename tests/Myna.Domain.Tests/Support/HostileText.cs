namespace Myna.Domain.Tests.Support;

/// <summary>
/// Texts no free-text field may record: invisible formatting that makes a record read as something else, and an
/// Individual Number keyed in (plain, grouped as the card prints it, in full-width digits). Each is wrapped in
/// ordinary words, so it is the hostile part that is refused, not the length. A lone surrogate is refused by the
/// same rule (PersonSpecs has it), but theory data cannot carry one: the test runner replaces it with U+FFFD.
/// </summary>
public static class HostileText
{
    public static TheoryData<string> Refused => new()
    {
        "紛失\u202Eした",              // right-to-left override
        "紛失\u200Bした",              // zero-width space
        "紛失\uFEFFした",              // byte-order mark
        "番号 123456789018 を記入",     // a 12-digit run
        "番号 1234 5678 9018 を記入",   // grouped as on the card
        "番号 １２３４-５６７８-９０１８", // full-width digits, hyphenated
    };

    /// <summary>Ordinary reasons that must still pass: digits, dates and references shorter than a number.</summary>
    public static TheoryData<string> Accepted => new()
    {
        "電車で紛失 (届出番号 2026-001234)",
        "lost on 2026-12-01, police report 12345678901",
        "𠮷野家の前で紛失",
    };
}
