using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>State as of a version or a moment, the correlation trail, filters, and the two timelines.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditReplayApiTests(ApiFixture fixture)
{
    private HttpClient Auditor => fixture.ClientFor(Roles.Auditor);

    /// <summary>A person of the clerk's municipality with a number, one move and one change of name; the clerk, the id and the number.</summary>
    private async Task<(HttpClient Clerk, string Id, string Number)> MovedAndRenamedAsync()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var number = (await (await clerk.PostJson($"/v1/persons/{id}/individual-number", new { })).Json()).Str("individualNumber");
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区永田町1-7-1", movedOn = "2026-10-01" });
        await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "鈴木 花子" });
        return (clerk, id, number);
    }

    internal static string At(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));

    [Fact]
    public async Task As_of_each_version_equals_what_the_live_record_showed_then()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var number = (await (await clerk.PostJson($"/v1/persons/{id}/individual-number", new { })).Json()).Str("individualNumber");
        var live = new List<JsonElement> { await (await clerk.GetAsync($"/v1/persons/{id}")).Json() };
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区永田町1-7-1", movedOn = "2026-10-01" });
        live.Add(await (await clerk.GetAsync($"/v1/persons/{id}")).Json());
        await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "鈴木 花子" });
        live.Add(await (await clerk.GetAsync($"/v1/persons/{id}")).Json());
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区丸の内2-2-2", movedOn = "2026-11-01" });
        live.Add(await (await clerk.GetAsync($"/v1/persons/{id}")).Json());

        var history = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("events").EnumerateArray().ToList();
        foreach (var seen in live)
        {
            var version = seen.GetProperty("version").GetInt64();
            var byVersion = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/state?version={version}")).Json();
            var recordedAt = history.Single(e => e.GetProperty("version").GetInt64() == version).GetProperty("recordedAt").GetDateTimeOffset();
            var byTime = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/state?at={At(recordedAt)}")).Json();
            foreach (var replayed in new[] { byVersion, byTime })
            {
                Assert.Equal(version, replayed.GetProperty("version").GetInt64());
                var state = replayed.GetProperty("state");
                Assert.Equal(seen.Str("name"), state.GetProperty("items").Str("name"));
                Assert.Equal(seen.Str("address"), state.GetProperty("items").Str("address"));
                Assert.Equal(seen.Str("municipality"), state.Str("municipality"));
                Assert.Equal("********" + number[^4..], state.Str("number"));
            }
        }
        var latest = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/state")).Json();
        Assert.Equal(live[^1].GetProperty("version").GetInt64(), latest.GetProperty("version").GetInt64());
        Assert.Equal(live[^1].Str("address"), latest.GetProperty("state").GetProperty("items").Str("address"));
        Assert.DoesNotContain(number, latest.GetRawText(), StringComparison.Ordinal);
        var beyond = await Auditor.GetAsync($"/v1/audit/streams/person/{id}/state?version=999");
        Assert.Equal("audit.invalid-version", (await beyond.Json()).Str("code"));
    }

    [Fact]
    public async Task Event_data_is_written_as_the_api_writes_json_and_unfiltered_pages_follow_on_version_by_version()
    {
        var (_, id, number) = await MovedAndRenamedAsync();
        var whole = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json();
        var all = whole.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("nextFromVersion").ValueKind);

        // The data is copied from the audit grain, not parsed and written again: the bytes must be those the API's
        // own serializer writes for the parsed value (what the response held when the API re-serialised it).
        var api = fixture.Api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        Assert.All(all, e => Assert.Equal(JsonSerializer.Serialize(e.GetProperty("data"), api), e.GetProperty("data").GetRawText()));
        var raw = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Content.ReadAsStringAsync();
        Assert.Contains("東京都千代田区永田町1-7-1", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        Assert.Equal("********" + number[^4..], all.Single(e => e.Str("type") == "individual_number_assigned_v1").GetProperty("data").Str("number"));

        // One event a page: each page names the next version until the last, which names none.
        var paged = new List<JsonElement>();
        long? from = 1;
        while (from is { } next)
        {
            var page = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?fromVersion={next}&limit=1")).Json();
            paged.AddRange(page.GetProperty("events").EnumerateArray());
            from = page.GetProperty("nextFromVersion").ValueKind == JsonValueKind.Number ? page.GetProperty("nextFromVersion").GetInt64() : null;
            Assert.True(paged.Count <= all.Count, "the pages go on past the stream's end");
        }
        Assert.Equal(all.Select(e => e.GetRawText()), paged.Select(e => e.GetRawText()));
        var beyond = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?fromVersion={all.Count + 1}")).Json();
        Assert.Empty(beyond.GetProperty("events").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, beyond.GetProperty("nextFromVersion").ValueKind);
    }

    [Fact]
    public async Task A_stream_pages_events_are_the_bytes_the_apis_serializer_writes_for_them_in_a_correlation_trail()
    {
        // A page's events are written by the audit grain and copied into the response; a correlation trail's events go
        // through the API's serializer. The same event must read the same, byte for byte, on both routes.
        var (_, id, _) = await MovedAndRenamedAsync();
        var page = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("events").EnumerateArray().ToList();
        Assert.True(page.Count >= 4, $"the person's stream has {page.Count} events");

        var compared = 0;
        foreach (var correlation in page.Select(e => e.Str("correlationId")).Distinct())
        {
            var trail = (await (await Auditor.GetAsync($"/v1/audit/correlations/{correlation}/events")).Json()).GetProperty("events").EnumerateArray();
            foreach (var shown in trail.Where(e => e.Str("stream") == $"person-{id}"))
            {
                var paged = page.Single(e => e.GetProperty("version").GetInt64() == shown.GetProperty("version").GetInt64());
                Assert.Equal(shown.GetRawText(), paged.GetRawText());
                compared++;
            }
        }
        Assert.Equal(page.Count, compared);
        Assert.Contains(page, e => e.GetProperty("actor").ValueKind == JsonValueKind.Object && e.GetProperty("occurredAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task A_replay_is_the_streams_events_in_one_answer_the_same_bytes_as_its_pages_and_ends_where_it_began()
    {
        // The fixture's replay reads two events at a time: this stream of six spans three chunks.
        var (clerk, id, number) = await MovedAndRenamedAsync();
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区丸の内2-2-2", movedOn = "2026-11-01" });
        await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName = "佐藤 花子" });
        var page = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?limit=500")).Json();
        var paged = page.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.True(paged.Count >= 6, $"the person's stream has {paged.Count} events");

        var response = await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        var whole = JsonDocument.Parse(raw).RootElement;
        Assert.Equal($"person-{id}", whole.Str("stream"));
        Assert.Equal(page.GetProperty("streamVersion").GetInt64(), whole.GetProperty("streamVersion").GetInt64());
        Assert.Equal(paged, whole.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()));
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("nextFromVersion").ValueKind);

        // A range: versions 2 to 4 (two chunks), and the version that follows it.
        var range = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay?fromVersion=2&toVersion=4")).Json();
        Assert.Equal(paged.Skip(1).Take(3), range.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()));
        Assert.Equal(5, range.GetProperty("nextFromVersion").GetInt64());
        var single = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay?fromVersion=3&toVersion=3")).Json();
        Assert.Equal(paged.Skip(2).Take(1), single.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()));
        // A range past the end stops at the stream's version; a start past it is an empty replay.
        var past = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay?fromVersion=5&toVersion=999")).Json();
        Assert.Equal(paged.Skip(4), past.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()));
        Assert.Equal(JsonValueKind.Null, past.GetProperty("nextFromVersion").ValueKind);
        var beyond = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay?fromVersion={paged.Count + 1}")).Json();
        Assert.Empty(beyond.GetProperty("events").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, beyond.GetProperty("nextFromVersion").ValueKind);

        // A replay ends at the version the stream had when it began; the next one has what was appended since.
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "大阪府大阪市北区中之島1-3-20", movedOn = "2026-12-01" });
        var later = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay")).Json();
        Assert.Equal(paged.Count + 1, later.GetProperty("events").GetArrayLength());
        Assert.Equal(paged.Count + 1, later.GetProperty("streamVersion").GetInt64());

        // Bad ranges and streams are refused with a code; the person's stream is unchanged by every read.
        foreach (var (query, code) in new[]
        {
            ("fromVersion=0", "audit.invalid-range"), ("fromVersion=4&toVersion=3", "audit.invalid-range"), ("toVersion=0", "audit.invalid-range"),
            ("fromVersion=-5", "audit.invalid-range"),
        })
        {
            var refused = await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(code, (await refused.Json()).Str("code"));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay?toVersion=last")).StatusCode);
        // A kind is one listed name: not a number ("0" was once read as the first kind), a comma list or padding.
        foreach (var kind in new[] { "planet", "0", "000000000000", "person%2Ccard", "%20person" })
        {
            Assert.Equal("audit.invalid-stream", (await (await Auditor.GetAsync($"/v1/audit/streams/{kind}/{id}/replay")).Json()).Str("code"));
        }
        Assert.Equal("audit.invalid-timeline", (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/state?timeline=1")).Json()).Str("code"));
        var unknown = await Auditor.GetAsync($"/v1/audit/streams/person/{Guid.NewGuid()}/replay");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("audit.stream-not-found", (await unknown.Json()).Str("code"));
        Assert.Equal(paged.Count + 1, (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("streamVersion").GetInt64());
    }

    [Fact]
    public async Task History_shows_occurred_at_and_actor_and_filters_by_kind_and_period()
    {
        var clerk = fixture.ClientFor(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" }, subject: "clerk-filter");
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都港区1", movedOn = "2026-10-01" });
        var all = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("events").EnumerateArray().ToList();
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都港区2", movedOn = "2026-11-01" });

        var moves = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?type=person_moved_v1")).Json()).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, moves.Count);
        Assert.All(moves, m => Assert.Equal("person_moved_v1", m.Str("type")));
        Assert.Equal("clerk-filter", moves[0].GetProperty("actor").Str("subject"));
        Assert.Equal("municipality", moves[0].GetProperty("actor").Str("role"));
        Assert.NotEqual(JsonValueKind.Null, moves[0].GetProperty("occurredAt").ValueKind);
        Assert.Equal($"person-{id}", moves[0].Str("stream"));

        var until = all[^1].GetProperty("recordedAt").GetDateTimeOffset();
        var early = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?type=person_moved_v1&to={At(until)}")).Json()).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("東京都港区1", Assert.Single(early).GetProperty("data").Str("newAddress"));
        var late = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?from={At(until.AddTicks(10))}")).Json()).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("東京都港区2", Assert.Single(late).GetProperty("data").Str("newAddress"));
        var inverted = await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?from={At(until)}&to={At(until.AddDays(-1))}");
        Assert.Equal("audit.invalid-period", (await inverted.Json()).Str("code"));
    }

    [Fact]
    public async Task A_correlation_id_leads_to_every_event_of_the_request_across_streams()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        await clerk.PostJson($"/v1/persons/{person}/individual-number", new { });
        var card = (await clerk.PostJson("/v1/cards", new { personId = person, channel = "counter", faceAuthentication = true })).Headers.Location!.ToString();
        await fixture.ClientFor(Roles.Operator).PostJson($"{card}/production", new { chipBatch = "AUDIT-1" });
        await clerk.PostJson($"{card}/ready-for-pickup", new { });
        var handover = new HttpRequestMessage(HttpMethod.Post, $"{card}/handover") { Content = System.Net.Http.Json.JsonContent.Create(new { pinsSet = false }) };
        var handedOver = await clerk.SendAsync(handover);
        handedOver.EnsureSuccessStatusCode();
        // The server's own correlation id, from the response.
        var correlation = Guid.Parse(handedOver.Headers.GetValues("X-Correlation-Id").Single());

        var ledger = Myna.GrainInterfaces.Common.StreamRef.LedgerOf(new Myna.GrainInterfaces.Common.PersonId(Guid.Parse(person))).Key;
        var store = new Myna.EventStore.Streams.MartenEventStreamStore(TestInfrastructure.CreateStore());
        var before = await store.GetVersionAsync(ledger);

        var trail = await (await Auditor.GetAsync($"/v1/audit/correlations/{correlation}/events")).Json();

        // The trail shows the person's events (their record and their card's): one entry on their ledger says so.
        var read = Assert.IsType<Myna.Domain.Portal.StaffDataRead>(Assert.Single(await store.ReadAsync(ledger, before + 1)).Data);
        Assert.Equal(("correlation", "auditor", "audit"), (read.What, read.Office, read.Purpose));

        var streams = trail.GetProperty("streams").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains($"person-{person}", streams);
        Assert.Contains($"card-{card.Split('/')[^1]}", streams);
        var events = trail.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(events, e => e.Str("type") == "card_handed_over_v1");
        Assert.Contains(events, e => e.Str("type") == "active_card_changed_v1");
        Assert.All(events, e => Assert.Equal(correlation.ToString(), e.Str("correlationId")));
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(HttpStatusCode.NotFound, (await Auditor.GetAsync($"/v1/audit/correlations/{Guid.NewGuid()}/events")).StatusCode);
    }

    /// <summary>
    /// Issue example: a qualification linked to the wrong person at T1, a clinic's check at T2, the insurer's
    /// correction at T3. As known at T2 the link is there (what the clinic saw); as in effect at T2, asked
    /// after T3, there is none; the comparison names the difference and the correction.
    /// </summary>
    [Fact]
    public async Task The_two_timelines_tell_what_a_clinic_saw_from_what_was_in_effect()
    {
        var world = new ClinicWorld(fixture);
        var (insurerNumber, insurer) = await world.Insurer();
        var wrongPerson = await world.Patient();
        var qualification = await world.Enrol(insurer, insurerNumber, wrongPerson);
        await world.RegisterForInsurance(wrongPerson);
        var clinic = await world.Reception();
        var check = await (await ClinicWorld.CheckWithPin(clinic, wrongPerson)).Json();
        Assert.True(check.GetProperty("eligible").GetBoolean());
        var ledger = (await (await Auditor.GetAsync($"/v1/audit/streams/ledger/{wrongPerson.PersonId}/events")).Json()).GetProperty("events").EnumerateArray().ToList();
        var seen = Assert.Single(ledger, e => e.Str("type") == "eligibility_checked_v1");
        Assert.Equal(clinic.Institution, seen.GetProperty("data").Str("institution"));
        var t2 = seen.GetProperty("recordedAt").GetDateTimeOffset();

        var voided = await insurer.PostJson($"/v1/insurers/{insurerNumber}/qualifications/{qualification}/voiding", new { reason = "linked to the wrong person" });
        Assert.Equal(HttpStatusCode.OK, voided.StatusCode);

        var known = await (await Auditor.GetAsync($"/v1/audit/streams/person/{wrongPerson.PersonId}/state?at={At(t2)}&timeline=known")).Json();
        var knownQualification = Assert.Single(known.GetProperty("state").GetProperty("qualifications").EnumerateArray());
        Assert.Equal(qualification, knownQualification.Str("id"));
        var effective = await (await Auditor.GetAsync($"/v1/audit/streams/person/{wrongPerson.PersonId}/state?at={At(t2)}&timeline=effective")).Json();
        Assert.Empty(effective.GetProperty("state").GetProperty("qualifications").EnumerateArray());
        Assert.Equal("effective", effective.Str("timeline"));

        var comparison = await (await Auditor.GetAsync($"/v1/audit/streams/person/{wrongPerson.PersonId}/timelines?at={At(t2)}")).Json();
        var difference = Assert.Single(comparison.GetProperty("differences").EnumerateArray());
        Assert.Equal("$.qualifications[0]", difference.Str("path"));
        Assert.Equal(qualification, difference.GetProperty("known").Str("id"));
        Assert.Equal(JsonValueKind.Null, difference.GetProperty("effective").ValueKind);
        var correction = Assert.Single(comparison.GetProperty("corrections").EnumerateArray());
        Assert.Equal("insurance_qualification_voided_v1", correction.Str("type"));
        Assert.Equal(insurerNumber, correction.GetProperty("data").Str("insurer"));
        Assert.Equal("insurer", correction.GetProperty("actor").Str("role"));
        Assert.True(correction.GetProperty("effectiveFrom").GetDateTimeOffset() <= t2);
        Assert.True(correction.GetProperty("recordedAt").GetDateTimeOffset() > t2);

        // From now on the clinic sees no qualification, and the current state agrees with "in effect".
        var after = await (await ClinicWorld.CheckWithPin(clinic, wrongPerson)).Json();
        Assert.False(after.GetProperty("eligible").GetBoolean());
        var now = await (await Auditor.GetAsync($"/v1/audit/streams/person/{wrongPerson.PersonId}/state")).Json();
        Assert.Empty(now.GetProperty("state").GetProperty("qualifications").EnumerateArray());
    }

    [Fact]
    public async Task Only_the_qualifications_insurer_voids_it_and_bad_queries_are_refused()
    {
        var world = new ClinicWorld(fixture);
        var (insurerNumber, insurer) = await world.Insurer();
        var (otherNumber, other) = await world.Insurer();
        var patient = await world.Patient();
        var qualification = await world.Enrol(insurer, insurerNumber, patient);

        var foreign = await other.PostJson($"/v1/insurers/{otherNumber}/qualifications/{qualification}/voiding", new { reason = "wrong" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        var noReason = await insurer.PostJson($"/v1/insurers/{insurerNumber}/qualifications/{qualification}/voiding", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("audit.invalid-timeline", (await (await Auditor.GetAsync($"/v1/audit/streams/person/{patient.PersonId}/state?at=2026-01-01T00:00:00Z&timeline=sideways")).Json()).Str("code"));
        Assert.Equal("audit.invalid-moment", (await (await Auditor.GetAsync($"/v1/audit/streams/person/{patient.PersonId}/timelines")).Json()).Str("code"));
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Municipality().GetAsync($"/v1/audit/streams/person/{patient.PersonId}/state")).StatusCode);
    }

    [Fact]
    public async Task An_event_of_a_type_this_version_does_not_know_is_named_with_its_data_withheld_and_its_stream_is_not_replayed()
    {
        // A newer version wrote an event this build cannot read as its type: here the number's assignment, renamed.
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var number = (await (await clerk.PostJson($"/v1/persons/{id}/individual-number", new { })).Json()).Str("individualNumber");
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区永田町1-7-1", movedOn = "2026-10-01" });
        var before = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("events").EnumerateArray().ToList();
        var assigned = before.Single(e => e.Str("type") == "individual_number_assigned_v1");
        var version = assigned.GetProperty("version").GetInt64();
        await using (var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                $"update {TestInfrastructure.Schema}.mt_events set type = 'individual_number_reissued_v9', mt_dotnet_type = 'Myna.Future.NumberReissued, Myna.Future' where stream_id = @s and version = @v",
                connection);
            command.Parameters.AddWithValue("s", $"person-{id}");
            command.Parameters.AddWithValue("v", version);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var response = await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("********" + number[^4..], raw, StringComparison.Ordinal);
        var events = JsonDocument.Parse(raw).RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(before.Select(e => e.GetProperty("version").GetInt64()), events.Select(e => e.GetProperty("version").GetInt64()));
        var unknown = events.Single(e => e.GetProperty("version").GetInt64() == version);
        Assert.Equal("individual_number_reissued_v9", unknown.Str("type"));
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("data").ValueKind);
        Assert.Equal(assigned.Str("recordedAt"), unknown.Str("recordedAt"));
        Assert.Equal(assigned.Str("correlationId"), unknown.Str("correlationId"));
        // The events around it read as before, filtered or not.
        Assert.Equal(before.Where(e => e.GetProperty("version").GetInt64() != version).Select(e => e.GetProperty("data").GetRawText()),
            events.Where(e => e.GetProperty("version").GetInt64() != version).Select(e => e.GetProperty("data").GetRawText()));
        // The whole-stream replay shows it the same way, chunk after chunk.
        var replayed = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/replay")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, replayed, StringComparison.Ordinal);
        Assert.Equal(events.Select(e => e.GetRawText()), JsonDocument.Parse(replayed).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()));
        var moves = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events?type=person_moved_v1")).Json();
        Assert.Equal("東京都千代田区永田町1-7-1", moves.GetProperty("events").EnumerateArray().Single().GetProperty("data").Str("newAddress"));

        // Only an auditor reads the page: the person's own clerk is refused, an anonymous caller is not let in.
        var clerkRead = await clerk.GetAsync($"/v1/audit/streams/person/{id}/events");
        Assert.Equal(HttpStatusCode.Forbidden, clerkRead.StatusCode);
        Assert.DoesNotContain(number, await clerkRead.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api.CreateClient().GetAsync($"/v1/audit/streams/person/{id}/events")).StatusCode);

        // Its state, timelines and correlation trail need every event as its type: refused with a code, not a failure.
        foreach (var path in new[]
        {
            $"/v1/audit/streams/person/{id}/state",
            $"/v1/audit/streams/person/{id}/timelines?at={At(DateTimeOffset.UtcNow)}",
            $"/v1/audit/correlations/{assigned.Str("correlationId")}/events",
        })
        {
            var refused = await Auditor.GetAsync(path);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.Equal("audit.unknown-event-type", JsonDocument.Parse(problem).RootElement.Str("code"));
            Assert.DoesNotContain(number, problem, StringComparison.Ordinal);
        }

        // The person's grain, still active, learns of an event a newer version appended when its next command finds the
        // stream moved on; it does not decide on a state it cannot fold: retry later, not a failure, and nothing written.
        await using (var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.Postgres))
        {
            await connection.OpenAsync();
            await using var columns = new Npgsql.NpgsqlCommand(
                "select string_agg(column_name, ',') from information_schema.columns where table_schema = @schema and table_name = 'mt_events' and column_name not in ('seq_id', 'id', 'version', 'type', 'mt_dotnet_type')",
                connection);
            columns.Parameters.AddWithValue("schema", TestInfrastructure.Schema);
            var list = (string)(await columns.ExecuteScalarAsync())!;
            await using var append = new Npgsql.NpgsqlCommand(
                $"""
                insert into {TestInfrastructure.Schema}.mt_events (seq_id, id, version, type, mt_dotnet_type, {list})
                select nextval('{TestInfrastructure.Schema}.mt_events_sequence'), gen_random_uuid(), version + 1, 'person_relabelled_v9', 'Myna.Future.PersonRelabelled, Myna.Future', {list}
                from {TestInfrastructure.Schema}.mt_events where stream_id = @s order by version desc limit 1;
                update {TestInfrastructure.Schema}.mt_streams set version = version + 1 where id = @s;
                """, connection);
            append.Parameters.AddWithValue("s", $"person-{id}");
            await append.ExecuteNonQueryAsync();
        }
        var headBefore = (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("streamVersion").GetInt64();
        var refusedMove = await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区丸の内2-2-2", movedOn = "2026-11-01" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedMove.StatusCode);
        Assert.Equal("service.unavailable", (await refusedMove.Json()).Str("code"));
        Assert.Equal(headBefore, (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("streamVersion").GetInt64());

        // The activation went away with that refusal; activated afresh, the grain is refused the same way.
        var unserved = await clerk.GetAsync($"/v1/persons/{id}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unserved.StatusCode);
        var unservedProblem = await unserved.Content.ReadAsStringAsync();
        Assert.Equal("service.unavailable", JsonDocument.Parse(unservedProblem).RootElement.Str("code"));
        Assert.DoesNotContain(number, unservedProblem, StringComparison.Ordinal);
        // Whose person it is lives in the state the grain cannot fold, so a clerk of another municipality is refused the
        // same way (it fails closed: nothing written, nothing of the person shown); an anonymous caller is not let in.
        var osaka = await fixture.Municipality("272019").PostJson($"/v1/persons/{id}/moves", new { newAddress = "大阪府大阪市北区中之島1-3-20", movedOn = "2026-11-01" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, osaka.StatusCode);
        var osakaProblem = await osaka.Content.ReadAsStringAsync();
        Assert.Equal("service.unavailable", JsonDocument.Parse(osakaProblem).RootElement.Str("code"));
        Assert.DoesNotContain(number, osakaProblem, StringComparison.Ordinal);
        Assert.DoesNotContain("東京都", osakaProblem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api.CreateClient().GetAsync($"/v1/persons/{id}")).StatusCode);
        Assert.Equal(headBefore, (await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/events")).Json()).GetProperty("streamVersion").GetInt64());
    }
}
