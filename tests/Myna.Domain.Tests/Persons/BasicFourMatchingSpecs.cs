using System.Globalization;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Tests.Persons;

public class BasicFourMatchingSpecs
{
    private const string Kasumigaseki = "東京都千代田区霞ケ関1-2-3";

    private static readonly BasicFourItems Record = new("山田　太郎", "東京都千代田区霞が関一丁目２番３号", D("1980-01-02"), Sex.Male);

    private static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("山田 太郎", "山田太郎")]
    [InlineData("山田　太郎", "山田太郎")] // ideographic space
    [InlineData(" 山田\t太郎　", "山田太郎")]
    [InlineData("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ")] // half-width katakana with voiced mark
    [InlineData("ＪＯＨＮ　ＳＭＩＴＨ", "JOHNSMITH")]
    [InlineData("john smith", "JOHNSMITH")]
    [InlineData("John  Smith", "JOHNSMITH")]
    [InlineData("スミス・ジョン", "スミスジョン")]
    [InlineData("ｽﾐｽ･ｼﾞｮﾝ", "スミスジョン")]
    [InlineData("Smith·John", "SMITHJOHN")]
    [InlineData("ジャン゠ポール", "ジャン=ポール")]
    [InlineData("ジャン＝ポール", "ジャン=ポール")]
    [InlineData("Smith‐Jones", "SMITH-JONES")]
    [InlineData("Smith－Jones", "SMITH-JONES")]
    [InlineData("コーヒー", "コーヒー")] // the long-vowel mark stays
    [InlineData("山田\u200B太郎", "山田太郎")] // zero-width space
    [InlineData("葛\U000E0100飾", "葛飾")] // variation selector
    [InlineData(null, "")]
    [InlineData("", "")]
    public void Names_normalise(string? text, string expected) =>
        Assert.Equal(expected, BasicFourMatching.NormaliseName(text));

    [Theory]
    [InlineData("髙橋一郎", "高橋一郎")] // a different character is a different name
    [InlineData("山田太郎", "山田太朗")]
    [InlineData("ヤマダタロウ", "やまだたろう")] // katakana and hiragana are not equated
    [InlineData("コーヒー", "コ-ヒ-")]
    public void Different_names_stay_different(string a, string b) =>
        Assert.NotEqual(BasicFourMatching.NormaliseName(a), BasicFourMatching.NormaliseName(b));

    [Theory]
    [InlineData("東京都千代田区霞が関一丁目２番３号")]
    [InlineData("東京都千代田区霞ヶ関1-2-3")]
    [InlineData("東京都千代田区霞ケ関１－２－３")]
    [InlineData("東京都 千代田区　霞ヵ関 1‐2‐3")]
    [InlineData("東京都千代田区霞ガ関1丁目2番3号")]
    [InlineData("東京都千代田区霞が関1丁目2番地3")]
    [InlineData("東京都千代田区霞が関1ー2ー3")]
    [InlineData("東京都千代田区霞が関１ｰ２ｰ３")]
    [InlineData("東京都千代田区霞が関１丁目２−３")] // U+2212 minus
    [InlineData("東京都千代田区霞が関1―2―3")] // U+2015 horizontal bar
    [InlineData("東京都千代田区霞が関1–2–3")] // en dash
    [InlineData("東京都千代田区霞が関1—2—3")] // em dash
    [InlineData("東京都千代田区霞が関1‑2‒3")] // non-breaking hyphen, figure dash
    [InlineData("東京都千代田区霞が関1─2─3")] // box drawing, typed for a dash
    [InlineData("東京都千代田区霞が関1-2-3-")]
    [InlineData("東京都千代田区霞が関1丁目-2-3")]
    [InlineData("東京都千代田区霞が関-1-2-3")]
    [InlineData("東京都千代田区霞が関 1 2 3")]
    public void Ways_of_writing_the_same_address_normalise_equal(string text) =>
        Assert.Equal(Kasumigaseki, BasicFourMatching.NormaliseAddress(text));

    [Theory]
    [InlineData("1丁目2番地3", "1-2-3")]
    [InlineData("1-2-3", "1-2-3")]
    [InlineData("一丁目二番三号", "1-2-3")]
    [InlineData("十丁目", "10")]
    [InlineData("十一丁目", "11")]
    [InlineData("二十丁目", "20")]
    [InlineData("二十三番地", "23")]
    [InlineData("九十九号", "99")]
    [InlineData("南一条西十一丁目", "南一条西11")] // 一 before 条 is part of the name: kept
    [InlineData("5番地の2", "5-2")]
    [InlineData("字北野12の3", "字北野12-3")]
    [InlineData("千代田区四番町5番地", "千代田区4番町5")] // 番町 is a town name
    [InlineData("千代田区４番町５", "千代田区4番町5")]
    [InlineData("青葉区一番町二丁目", "青葉区1番町2")]
    [InlineData("港区麻布十番一丁目", "港区麻布10-1")]
    [InlineData("1丁目2番3号 メゾン霞101号室", "1-2-3メゾン霞101室")]
    [InlineData("1-2-3 メゾン霞101号室", "1-2-3メゾン霞101室")]
    [InlineData("1-2-3 101", "1-2-3-101")] // two numbers never merge
    [InlineData("abcマンション", "ABCマンション")]
    [InlineData("ｾﾝﾀｰ", "センター")] // a long vowel, not a hyphen
    [InlineData("浜松市北区三ヶ日町", "浜松市北区三ケ日町")]
    [InlineData("横浜市青葉区市が尾町", "横浜市青葉区市ケ尾町")]
    [InlineData("ひばりが丘", "ひばりが丘")] // not between kanji: kept
    [InlineData("ケヤキ通り", "ケヤキ通り")]
    [InlineData("一二番", "一二番")] // not a kanji number: left as written
    [InlineData("百八番地", "百8")] // 百 is not converted, so this never equals 108
    [InlineData(null, "")]
    public void Addresses_normalise(string? text, string expected) =>
        Assert.Equal(expected, BasicFourMatching.NormaliseAddress(text));

    [Theory]
    [InlineData("霞が関1-2-3", "霞が関1-2-4")]
    [InlineData("霞が関1-23", "霞が関12-3")]
    [InlineData("霞が関1-2-3 101", "霞が関1-2-3101")]
    [InlineData("ひばりが丘1-2", "ひばりケ丘1-2")]
    [InlineData("百八番地", "108番地")]
    public void Different_addresses_stay_different(string a, string b) =>
        Assert.NotEqual(BasicFourMatching.NormaliseAddress(a), BasicFourMatching.NormaliseAddress(b));

    [Theory]
    [InlineData("山田 太郎", "東京都千代田区霞ヶ関1-2-3", "1980-01-02", Sex.Male)]
    [InlineData("山田太郎", "東京都千代田区霞ケ関１丁目２番地３", "1980-01-02", Sex.Male)]
    [InlineData("　山田　太郎　", "東京都 千代田区 霞が関 一丁目 二番 三号", "1980-01-02", Sex.Male)]
    public void Writing_differences_are_a_full_match(string name, string address, string dob, Sex sex) =>
        Assert.Empty(BasicFourMatching.Mismatches(Record, new BasicFourItems(name, address, D(dob), sex)));

    [Theory]
    [InlineData("山田 次郎", "東京都千代田区霞ヶ関1-2-3", "1980-01-02", Sex.Male, new[] { BasicFourItem.Name })]
    [InlineData("山田 太郎", "東京都千代田区霞ヶ関1-2-4", "1980-01-02", Sex.Male, new[] { BasicFourItem.Address })]
    [InlineData("山田 太郎", "東京都千代田区霞ヶ関1-2-3", "1980-01-03", Sex.Male, new[] { BasicFourItem.DateOfBirth })]
    [InlineData("山田 太郎", "東京都千代田区霞ヶ関1-2-3", "1980-01-02", Sex.Female, new[] { BasicFourItem.Sex })]
    [InlineData("山田 次郎", "東京都千代田区霞ヶ関1-2-3", "1980-01-02", Sex.Female, new[] { BasicFourItem.Name, BasicFourItem.Sex })]
    [InlineData("佐藤 花子", "大阪府大阪市北区梅田1-1-1", "1981-02-03", Sex.Female,
        new[] { BasicFourItem.Name, BasicFourItem.Address, BasicFourItem.DateOfBirth, BasicFourItem.Sex })]
    public void Mismatched_items_are_reported_in_order(string name, string address, string dob, Sex sex, BasicFourItem[] expected) =>
        Assert.Equal(expected, BasicFourMatching.Mismatches(Record, new BasicFourItems(name, address, D(dob), sex)));

    [Theory]
    [InlineData("1980-01-01")]
    [InlineData("1980-01-03")]
    [InlineData("1981-01-02")]
    [InlineData("1980-02-01")] // month and day swapped
    public void The_date_of_birth_compares_exactly(string dob) =>
        Assert.Equal([BasicFourItem.DateOfBirth], BasicFourMatching.Mismatches(Record, Record with { DateOfBirth = D(dob) }));

    [Fact]
    public void Sex_compares_exactly()
    {
        Assert.Empty(BasicFourMatching.Mismatches(Record, Record with { Sex = Sex.Male }));
        Assert.Equal([BasicFourItem.Sex], BasicFourMatching.Mismatches(Record, Record with { Sex = Sex.Female }));
    }

    [Fact]
    public void A_blank_name_or_address_never_matches_even_a_blank_one()
    {
        var blank = Record with { Name = "　", Address = " " };
        Assert.Equal([BasicFourItem.Name, BasicFourItem.Address], BasicFourMatching.Mismatches(blank, blank));
        Assert.Equal([BasicFourItem.Name, BasicFourItem.Address], BasicFourMatching.Mismatches(Record, blank));
    }

    [Fact]
    public void The_record_matches_itself() =>
        Assert.Empty(BasicFourMatching.Mismatches(Record, Record));
}
