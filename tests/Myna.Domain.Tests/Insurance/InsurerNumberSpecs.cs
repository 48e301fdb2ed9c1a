using System.Text.Json;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Tests.Insurance;

public class InsurerNumberSpecs
{
    // Check digits worked by hand (weights 2,1,2,… from the right, digits of each product summed),
    // e.g. body 0613001: 1×2 + 0 + 0×2 + 3 + 1×2 + 6 + 0×2 = 13 → (10 − 3) mod 10 = 7.
    [Theory]
    [InlineData("0113001", '2')] // 2+0+0+3+2+1+0 = 8 → 2 (協会けんぽ 東京支部 01130012)
    [InlineData("0613001", '7')] // 13 → 7
    [InlineData("2717999", '3')] // 18→9, 9, 18→9, 7, 2, 7, 4 = 47 → 3
    [InlineData("3114001", '5')] // 2+0+0+4+2+1+6 = 15 → 5
    [InlineData("0101004", '0')] // 8+0+0+1+0+1+0 = 10 → 0
    [InlineData("13804", '0')] // 8+0+16→7+3+2 = 20 → 0 (6-digit)
    [InlineData("13805", '7')] // 10→1, 0, 16→7, 3, 2 = 13 → 7
    [InlineData("01001", '7')] // 2+0+0+1+0 = 3 → 7
    [InlineData("27000", '9')] // 0+0+0+7+4 = 11 → 9
    public void The_check_digit_matches_the_hand_computation(string body, char expected) =>
        Assert.Equal(expected, InsurerNumber.ComputeCheckDigit(body));

    [Theory]
    [InlineData("01130012", "01", "13")]
    [InlineData("06130017", "06", "13")]
    [InlineData("27179993", "27", "17")]
    [InlineData("31140015", "31", "14")]
    [InlineData("01010040", "01", "01")]
    [InlineData("39470018", "39", "47")]
    public void Valid_8_digit_numbers_are_accepted(string text, string scheme, string prefecture)
    {
        Assert.True(InsurerNumber.TryParse(text, out var number, out var reason));
        Assert.Equal(string.Empty, reason);
        Assert.Equal(text, number.Value);
        Assert.Equal(text, number.ToString());
        Assert.False(number.IsNationalHealthInsurance);
        Assert.Equal(scheme, number.Scheme);
        Assert.Equal(prefecture, number.Prefecture);
    }

    [Theory]
    [InlineData("138040", "13")]
    [InlineData("138057", "13")]
    [InlineData("010017", "01")]
    [InlineData("270009", "27")]
    [InlineData("470013", "47")]
    public void Valid_6_digit_national_health_insurance_numbers_are_accepted(string text, string prefecture)
    {
        Assert.True(InsurerNumber.TryParse(text, out var number, out var reason));
        Assert.Equal(string.Empty, reason);
        Assert.True(number.IsNationalHealthInsurance);
        Assert.Null(number.Scheme);
        Assert.Equal(prefecture, number.Prefecture);
    }

    [Theory]
    [InlineData(" 01130012 ", "01130012")]
    [InlineData("\t138040\n", "138040")]
    public void Surrounding_white_space_is_trimmed(string text, string expected)
    {
        Assert.True(InsurerNumber.TryParse(text, out var number, out _));
        Assert.Equal(expected, number.Value);
    }

    [Theory]
    [InlineData("01130013")]
    [InlineData("06130010")]
    [InlineData("27179999")]
    [InlineData("138041")]
    [InlineData("010018")]
    // two adjacent digits swapped
    [InlineData("10130012")]
    public void A_wrong_check_digit_is_refused(string text)
    {
        Assert.False(InsurerNumber.TryParse(text, out var number, out var reason));
        Assert.Equal(default, number);
        Assert.Contains("check digit", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0113001")]
    [InlineData("011300120")]
    [InlineData("13804")]
    [InlineData("1380400")]
    [InlineData("1")]
    [InlineData("0113001201130012")]
    public void A_wrong_length_is_refused(string text)
    {
        Assert.False(InsurerNumber.TryParse(text, out _, out var reason));
        Assert.Contains("8 digits", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0113001A")]
    [InlineData("O1130012")] // letter O
    [InlineData("0113-0012")]
    [InlineData("0113 0012")]
    [InlineData("１３８０４０")] // full-width digits are not normalised
    [InlineData("０１１３００１２")]
    [InlineData("01130０12")]
    [InlineData("٠١١٣٠٠١٢")] // Arabic-Indic digits
    public void Anything_but_ASCII_digits_is_refused(string text)
    {
        Assert.False(InsurerNumber.TryParse(text, out _, out var reason));
        Assert.Contains("digits 0-9", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_number_is_refused(string? text)
    {
        Assert.False(InsurerNumber.TryParse(text, out _, out var reason));
        Assert.Equal("Enter the insurer number.", reason);
    }

    // The check digits are right, so only the prefecture can be the reason.
    [Theory]
    [InlineData("01000017")]
    [InlineData("01480011")]
    [InlineData("000018")]
    [InlineData("480012")]
    public void Prefecture_00_and_48_are_refused(string text)
    {
        Assert.Equal(text[^1], InsurerNumber.ComputeCheckDigit(text.AsSpan(0, text.Length - 1)));
        Assert.False(InsurerNumber.TryParse(text, out _, out var reason));
        Assert.Contains("prefecture", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheme_00_is_refused()
    {
        Assert.Equal('5', InsurerNumber.ComputeCheckDigit("0013000"));
        Assert.False(InsurerNumber.TryParse("00130005", out _, out var reason));
        Assert.Contains("scheme", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01a")]
    [InlineData("０１")]
    public void Computing_a_check_digit_needs_ASCII_digits(string body) =>
        Assert.Throws<ArgumentException>(() => InsurerNumber.ComputeCheckDigit(body));

    [Fact]
    public void Json_is_the_plain_string_both_ways()
    {
        Assert.True(InsurerNumber.TryParse("06130017", out var number, out _));
        var json = JsonSerializer.Serialize(number);
        Assert.Equal("\"06130017\"", json);
        Assert.Equal(number, JsonSerializer.Deserialize<InsurerNumber>(json));
    }

    [Theory]
    [InlineData("\"06130010\"")]
    [InlineData("\"\"")]
    [InlineData("\"０６１３００１７\"")]
    [InlineData("6130017")]
    [InlineData("null")]
    public void Json_with_an_invalid_number_is_refused(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<InsurerNumber>(json));
}
