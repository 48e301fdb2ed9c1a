using Myna.Api.Auth;
using Myna.Cli;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>The auditor/operator CLI, run through its entry point against the test API.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliTests(ApiFixture fixture)
{
    private async Task<(int Exit, string Output, string Error)> Run(string role, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error, fixture.ClientFor(role), _ => null, TimeSpan.FromMilliseconds(50));
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
        Assert.Contains("100.0%", output, StringComparison.Ordinal);
        Assert.Matches(@"\[#{20}\]", output);
        Assert.Contains("institutions rebuilt:", output, StringComparison.Ordinal);
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
