using System.Buffers;
using System.Globalization;
using System.Text;

namespace Myna.Domain.Text;

/// <summary>
/// Free text that people read back (a person's name and address, an insurer's or an app's name): printable
/// characters only. Control characters, line and paragraph separators, and invisible formatting characters
/// (a right-to-left override, zero-width spaces, a byte-order mark) are refused: they let a record read as something
/// other than what it holds, on a screen at the counter or in a resident's access log. Ideographic variation
/// selectors (the variant kanji of the resident record) are marks, not formatting, and private-use characters (a
/// municipality's own outside-Unicode kanji) are kept.
/// </summary>
public static class DisplayText
{
    /// <summary>1 to <paramref name="maxLength"/> characters, all printable: the one check of every display text.</summary>
    public static bool Fits(string text, int maxLength) => text.Length > 0 && text.Length <= maxLength && IsPrintable(text);

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
