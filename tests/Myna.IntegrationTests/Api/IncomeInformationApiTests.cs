using System.Net;
using System.Security.Cryptography;
using Myna.Api.Auth;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>The tax agency's income feed: idempotent batches by number, refused whole, never echoing a number; the resident's portal view.</summary>
[Collection(ApiCollection.Name)]
public sealed class IncomeInformationApiTests(ApiFixture fixture)
{
    private readonly PortalWorld _portal = new(fixture);

    private HttpClient Agency(string agency) =>
        fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = agency });

    private HttpClient TaxAgency => Agency("tax-office");

    private static object Line(string number, int year, long total, long taxable) =>
        new { individualNumber = number, fiscalYear = year, totalIncomeYen = total, taxableIncomeYen = taxable };

    private static string BatchId() => "nta-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A well-formed number (valid check digit) that nobody in the test database holds, with overwhelming likelihood.</summary>
    private static string UnheldNumber() =>
        IndividualNumber.FromBody(RandomNumberGenerator.GetInt32(0, 99_999_999).ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + "999").Digits;

    private async Task<int> IncomeEvents(string personId)
    {
        var page = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{personId}/events?limit=500")).Json();
        return page.GetProperty("events").EnumerateArray().Count(e => e.Str("type") == "income_summary_recorded_v1");
    }

    [Fact]
    public async Task A_batch_sent_twice_is_recorded_once_and_the_resident_sees_it_in_the_portal()
    {
        var hanako = await _portal.Clinics.Patient();
        var taro = await _portal.Clinics.Patient();
        var batch = new
        {
            batchId = BatchId(),
            lines = new[]
            {
                Line(hanako.Number, 2024, 4_900_000, 2_900_000),
                Line(hanako.Number, 2025, 5_300_000, 3_200_000),
                Line(taro.Number, 2025, 3_100_000, 1_800_000),
            },
        };

        var first = await TaxAgency.PostJson("/v1/income-feeds", batch);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var raw = await first.Content.ReadAsStringAsync();
        Assert.DoesNotContain(hanako.Number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(taro.Number, raw, StringComparison.Ordinal);
        var receipt = await first.Json();
        Assert.Equal(2, receipt.GetProperty("persons").GetInt32());
        Assert.Equal(3, receipt.GetProperty("lines").GetInt32());
        Assert.Equal(0, receipt.GetProperty("alreadyApplied").GetInt32());

        var again = await TaxAgency.PostJson("/v1/income-feeds", batch);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await again.Json()).GetProperty("alreadyApplied").GetInt32());
        Assert.Equal(2, await IncomeEvents(hanako.PersonId));
        Assert.Equal(1, await IncomeEvents(taro.PersonId));

        var (portal, _) = await _portal.LoggedIn(hanako);
        var income = await (await portal.GetAsync("/v1/me/income-information")).Json();
        Assert.Equal([2025, 2024], income.EnumerateArray().Select(y => y.GetProperty("fiscalYear").GetInt32()));
        Assert.Equal(5_300_000, income[0].GetProperty("totalIncomeYen").GetInt64());
        Assert.Equal(3_200_000, income[0].GetProperty("taxableIncomeYen").GetInt64());
    }

    [Fact]
    public async Task A_batch_with_an_unknown_or_replaced_number_records_nothing_and_names_lines_by_index_only()
    {
        var hanako = await _portal.Clinics.Patient();
        var replacedOwner = await _portal.Clinics.Patient();
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Municipality().PostJson($"/v1/persons/{replacedOwner.PersonId}/individual-number/replacement", new { leakDecisionReference = "LEAK-2026-0107" })).StatusCode);
        var replaced = await fixture.Municipality().PostJson($"/v1/persons/{replacedOwner.PersonId}/individual-number/replacement/approval", new { });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var unheld = UnheldNumber();

        var refused = await TaxAgency.PostJson("/v1/income-feeds", new
        {
            batchId = BatchId(),
            lines = new[]
            {
                Line(hanako.Number, 2025, 5_000_000, 3_000_000),
                Line(unheld, 2025, 1_000_000, 500_000),
                Line(replacedOwner.Number, 2025, 2_000_000, 900_000),
            },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var raw = await refused.Content.ReadAsStringAsync();
        foreach (var number in new[] { hanako.Number, unheld, replacedOwner.Number })
        {
            Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        }
        var problem = await refused.Json();
        Assert.Equal("income.unknown-number", problem.Str("code"));
        Assert.Equal(["lines[1]: unknown", "lines[2]: replaced"], problem.GetProperty("details").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(0, await IncomeEvents(hanako.PersonId));
    }

    [Fact]
    public async Task Only_the_tax_agency_feeds_and_a_malformed_number_is_refused_without_echoing_it()
    {
        var hanako = await _portal.Clinics.Patient();
        var batch = new { batchId = BatchId(), lines = new[] { Line(hanako.Number, 2025, 5_000_000, 3_000_000) } };

        var welfare = await Agency("welfare-office").PostJson("/v1/income-feeds", batch);
        Assert.Equal(HttpStatusCode.Forbidden, welfare.StatusCode);
        Assert.Equal("income.not-tax-agency", (await welfare.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality().PostJson("/v1/income-feeds", batch)).StatusCode);

        var broken = hanako.Number[..11] + (char)('0' + ((hanako.Number[11] - '0' + 1) % 10));
        var malformed = await TaxAgency.PostJson("/v1/income-feeds", new
        {
            batchId = BatchId(),
            lines = new[] { Line(hanako.Number, 2025, 5_000_000, 3_000_000), Line(broken, 2025, 1, 1), Line(hanako.Number, 2024, 100, 200) },
        });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var raw = await malformed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(broken, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(hanako.Number, raw, StringComparison.Ordinal);
        var errors = (await malformed.Json()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("lines[1].individualNumber", out _));
        Assert.True(errors.TryGetProperty("lines[2]", out _));
        Assert.Equal(0, await IncomeEvents(hanako.PersonId));
    }
}
