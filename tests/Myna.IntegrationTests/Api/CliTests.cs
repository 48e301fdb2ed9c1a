using System.Net;
using Microsoft.AspNetCore.Hosting;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.Cli;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>The auditor/operator CLI, run through its entry point against the test API.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliTests(ApiFixture fixture)
{
    private Task<(int Exit, string Output, string Error)> Run(string role, params string[] args) => Run(fixture.ClientFor(role), args);

    private static async Task<(int Exit, string Output, string Error)> Run(HttpClient client, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error, client, _ => null, TimeSpan.FromMilliseconds(50));
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> Person()
    {
        var clerk = fixture.Municipality();
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        await clerk.PostJson($"/v1/persons/{id}/individual-number", new { });
        await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = "東京都千代田区大手町1-1", movedOn = "2026-11-01" });
        return id;
    }

    [Fact]
    public async Task History_prints_a_table_of_the_stream()
    {
        var id = await Person();

        var (exit, output, _) = await Run(Roles.Auditor, "history", "person", id);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("VERSION", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("1 ", StringComparison.Ordinal) && l.Contains("person_registered_v1", StringComparison.Ordinal) && l.Contains("municipality:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("5 ", StringComparison.Ordinal) && l.Contains("person_moved_v1", StringComparison.Ordinal));
        Assert.Contains($"person-{id}: version 5, 5 shown", output, StringComparison.Ordinal);

        var (_, filtered, _) = await Run(Roles.Auditor, "history", "person", id, "--type", "person_moved_v1");
        Assert.DoesNotContain("person_registered_v1", filtered, StringComparison.Ordinal);
        Assert.Contains("1 shown", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_of_prints_the_replayed_state_and_verify_reports_the_chain()
    {
        var id = await Person();

        var (exit, output, _) = await Run(Roles.Auditor, "as-of", "person", id, "--version", "1");
        Assert.Equal(0, exit);
        Assert.Contains($"person-{id} at version 1", output, StringComparison.Ordinal);
        Assert.Contains("東京都千代田区千代田1-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("大手町", output, StringComparison.Ordinal);

        var (verified, table, _) = await Run(Roles.Auditor, "verify", "person", id);
        Assert.Equal(0, verified);
        Assert.Contains($"person-{id}", table, StringComparison.Ordinal);
        Assert.Contains("yes", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_shows_progress_until_done()
    {
        var (exit, output, _) = await Run(Roles.Operator, "rebuild", "institutions");

        Assert.Equal(0, exit);
        Assert.Matches(@"(?m)^completed: (\d+)/\1 events", output);
        Assert.Contains("institutions rebuilt:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_registers_a_file_as_a_job_and_prints_a_summary_and_the_first_refusals_without_any_number()
    {
        var clerk = fixture.Municipality();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), $"myna-import-{tag}.ndjson");
        var lines = Enumerable.Range(0, 1_200).Select(i => System.Text.Json.JsonSerializer.Serialize(new
        {
            id = $"{tag}-{i}", name = $"取込 太郎{i:D4}", address = $"東京都千代田区丸の内1-{i}", dateOfBirth = i == 7 ? "2999-01-01" : "1985-04-01", sex = "male", reason = "move-in",
        }));
        await File.WriteAllLinesAsync(file, lines);
        try
        {
            var (exit, output, error) = await Run(clerk, "import", file);

            Assert.True(exit == 4, output + error); // finished, with a refused line
            Assert.Matches(@"(?m)^created\s+1199\s*$", output);
            Assert.Matches(@"(?m)^refused\s+1\s*$", output);
            Assert.Matches(@"(?m)^total\s+1200\s*$", output);
            Assert.Matches($@"(?m)^{tag}-7\s+person\.", output); // the refused line by its id, with its code
            var jobId = System.Text.RegularExpressions.Regex.Match(output, "import job ([0-9a-f-]{36})").Groups[1].Value;
            var job = await (await clerk.GetAsync($"/v1/persons/bulk-registration-jobs/{jobId}?limit=1000")).Json();
            var first = job.GetProperty("lines")[0];
            Assert.Equal($"{tag}-0", first.Str("id"));
            var person = await (await clerk.GetAsync($"/v1/persons/{first.Str("personId")}")).Json();
            Assert.Equal("取込 太郎0000", person.Str("name"));
            var number = person.Str("individualNumber");
            Assert.Equal(12, number.Length);
            Assert.DoesNotContain(number, output, StringComparison.Ordinal);
            Assert.DoesNotContain("取込", output, StringComparison.Ordinal);

            // The same file again is the same job: its outcome, nobody registered twice.
            var (again, replayed, _) = await Run(clerk, "import", file);
            Assert.Equal(4, again);
            Assert.Contains($"import job {jobId}", replayed, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^created\s+1199\s*$", replayed);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Import_is_refused_to_other_roles_and_a_missing_file_is_a_usage_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"myna-import-{Guid.NewGuid():N}.ndjson");
        await File.WriteAllTextAsync(file, """{"id":"x-1","name":"取込 花子","address":"東京都千代田区1-1","dateOfBirth":"1985-04-01","sex":"female","reason":"birth"}""");
        try
        {
            var (forbidden, output, denied) = await Run(Roles.Operator, "import", file);
            Assert.Equal(1, forbidden);
            Assert.Contains("403", denied, StringComparison.Ordinal);
            Assert.DoesNotContain("import job", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
        var (missing, _, error) = await Run(fixture.Municipality(), "import", file);
        Assert.Equal(1, missing);
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_and_usage_are_readable()
    {
        var (unknown, _, error) = await Run(Roles.Auditor, "history", "person", Guid.NewGuid().ToString());
        Assert.Equal(1, unknown);
        Assert.Contains("404", error, StringComparison.Ordinal);
        Assert.Contains("audit.stream-not-found", error, StringComparison.Ordinal);

        var (forbidden, _, denied) = await Run(Roles.Municipality, "verify");
        Assert.Equal(1, forbidden);
        Assert.Contains("403", denied, StringComparison.Ordinal);

        var (usage, _, help) = await Run(Roles.Auditor, "frobnicate");
        Assert.Equal(1, usage);
        Assert.Contains("usage: myna", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_resident_seeds_a_card_for_a_browser_handover_and_dev_clinic_check_puts_a_clinics_check_on_its_access_log()
    {
        var anonymous = fixture.Api.CreateClient();

        var (seeded, json, seedError) = await Run(anonymous, "dev-resident", "--json");

        Assert.True(seeded == 0, json + seedError);
        var resident = System.Text.Json.JsonDocument.Parse(json).RootElement;
        var person = resident.Str("personId");
        var cardId = resident.Str("cardId");
        Assert.Equal("131016", resident.Str("municipality"));
        Assert.Equal("ready-for-pickup", resident.Str("cardStatus"));
        Assert.Equal(DevCommands.Insurer, resident.Str("insurerNumber"));
        Assert.Contains("dev-clinic-check", resident.Str("next"), StringComparison.Ordinal);
        var clerk = fixture.Municipality();
        var number = (await (await clerk.GetAsync($"/v1/persons/{person}")).Json()).Str("individualNumber");
        Assert.Equal(12, number.Length);
        Assert.DoesNotContain(number, json, StringComparison.Ordinal);
        var card = $"/v1/cards/{cardId}";
        var waiting = await (await clerk.GetAsync(card)).Json();
        Assert.Equal(person, waiting.Str("personId"));
        Assert.False(waiting.GetProperty("faceAuthentication").GetBoolean());

        // The browser's part, as the portal's setup page does it: its own keys prove themselves at the handover.
        var chip = SimulatedCard.WithPins(Patient.Pin, CounterProofs.SignaturePassword);
        Assert.Equal(HttpStatusCode.OK, (await CounterProofs.HandOver(clerk, card, chip)).StatusCode);

        var (checkedExit, output, checkError) = await Run(anonymous, "dev-clinic-check", "--card", cardId);

        Assert.True(checkedExit == 0, output + checkError);
        Assert.Contains("registered for insurance by its holder", output, StringComparison.Ordinal);
        Assert.Contains($"eligible, insurer {DevCommands.Insurer}", output, StringComparison.Ordinal);
        Assert.Contains("the resident's access log (GET /v1/me/access-log): eligibility-check", output, StringComparison.Ordinal);
        Assert.Contains($"by institution {DevCommands.Clinic} at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(number, output, StringComparison.Ordinal);
        Assert.DoesNotContain("開発", output, StringComparison.Ordinal);
        var active = await (await clerk.GetAsync(card)).Json();
        Assert.Equal("active", active.Str("status"));
        Assert.Equal("portal", active.Str("registeredForInsuranceVia"));
        var holder = fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = person });
        var entries = await PortalWorld.Ledger(holder, "?kind=institution");
        var check = Assert.Single(entries);
        Assert.Equal(DevCommands.Clinic, check.Str("accessor"));
        Assert.StartsWith("eligibility-check", check.Str("what"), StringComparison.Ordinal);
        Assert.False(check.GetProperty("refused").GetBoolean());

        // Again, with the person given: the card is registered already, the clinic exists; a second check is logged.
        var (again, second, _) = await Run(anonymous, "dev-clinic-check", "--card", cardId, "--person", person);
        Assert.Equal(0, again);
        Assert.DoesNotContain("registered for insurance", second, StringComparison.Ordinal);
        Assert.Equal(2, (await PortalWorld.Ledger(holder, "?kind=institution")).Count);
    }

    [Fact]
    public async Task Dev_clinic_check_refuses_a_card_not_yet_handed_over_and_dev_resident_keeps_the_municipality_given()
    {
        var anonymous = fixture.Api.CreateClient();
        var (seeded, json, _) = await Run(anonymous, "dev-resident", "--municipality", "271004", "--json");
        Assert.Equal(0, seeded);
        var resident = System.Text.Json.JsonDocument.Parse(json).RootElement;
        Assert.Equal("271004", resident.Str("municipality"));
        var cardId = resident.Str("cardId");
        var osaka = fixture.Municipality("271004");
        Assert.Equal(HttpStatusCode.OK, (await osaka.GetAsync($"/v1/persons/{resident.Str("personId")}")).StatusCode);

        var (refused, output, error) = await Run(anonymous, "dev-clinic-check", "--card", cardId, "--municipality", "271004");

        Assert.Equal(1, refused);
        Assert.Contains("ready-for-pickup, not active: hand it over first", error, StringComparison.Ordinal);
        Assert.DoesNotContain("eligibility check", output, StringComparison.Ordinal);
        var (usage, _, missing) = await Run(anonymous, "dev-clinic-check");
        Assert.Equal(1, usage);
        Assert.Contains("needs --card", missing, StringComparison.Ordinal);

        var (text, plain, _) = await Run(anonymous, "dev-resident");
        Assert.Equal(0, text);
        Assert.Matches(@"(?m)^card\s+[0-9a-f-]{36} \(ready-for-pickup", plain);
        Assert.Matches(@"(?m)^municipality\s+131016\s*$", plain);
        Assert.Contains("next: open the portal's Development setup page", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_resident_against_an_api_without_development_tokens_exits_1_and_says_why()
    {
        await using var production = fixture.Api.WithWebHostBuilder(b => b.UseSetting("Auth:DevTokens", "false"));
        var anonymous = production.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostJson("/dev/tokens", new { subject = "x", role = "operator" })).StatusCode);

        var (exit, output, error) = await Run(anonymous, "dev-resident");
        var (check, _, checkError) = await Run(anonymous, "dev-clinic-check", "--card", Guid.NewGuid().ToString());

        Assert.Equal(1, exit);
        Assert.Contains("POST /dev/tokens answered 404", error, StringComparison.Ordinal);
        Assert.Contains("Development", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(1, check);
        Assert.Contains("POST /dev/tokens answered 404", checkError, StringComparison.Ordinal);
    }
}
