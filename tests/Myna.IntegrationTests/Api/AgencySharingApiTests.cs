using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Agencies see a person only under their own code, get only their items, and every look is on the ledger.</summary>
[Collection(ApiCollection.Name)]
public sealed class AgencySharingApiTests(ApiFixture fixture)
{
    private HttpClient Agency(string agency) =>
        fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = agency });

    /// <summary>A numbered person with a disability certificate and an income summary.</summary>
    private async Task<(string Id, string Number)> PersonWithData()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var number = (await (await clerk.PostAsync($"/v1/persons/{id}/individual-number", null)).Json()).Str("individualNumber");
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/disability-certificates", new
        {
            certificateNumber = "東京-0001", kind = "physical", grade = "2級", issuer = "東京都", validFrom = "2024-04-01",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/income-summaries", new
        {
            fiscalYear = 2025, totalIncomeYen = 4_800_000, taxableIncomeYen = 2_900_000,
        })).StatusCode);
        return (id, number);
    }

    private async Task<string> CodeFor(HttpClient agency, string number)
    {
        var response = await agency.PostJson("/v1/agency/codes", new { individualNumber = number });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        return (await response.Json()).Str("agencyCode");
    }

    private async Task<List<string>> StreamTypes(string id)
    {
        var page = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{id}/events?limit=500")).Json();
        return page.GetProperty("events").EnumerateArray().Select(e => e.Str("type")).ToList();
    }

    [Fact]
    public async Task An_agency_gets_the_item_under_its_code_never_the_number_and_it_is_on_the_ledger()
    {
        var (id, number) = await PersonWithData();
        var welfare = Agency("welfare-office");
        var code = await CodeFor(welfare, number);

        var response = await welfare.PostJson("/v1/agency/requests", new { agencyCode = code, item = "disability-certificates", procedure = "障害福祉サービス支給申請" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(number[..8], raw, StringComparison.Ordinal);
        var body = await response.Json();
        Assert.Equal(code, body.Str("agencyCode"));
        Assert.Equal("東京-0001", body.GetProperty("disabilityCertificates")[0].Str("certificateNumber"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("basicFourItems").ValueKind);

        var types = await StreamTypes(id);
        Assert.Contains("agency_code_issued_v1", types);
        Assert.Contains("person_data_provided_v1", types);
    }

    [Fact]
    public async Task An_agency_counter_verifies_identity_under_its_code_and_it_is_on_the_ledger()
    {
        var (id, number) = await PersonWithData();
        var pension = Agency("pension-service");
        var code = await CodeFor(pension, number);

        var response = await pension.PostJson("/v1/agency/identity-verifications", new
        {
            agencyCode = code,
            procedure = "老齢年金請求",
            documents = new object[] { new { kind = "individual-number-card", individualNumber = number } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Json()).GetProperty("accepted").GetBoolean());
        Assert.DoesNotContain(number, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var history = await (await fixture.ClientFor(Roles.Auditor).GetAsync($"/v1/audit/streams/person/{id}/events?limit=500")).Json();
        var check = history.GetProperty("events").EnumerateArray().Last(e => e.Str("type") == "identity_verified_v1");
        Assert.Equal("agency", check.GetProperty("data").GetProperty("actor").Str("role"));
    }

    [Fact]
    public async Task Codes_differ_per_agency_and_are_stable()
    {
        var (_, number) = await PersonWithData();

        var tax1 = await CodeFor(Agency("tax-office"), number);
        var tax2 = await CodeFor(Agency("tax-office"), number);
        var pension = await CodeFor(Agency("pension-service"), number);

        Assert.Equal(tax1, tax2);
        Assert.NotEqual(tax1, pension);
        Assert.Equal(32, tax1.Length);
    }

    [Fact]
    public async Task Another_agencys_code_resolves_to_nobody()
    {
        var (_, number) = await PersonWithData();
        var taxCode = await CodeFor(Agency("tax-office"), number);

        var response = await Agency("pension-service").PostJson("/v1/agency/requests", new { agencyCode = taxCode, item = "basic-four-items", procedure = "年金" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("agency-code.not-found", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task An_item_outside_the_agencys_rights_is_403_and_the_refusal_is_on_the_ledger()
    {
        var (id, number) = await PersonWithData();
        var employment = Agency("public-employment-office");
        var code = await CodeFor(employment, number);

        var response = await employment.PostJson("/v1/agency/requests", new { agencyCode = code, item = "income-summary", procedure = "雇用保険" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("agency.item-not-allowed", (await response.Json()).Str("code"));
        Assert.DoesNotContain("4800000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("person_data_request_refused_v1", await StreamTypes(id));
    }

    [Fact]
    public async Task An_agency_outside_information_sharing_is_refused()
    {
        var (_, number) = await PersonWithData();
        var response = await Agency("fortune-tellers").PostJson("/v1/agency/codes", new { individualNumber = number });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("agency.unknown", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task A_replaced_number_answers_changed_and_never_resolves_to_anybody_else()
    {
        var clerk = fixture.Municipality();
        var (id, oldNumber) = await PersonWithData();

        var requested = await clerk.PostJson($"/v1/persons/{id}/individual-number/replacement", new { leakDecisionReference = "LEAK-2026-0007" });
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Equal(oldNumber, (await requested.Json()).Str("individualNumber"));
        // Invariant 22: the requester cannot approve; a second clerk of the municipality does.
        var own = await clerk.PostJson($"/v1/persons/{id}/individual-number/replacement/approval", new { });
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal("approval.same-person", (await own.Json()).Str("code"));
        var replaced = await fixture.Municipality().PostJson($"/v1/persons/{id}/individual-number/replacement/approval", new { });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var newNumber = (await replaced.Json()).Str("individualNumber");
        Assert.NotEqual(oldNumber, newNumber);

        var oldLookup = await (await clerk.PostJson("/v1/persons/lookup", new { individualNumber = oldNumber })).Json();
        var newLookup = await (await clerk.PostJson("/v1/persons/lookup", new { individualNumber = newNumber })).Json();
        Assert.Equal(id, oldLookup.Str("personId"));
        Assert.Equal("replaced", oldLookup.Str("status"));
        Assert.Equal(id, newLookup.Str("personId"));
        Assert.Equal("current", newLookup.Str("status"));

        var agencyWithOld = await Agency("tax-office").PostJson("/v1/agency/codes", new { individualNumber = oldNumber });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, agencyWithOld.StatusCode);
        Assert.Equal("individual-number.replaced", (await agencyWithOld.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.OK, (await Agency("tax-office").PostJson("/v1/agency/codes", new { individualNumber = newNumber })).StatusCode);
    }

    [Theory]
    [InlineData(Roles.Municipality, "/v1/agency/codes")]
    [InlineData(Roles.Resident, "/v1/agency/codes")]
    [InlineData(Roles.Auditor, "/v1/agency/requests")]
    [InlineData(Roles.Terminal, "/v1/agency/requests")]
    [InlineData(Roles.Agency, "/v1/persons/lookup")]
    [InlineData(Roles.Insurer, "/v1/persons/lookup")]
    public async Task Roles_are_refused_outside_their_endpoints(string role, string path)
    {
        var scope = new Dictionary<string, string> { [MynaClaims.Municipality] = "131016", [MynaClaims.Agency] = "tax-office" };
        var response = await fixture.ClientFor(role, scope).PostJson(path, new { individualNumber = "123456789018" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("auth.forbidden", (await response.Json()).Str("code"));
    }

    [Fact]
    public async Task An_agency_token_without_its_agency_claim_is_refused()
    {
        var response = await fixture.ClientFor(Roles.Agency).PostJson("/v1/agency/codes", new { individualNumber = "123456789018" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
