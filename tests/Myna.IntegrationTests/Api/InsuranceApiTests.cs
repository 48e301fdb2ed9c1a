using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Flow 4: insurers enrol members on the number or a full basic-four match, never on a partial one.</summary>
[Collection(ApiCollection.Name)]
public sealed class InsuranceApiTests(ApiFixture fixture)
{
    private readonly ClinicWorld _world = new(fixture);

    private static object Enrolment(object? basicFour = null, string? number = null, string validFrom = "2024-04-01", string? validUntil = null) => new
    {
        individualNumber = number,
        basicFourItems = basicFour,
        insured = new { symbol = "記号12", number = "345", branch = "02" },
        validFrom,
        validUntil,
        ceilingCategory = "under-seventy-b",
    };

    [Fact]
    public async Task A_full_basic_four_match_links_across_width_spacing_and_address_spelling()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var tag = patient.Name[^8..];
        // Full-width letters and digits, an ideographic space, 霞ヶ関 for 霞が関 and 1-2-3 for 1丁目2番3号.
        var claimed = new
        {
            name = "保険　花子" + tag.ToUpperInvariant().Normalize(System.Text.NormalizationForm.FormKC),
            address = "東京都千代田区霞ヶ関１－２－３ " + tag,
            dateOfBirth = "1980-05-06",
            sex = "female",
        };

        var response = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(claimed));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("basic-four-items", (await response.Json()).Str("linkedBy"));
        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/insurance")).Json();
        var qualification = Assert.Single(own.GetProperty("qualifications").EnumerateArray());
        Assert.Equal(insurerNumber, qualification.Str("insurerNumber"));
        Assert.Equal("under-seventy-b", qualification.Str("ceilingCategory"));
    }

    [Theory]
    [InlineData("name", "address")]
    [InlineData("address", null)]
    [InlineData("date-of-birth", null)]
    [InlineData("sex", null)]
    public async Task A_partial_match_never_links_and_answers_no_match_naming_nothing(string wrong, string? alsoWrong)
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var claimed = new
        {
            name = wrong == "name" ? patient.Name + "子" : patient.Name,
            address = wrong == "address" || alsoWrong == "address" ? patient.Address + "4号室" : patient.Address,
            dateOfBirth = wrong == "date-of-birth" ? "1980-05-07" : "1980-05-06",
            sex = wrong == "sex" ? "male" : "female",
        };

        var response = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(claimed));

        // Whatever differed, and however close the nearest resident came: one answer, naming nothing.
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("insurance.no-match", (await response.Json()).Str("code"));
        Assert.DoesNotContain("\"details\"", raw, StringComparison.Ordinal);
        foreach (var item in new[] { "name", "address", "date-of-birth", "sex" })
        {
            Assert.DoesNotContain($"\"{item}\"", raw, StringComparison.Ordinal);
        }
        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/insurance")).Json();
        Assert.Empty(own.GetProperty("qualifications").EnumerateArray());
    }

    [Fact]
    public async Task The_number_links_and_the_response_never_echoes_it()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();

        var response = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(number: patient.Number));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("individual-number", (await response.Json()).Str("linkedBy"));
        Assert.DoesNotContain(patient.Number, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bad = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(number: "123456789010"));
        Assert.Equal("individual-number.invalid-check-digit", (await bad.Json()).Str("code"));
    }

    [Theory]
    [InlineData("symbol", "plain")]
    [InlineData("insured-number", "plain")]
    [InlineData("insured-number", "grouped")]
    [InlineData("insured-number", "full-width")]
    public async Task An_individual_number_keyed_into_the_insured_id_is_refused_so_no_desk_is_ever_shown_it(string field, string form)
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var keyed = form switch
        {
            "grouped" => $"{patient.Number[..4]} {patient.Number[4..8]}-{patient.Number[8..]}",
            "full-width" => string.Concat(patient.Number.Select(c => (char)(c - '0' + '０'))),
            _ => patient.Number,
        };
        var body = new
        {
            individualNumber = patient.Number,
            insured = new { symbol = field == "symbol" ? keyed : "記号12", number = field == "insured-number" ? keyed : "345", branch = "02" },
            validFrom = "2024-04-01",
            ceilingCategory = "under-seventy-b",
        };

        var response = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", body);

        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"insurance.invalid-{field}", (await response.Json()).Str("code"));
        Assert.DoesNotContain(patient.Number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(keyed, raw, StringComparison.Ordinal);
        // Nothing was linked: the person's record holds no qualification, so no desk reads one.
        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/insurance")).Json();
        Assert.Empty(own.GetProperty("qualifications").EnumerateArray());
    }

    [Fact]
    public async Task One_qualification_per_period_until_the_previous_insurer_records_the_loss()
    {
        var (firstNumber, first) = await _world.Insurer();
        var (secondNumber, second) = await _world.Insurer();
        var patient = await _world.Patient();
        var qualification = (await (await first.PostJson($"/v1/insurers/{firstNumber}/enrolments", Enrolment(number: patient.Number))).Json()).Str("qualificationId");

        var overlapping = await second.PostJson($"/v1/insurers/{secondNumber}/enrolments", Enrolment(number: patient.Number, validFrom: "2025-10-01"));
        var otherInsurersLoss = await second.PostJson($"/v1/insurers/{secondNumber}/qualifications/{qualification}/loss", new { lastDay = "2025-09-30", reason = "job change" });
        var loss = await first.PostJson($"/v1/insurers/{firstNumber}/qualifications/{qualification}/loss", new { lastDay = "2025-09-30", reason = "job change" });
        var next = await second.PostJson($"/v1/insurers/{secondNumber}/enrolments", Enrolment(number: patient.Number, validFrom: "2025-10-01"));

        Assert.Equal("insurance.qualification-overlaps", (await overlapping.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.NotFound, otherInsurersLoss.StatusCode);
        Assert.Equal("2025-09-30", (await loss.Json()).Str("validUntil"));
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/insurance")).Json();
        Assert.Equal([secondNumber, firstNumber], own.GetProperty("qualifications").EnumerateArray().Select(q => q.Str("insurerNumber")));
    }

    [Fact]
    public async Task A_retried_enrolment_applies_once_and_the_insurer_acts_only_for_itself()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var (otherNumber, _) = await _world.Insurer();
        var patient = await _world.Patient();

        var first = await (await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(number: patient.Number), "enrol-1")).Json();
        var again = await (await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(number: patient.Number), "enrol-1")).Json();
        var foreign = await insurer.PostJson($"/v1/insurers/{otherNumber}/enrolments", Enrolment(number: patient.Number));
        var ceiling = await insurer.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/v1/insurers/{insurerNumber}/qualifications/{first.Str("qualificationId")}/ceiling-category")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { category = "seventy-plus-general" }),
        });

        Assert.Equal(first.Str("qualificationId"), again.Str("qualificationId"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal("seventy-plus-general", (await ceiling.Json()).Str("ceilingCategory"));
        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/insurance")).Json();
        Assert.Single(own.GetProperty("qualifications").EnumerateArray());
    }

    [Fact]
    public async Task A_suspended_insurer_enrols_nobody_and_bad_insurer_numbers_are_refused()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        (await _world.Operator.PostJson($"/v1/insurers/{insurerNumber}/suspension", new { reason = "audit" })).EnsureSuccessStatusCode();

        var refused = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(number: patient.Number));
        var badCheckDigit = await _world.Operator.PostJson("/v1/insurers/06130010", new { name = "x" });

        Assert.Equal("insurer.suspended", (await refused.Json()).Str("code"));
        Assert.Equal("insurer.invalid-number", (await badCheckDigit.Json()).Str("code"));
        var resident = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = patient.PersonId });
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostJson($"/v1/insurers/{insurerNumber}/enrolments", Enrolment(number: patient.Number))).StatusCode);
    }

    [Fact]
    public async Task The_public_ceiling_table_answers_the_monthly_limit()
    {
        var anonymous = fixture.Api.CreateClient();

        var c = await (await anonymous.GetAsync("/v1/high-cost-ceilings/under-seventy-c?totalMedicalCost=1000000")).Json();
        var reduced = await (await anonymous.GetAsync("/v1/high-cost-ceilings/under-seventy-c?totalMedicalCost=1000000&priorQualifyingMonths=3")).Json();
        var bad = await anonymous.GetAsync("/v1/high-cost-ceilings/nonsense?totalMedicalCost=1");

        Assert.Equal(87_430, c.GetProperty("householdLimitYen").GetInt64());
        Assert.Equal(44_400, reduced.GetProperty("householdLimitYen").GetInt64());
        Assert.True(reduced.GetProperty("reducedRate").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
