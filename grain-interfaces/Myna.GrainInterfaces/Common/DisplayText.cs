using System.Buffers;
using System.Globalization;
using System.Text;

namespace Myna.GrainInterfaces.Common;

/// <summary>
/// Free text that people read back: a person's name and address, an insurer's, an app's, an institution's or a
/// kiosk's store's name, a disaster's name, a procedure's name, and every reason, note, legal basis and reference
/// a caller keys (a card's suspension, an insurer's, a kiosk's, a campaign's, a disaster's end, a procedure's
/// return). One rule for all of them: printable characters only. Control characters, line and paragraph separators, and invisible formatting characters
/// (a right-to-left override, zero-width spaces, a byte-order mark) are refused: they let a record read as something
/// other than what it holds, on a screen at the counter or in a resident's access log. Ideographic variation
/// selectors (the variant kanji of the resident record) are marks, not formatting, and private-use characters (a
/// municipality's own outside-Unicode kanji) are kept. Nor may it hold a run of twelve digits or more (spaces and
/// hyphens between them do not end a run: the card prints the number in groups of four): a display text is shown
/// to clinics, apps and agencies, which must never be shown an Individual Number, and a name or an address never
/// holds one.
/// </summary>
public static class DisplayText
{
    /// <summary>What every refusal of a display text says of its shape.</summary>
    public const string Shape = "printable characters, without a run of 12 digits";

    /// <summary>1 to <paramref name="maxLength"/> characters, all printable: the one check of every display text.</summary>
    public static bool Fits(string text, int maxLength) => text.Length > 0 && text.Length <= maxLength && IsPrintable(text) && !HoldsNumberLikeRun(text);

    /// <summary>Digits in a run long enough to be an Individual Number (12), in any script's digits, grouped or not.</summary>
    public const int NumberLikeRun = 12;

    public static bool HoldsNumberLikeRun(string text)
    {
        var digits = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsDigit(rune))
            {
                if (++digits >= NumberLikeRun)
                {
                    return true;
                }
            }
            else if (!(digits > 0 && IsGroupSeparator(rune)))
            {
                digits = 0;
            }
        }
        return false;
    }

    /// <summary>What may stand between the groups of a number written out: spaces and hyphens, half- or full-width.</summary>
    private static bool IsGroupSeparator(Rune rune) =>
        rune.Value is ' ' or '\u3000' or '-' or '\uFF0D' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2212' or '\u30FC' or '.' or '\uFF0E';

    public static bool IsPrintable(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done)
            {
                return false; // a lone surrogate
            }
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                    return false;
            }
            rest = rest[used..];
        }
        return true;
    }
}
