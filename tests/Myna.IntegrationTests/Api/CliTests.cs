using Myna.Api.Auth;
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
}
