using System.Buffers;
using System.Globalization;
using System.Text;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>
/// Compares the basic four items a member gave an insurer with the resident record (invariant 8:
/// insurance links only on the Individual Number or a match on all four items; a partial match never
/// links). Normalisation removes differences of writing only (width, spacing, case, how a block number
/// is spelt); it never equates different characters of a name (e.g. 髙/高, 﨑/崎 stay different), so any
/// doubt ends as a mismatch and the clerk falls back to the number.
/// </summary>
public static class BasicFourMatching
{
    /// <summary>
    /// NFKC (full-/half-width, half-width katakana with voiced marks), then: all white space (incl. the
    /// ideographic space U+3000) and invisible format characters (zero-width space, BOM) are removed;
    /// variation selectors (IVS, e.g. 葛 with or without U+E0100) are removed, as they select a glyph of
    /// the same character; middle dots (・ ･ · ‧ • ∙ ⋅) separate the parts of a foreign name like a
    /// space and are removed too; dash-like characters (‐ ‑ ‒ – — ― − －) become '-' and the katakana
    /// double hyphen ゠ becomes '='; Latin (and other cased) letters are upper-cased (invariant).
    /// The long-vowel mark ー is kept.
    /// </summary>
    public static string NormaliseName(string? text)
    {
        var source = (text ?? string.Empty).Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(source.Length);
        foreach (var rune in source.EnumerateRunes())
        {
            if (IsInvisible(rune) || Rune.IsWhiteSpace(rune) || IsMiddleDot(rune))
            {
                continue;
            }
            if (IsDash(rune))
            {
                builder.Append('-');
            }
            else if (rune.Value == 0x30A0)
            {
                builder.Append('=');
            }
            else
            {
                builder.Append(Rune.ToUpperInvariant(rune).ToString());
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Normalises an address so that ways of writing the same block number compare equal, e.g.
    /// 「東京都千代田区霞が関一丁目２番３号」 and 「東京都千代田区霞ヶ関1-2-3」 both give 「東京都千代田区霞ケ関1-2-3」.
    /// In order:
    /// <list type="number">
    /// <item>NFKC (full-width digits, letters and －, half-width katakana); invisible format characters and
    /// variation selectors are dropped; Latin letters are upper-cased (invariant).</item>
    /// <item>Dash-like characters (‐ ‑ ‒ – — ― − ─ ━ and the small/full-width hyphen-minus) become '-'.
    /// The long-vowel mark ー (and half-width ｰ, which NFKC turns into ー) becomes '-' only between two
    /// digits: elsewhere it is a long vowel in a building or town name (センター, ｾﾝﾀｰ), so half-width ｰ is
    /// deliberately not unified unconditionally.</item>
    /// <item>White space is removed, except that white space between two digits becomes '-' so that two
    /// numbers never merge into one (「1-2-3 101」 gives 「1-2-3-101」, not 「1-2-3101」).</item>
    /// <item>ヶ ヵ ケ が ガ between two kanji (々 counts as kanji) become ケ (霞が関 = 霞ヶ関 = 霞ケ関,
    /// 三ケ日 = 三ヶ日). Only between kanji: a kana next to kana or a digit is part of a word and is kept.</item>
    /// <item>A kanji numeral 1–99 (一…九, 十, 十一…九十九) immediately followed by 丁目, 番地, 番 or 号 becomes
    /// ASCII digits. A run of numerals that is not such a number (e.g. 一二, 百八) is left as written.</item>
    /// <item>Digits followed by 丁目, 番地, 番 or 号 become the digits and '-'. Exception: 番 followed by 町, or by
    /// 丁 that is not 丁目, is part of a town name (四番町, 一番丁): the digits are converted, 番 is kept.</item>
    /// <item>の between two numbers (「5番地の2」, 「12の3」) becomes '-'.</item>
    /// <item>Runs of '-' become one '-', and a '-' is kept only between two digits: a trailing '-' and a
    /// '-' before or after a name are dropped (「1-2-3号 メゾン」 = 「1-2-3メゾン」).</item>
    /// </list>
    /// </summary>
    public static string NormaliseAddress(string? text)
    {
        var source = (text ?? string.Empty).Normalize(NormalizationForm.FormKC);
        var step = CleanAddress(source);
        step = LongVowelBetweenDigits(step);
        step = UnifyKe(step);
        step = KanjiNumeralsBeforeSuffix(step);
        step = SuffixesToHyphens(step);
        return TidyHyphens(step);
    }

    /// <summary>
    /// The items that differ after normalisation, in <see cref="BasicFourItem"/> order; an empty list is a
    /// full match. Name and address compare normalised (<see cref="NormaliseName"/>,
    /// <see cref="NormaliseAddress"/>); date of birth and sex compare exactly. A name or address that is
    /// blank after normalisation never matches, even a blank one: an empty item proves nothing.
    /// </summary>
    public static IReadOnlyList<BasicFourItem> Mismatches(BasicFourItems record, BasicFourItems claimed)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(claimed);
        var mismatches = new List<BasicFourItem>(4);
        if (!SameNonEmpty(NormaliseName(record.Name), NormaliseName(claimed.Name)))
        {
            mismatches.Add(BasicFourItem.Name);
        }
        if (!SameNonEmpty(NormaliseAddress(record.Address), NormaliseAddress(claimed.Address)))
        {
            mismatches.Add(BasicFourItem.Address);
        }
        if (record.DateOfBirth != claimed.DateOfBirth)
        {
            mismatches.Add(BasicFourItem.DateOfBirth);
        }
        if (record.Sex != claimed.Sex)
        {
            mismatches.Add(BasicFourItem.Sex);
        }
        return mismatches.ToArray();
    }

    private static bool SameNonEmpty(string a, string b) => a.Length > 0 && string.Equals(a, b, StringComparison.Ordinal);

    private static string CleanAddress(string source)
    {
        var builder = new StringBuilder(source.Length);
        var pendingSpace = false;
        foreach (var rune in source.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || IsInvisible(rune))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && builder.Length > 0 && char.IsAsciiDigit(builder[^1]) && rune.IsAscii && char.IsAsciiDigit((char)rune.Value))
            {
                builder.Append('-');
            }
            pendingSpace = false;
            if (IsDash(rune))
            {
                builder.Append('-');
            }
            else
            {
                builder.Append(Rune.ToUpperInvariant(rune).ToString());
            }
        }
        return builder.ToString();
    }

    private static string LongVowelBetweenDigits(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 1; i < chars.Length - 1; i++)
        {
            if (chars[i] == 'ー' && char.IsAsciiDigit(chars[i - 1]) && char.IsAsciiDigit(chars[i + 1]))
            {
                chars[i] = '-';
            }
        }
        return new string(chars);
    }

    private static string UnifyKe(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 1; i < chars.Length - 1; i++)
        {
            if (chars[i] is 'ヶ' or 'ヵ' or 'ケ' or 'が' or 'ガ' && IsKanjiBefore(s, i) && IsKanjiAfter(s, i))
            {
                chars[i] = 'ケ';
            }
        }
        return new string(chars);
    }

    private static string KanjiNumeralsBeforeSuffix(string s)
    {
        var builder = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            if (KanjiDigit(s[i]) is null && s[i] != '十')
            {
                builder.Append(s[i]);
                i++;
                continue;
            }
            var end = i;
            while (end < s.Length && (KanjiDigit(s[end]) is not null || s[end] == '十'))
            {
                end++;
            }
            var run = s.AsSpan(i, end - i);
            if (SuffixLength(s, end) > 0 && ParseKanjiNumber(run) is { } value)
            {
                builder.Append(value.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(run);
            }
            i = end;
        }
        return builder.ToString();
    }

    private static string SuffixesToHyphens(string s)
    {
        var builder = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                builder.Append(s[i]);
                i++;
                continue;
            }
            var end = i;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }
            builder.Append(s.AsSpan(i, end - i));
            var suffix = SuffixLength(s, end);
            if (suffix > 0 && !IsTownNameBan(s, end))
            {
                builder.Append('-');
                end += suffix;
            }
            i = end;
        }
        return builder.ToString();
    }

    private static string TidyHyphens(string s)
    {
        // の between two numbers is a separator.
        var chars = s.ToCharArray();
        for (var i = 1; i < chars.Length - 1; i++)
        {
            if (chars[i] == 'の' && (char.IsAsciiDigit(chars[i - 1]) || chars[i - 1] == '-') && char.IsAsciiDigit(chars[i + 1]))
            {
                chars[i] = '-';
            }
        }
        var builder = new StringBuilder(chars.Length);
        var i2 = 0;
        while (i2 < chars.Length)
        {
            if (chars[i2] != '-')
            {
                builder.Append(chars[i2]);
                i2++;
                continue;
            }
            var end = i2;
            while (end < chars.Length && chars[end] == '-')
            {
                end++;
            }
            if (builder.Length > 0 && char.IsAsciiDigit(builder[^1]) && end < chars.Length && char.IsAsciiDigit(chars[end]))
            {
                builder.Append('-');
            }
            i2 = end;
        }
        return builder.ToString();
    }

    /// <summary>Length of 丁目, 番地, 番 or 号 at <paramref name="index"/>, or 0.</summary>
    private static int SuffixLength(string s, int index)
    {
        var rest = s.AsSpan(index);
        if (rest.StartsWith("丁目", StringComparison.Ordinal) || rest.StartsWith("番地", StringComparison.Ordinal))
        {
            return 2;
        }
        return rest.Length > 0 && rest[0] is '番' or '号' ? 1 : 0;
    }

    /// <summary>番 followed by 町, or by 丁 that is not 丁目: part of a town name such as 四番町 or 一番丁.</summary>
    private static bool IsTownNameBan(string s, int index)
    {
        var rest = s.AsSpan(index);
        return rest.Length >= 2 && rest[0] == '番' && !rest.StartsWith("番地", StringComparison.Ordinal)
            && (rest[1] == '町' || (rest[1] == '丁' && !rest[1..].StartsWith("丁目", StringComparison.Ordinal)));
    }

    private static int? KanjiDigit(char c) => c switch
    {
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => null,
    };

    /// <summary>1–99 written 一…九, 十, 十一…十九, 二十…九十九; anything else (一二, 一十, 十十) is null.</summary>
    private static int? ParseKanjiNumber(ReadOnlySpan<char> run)
    {
        var ten = run.IndexOf('十');
        if (ten < 0)
        {
            return run.Length == 1 ? KanjiDigit(run[0]) : null;
        }
        if (run.LastIndexOf('十') != ten || ten > 1 || run.Length - ten > 2)
        {
            return null;
        }
        int tens;
        if (ten == 0)
        {
            tens = 1;
        }
        else if (KanjiDigit(run[0]) is { } t and >= 2)
        {
            tens = t;
        }
        else
        {
            return null;
        }
        var ones = run.Length == ten + 1 ? 0 : KanjiDigit(run[ten + 1]) ?? 0;
        return (tens * 10) + ones;
    }

    private static bool IsKanjiBefore(string s, int index) =>
        Rune.DecodeLastFromUtf16(s.AsSpan(0, index), out var rune, out _) == OperationStatus.Done && IsKanji(rune);

    private static bool IsKanjiAfter(string s, int index) =>
        Rune.DecodeFromUtf16(s.AsSpan(index + 1), out var rune, out _) == OperationStatus.Done && IsKanji(rune);

    private static bool IsKanji(Rune rune) => rune.Value is
        0x3005 // 々
        or (>= 0x3400 and <= 0x4DBF)
        or (>= 0x4E00 and <= 0x9FFF)
        or (>= 0xF900 and <= 0xFAFF)
        or (>= 0x20000 and <= 0x3134F);

    private static bool IsDash(Rune rune) => rune.Value is
        '-'
        or (>= 0x2010 and <= 0x2015) // ‐ ‑ ‒ – — ―
        or 0x2212 // −
        or 0x2500 or 0x2501 // ─ ━ (typed for a dash by Japanese IMEs)
        or 0xFE58 or 0xFE63 or 0xFF0D;

    private static bool IsMiddleDot(Rune rune) => rune.Value is 0x00B7 or 0x2022 or 0x2027 or 0x2219 or 0x22C5 or 0x30FB or 0xFF65;

    /// <summary>Format characters (zero-width space, joiners, BOM) and variation selectors.</summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
        || rune.Value is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);
}
