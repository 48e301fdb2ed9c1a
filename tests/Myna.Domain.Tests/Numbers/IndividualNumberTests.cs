using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Numbers;

public class IndividualNumberTests
{
    [Theory]
    [InlineData("123456789018")]
    [InlineData("987654321093")]
    [InlineData("123456789050")]
    [InlineData("200000000000")]
    [InlineData("000000000019")]
    public void The_examples_from_the_brief_are_valid(string digits)
    {
        Assert.True(IndividualNumber.TryParse(digits, out var number, out var error));
        Assert.Equal(IndividualNumberError.None, error);
        Assert.Equal(digits, number.Digits);
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("987654321090")]
    [InlineData("200000000001")]
    [InlineData("000000000010")]
    public void A_wrong_check_digit_is_refused(string digits)
    {
        Assert.False(IndividualNumber.TryParse(digits, out _, out var error));
        Assert.Equal(IndividualNumberError.InvalidCheckDigit, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345678901")]
    [InlineData("1234567890180")]
    [InlineData("12345678901a")]
    [InlineData("１２３４５６７８９０１８")]
    [InlineData(" 23456789018")]
    public void Anything_but_twelve_ascii_digits_is_a_format_error(string? text)
    {
        Assert.False(IndividualNumber.TryParse(text, out _, out var error));
        Assert.Equal(IndividualNumberError.InvalidFormat, error);
    }

    [Theory]
    [InlineData("12345678901", '8')]
    [InlineData("98765432109", '3')]
    [InlineData("00000000001", '9')]
    public void FromBody_appends_the_check_digit(string body, char expected) =>
        Assert.Equal(body + expected, IndividualNumber.FromBody(body).Digits);

    [Fact]
    public void Every_body_gets_a_number_that_validates()
    {
        var random = new Random(20261126);
        for (var i = 0; i < 10_000; i++)
        {
            var body = random.NextInt64(0, 100_000_000_000).ToString("D11", System.Globalization.CultureInfo.InvariantCulture);
            var number = IndividualNumber.FromBody(body);
            Assert.True(IndividualNumber.TryParse(number.Digits, out _, out _));
        }
    }

    [Fact]
    public void ToString_never_shows_the_whole_number()
    {
        var number = IndividualNumber.Parse("123456789018");
        Assert.Equal("********9018", number.ToString());
        Assert.DoesNotContain("12345678", $"{number}", StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_messages_do_not_echo_the_input()
    {
        var ex = Assert.Throws<FormatException>(() => IndividualNumber.Parse("123456789012"));
        Assert.DoesNotContain("123456789012", ex.Message, StringComparison.Ordinal);
    }
}
