using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Invariant 17 through the API: a move between municipalities is a move-out by the managing municipality (or
/// the resident) and a move-in by the named destination against the move-out's reference. Invariants 16 and
/// 20 beside it: nobody else takes a record over, a replay after the move is refused, lookups tell nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PersonTransferApiTests(ApiFixture fixture)
{
    private const string Chiyoda = "131016";
    private const string Osaka = "272019";
    private const string Sakai = "271403";

    private HttpClient Auditor => fixture.ClientFor(Roles.Auditor);

    private async Task<(HttpClient Clerk, string Id, string Number)> NumberedPerson(string? numberKey = null, string subject = "clerk-transfer")
    {
        var clerk = fixture.ClientFor(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = Chiyoda }, subject);
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var numbered = await clerk.PostJson($"/v1/persons/{id}/individual-number", new { }, numberKey);
        numbered.EnsureSuccessStatusCode();
        return (clerk, id, (await numbered.Json()).Str("individualNumber"));
    }

    private async Task<int> EventCount(string id) =>
        (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("events").GetArrayLength();

    private static string Today(int days = 0) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> MoveOut(HttpClient clerk, string id, string destination = Osaka)
    {
        var response = await clerk.PostJson($"/v1/persons/{id}/move-outs", new { destinationMunicipality = destination, plannedMoveOn = Today(2) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Json();
        Assert.Equal(destination, body.Str("destinationMunicipality"));
        return body.Str("transferReference");
    }

    [Fact]
    public async Task Another_municipality_cannot_take_a_record_over_by_recording_a_move()
    {
        var (clerk, id, number) = await NumberedPerson();
        var before = await EventCount(id);

        var taken = await fixture.Municipality(Osaka).PostJson($"/v1/persons/{id}/moves", new { newAddress = "大阪府堺市堺区1-1", movedOn = Today() });

        Assert.Equal(HttpStatusCode.Forbidden, taken.StatusCode);
        Assert.Equal("person.other-municipality", (await taken.Json()).Str("code"));
        Assert.DoesNotContain(number, await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await EventCount(id));
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"/v1/persons/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_transfer_passes_the_record_at_the_move_in_and_not_before()
    {
        var (clerk, id, _) = await NumberedPerson();
        var osaka = fixture.Municipality(Osaka);
        var reference = await MoveOut(clerk, id);

        // Until the move-in the record stays with Chiyoda; Osaka sees nothing of the person.
        Assert.Equal(HttpStatusCode.Forbidden, (await osaka.GetAsync($"/v1/persons/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"/v1/persons/{id}")).StatusCode);

        var movedIn = await osaka.PostJson("/v1/move-ins", new { transferReference = reference, newAddress = "大阪府大阪市北区梅田1-1", movedOn = Today() });

        Assert.Equal(HttpStatusCode.OK, movedIn.StatusCode);
        var person = await movedIn.Json();
        Assert.Equal(Osaka, person.Str("municipality"));
        Assert.Equal("大阪府大阪市北区梅田1-1", person.Str("address"));
        Assert.Equal(HttpStatusCode.OK, (await osaka.GetAsync($"/v1/persons/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync($"/v1/persons/{id}")).StatusCode);
        var types = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("events")
            .EnumerateArray().Select(e => e.Str("type")).ToList();
        Assert.Contains("person_moved_out_v1", types);
        Assert.Contains("person_moved_in_v1", types);
    }

    [Fact]
    public async Task Every_wrong_move_in_is_the_same_404_and_writes_nothing()
    {
        var (clerk, id, _) = await NumberedPerson();
        var reference = await MoveOut(clerk, id);
        var before = await EventCount(id);
        var body = (string transferReference) => new { transferReference, newAddress = "大阪府", movedOn = Today() };

        HttpResponseMessage[] refused =
        [
            await fixture.Municipality(Sakai).PostJson("/v1/move-ins", body(reference)),
            await fixture.Municipality(Osaka).PostJson("/v1/move-ins", body(reference.Split('.')[0] + ".guessed-secret")),
            await fixture.Municipality(Osaka).PostJson("/v1/move-ins", body($"{Guid.NewGuid():N}.{reference.Split('.')[1]}")),
            await fixture.Municipality(Osaka).PostJson("/v1/move-ins", body("garbled")),
        ];

        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var problem = await response.Json();
            Assert.Equal("transfer.not-found", problem.Str("code"));
            Assert.Equal("No open move-out to your municipality matches this transfer reference.", problem.Str("detail"));
        }
        Assert.Equal(before, await EventCount(id));
    }

    [Fact]
    public async Task A_cancelled_move_out_cannot_be_used_and_only_its_municipality_cancels_it()
    {
        var (clerk, id, _) = await NumberedPerson();
        var reference = await MoveOut(clerk, id);

        var foreign = await fixture.Municipality(Osaka).PostJson($"/v1/persons/{id}/move-outs/cancellation", new { });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/move-outs/cancellation", new { })).StatusCode);

        var late = await fixture.Municipality(Osaka).PostJson("/v1/move-ins", new { transferReference = reference, newAddress = "大阪府", movedOn = Today() });
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        Assert.Equal(Chiyoda, (await (await clerk.GetAsync($"/v1/persons/{id}")).Json()).Str("municipality"));
    }

    [Fact]
    public async Task The_resident_records_their_own_move_out_online_and_a_retry_returns_the_same_reference()
    {
        var (_, id, _) = await NumberedPerson();
        var resident = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = id });
        var body = new { destinationMunicipality = Osaka, plannedMoveOn = Today(5) };

        var first = await resident.PostJson("/v1/me/move-outs", body, "move-out-1");
        var again = await resident.PostJson("/v1/me/move-outs", body, "move-out-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal((await first.Json()).Str("transferReference"), (await again.Json()).Str("transferReference"));
        // A resident records a move-in nowhere: that is the destination municipality's.
        var moveIn = await resident.PostJson("/v1/move-ins", new { transferReference = (await first.Json()).Str("transferReference"), newAddress = "x", movedOn = Today() });
        Assert.Equal(HttpStatusCode.Forbidden, moveIn.StatusCode);
    }

    [Fact]
    public async Task A_clerk_whose_resident_moved_away_replays_an_old_request_and_gets_403_without_the_number()
    {
        var key = "number-" + Guid.NewGuid().ToString("N");
        var (clerk, id, number) = await NumberedPerson(key, "clerk-replay-" + Guid.NewGuid().ToString("N")[..6]);
        var reference = await MoveOut(clerk, id);
        (await fixture.Municipality(Osaka).PostJson("/v1/move-ins", new { transferReference = reference, newAddress = "大阪府大阪市北区1-1", movedOn = Today() }))
            .EnsureSuccessStatusCode();

        var replay = await clerk.PostJson($"/v1/persons/{id}/individual-number", new { }, key);

        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        var raw = await replay.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("大阪府大阪市北区1-1", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lookup_of_another_municipalitys_number_answers_exactly_as_a_number_never_issued()
    {
        var (_, _, number) = await NumberedPerson();
        var osaka = fixture.Municipality(Osaka);

        var theirs = await osaka.PostJson("/v1/persons/lookup", new { individualNumber = number });
        var unissued = await osaka.PostJson("/v1/persons/lookup", new { individualNumber = "123456789018" });

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(unissued.StatusCode, theirs.StatusCode);
        var (a, b) = (await theirs.Json(), await unissued.Json());
        Assert.Equal(b.Str("code"), a.Str("code"));
        Assert.Equal(b.Str("detail"), a.Str("detail"));
        Assert.Equal(b.Str("title"), a.Str("title"));
    }
}
