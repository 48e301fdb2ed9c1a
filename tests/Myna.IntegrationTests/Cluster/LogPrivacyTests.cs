using System.Net;
using Myna.IntegrationTests.Api;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Cluster;

/// <summary>
/// No Individual Number in any log: commands and queries that carry numbers (assignment, lookup, a lookup
/// with a wrong check digit, a lookup of a number nobody holds) run against the process cluster with Myna's
/// categories at Debug; then the silos' output and everything the API logged (messages, structured values,
/// scopes, exceptions) are searched for those numbers.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class LogPrivacyTests(ProcessClusterFixture cluster)
{
    [Fact]
    public async Task Commands_and_lookups_that_handle_numbers_leave_none_of_them_in_the_logs()
    {
        var clerk = cluster.Clerk("privacy-clerk");
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await (await Retrying(() => clerk.PostJson("/v1/persons", ApiJson.Hanako, "privacy-register-" + i))).Json()).Str("id");
            var assigned = await Retrying(() => clerk.PostJson($"/v1/persons/{id}/individual-number", new { }, "privacy-assign-" + i));
            Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
            var number = (await assigned.Json()).Str("individualNumber");
            numbers.Add(number);

            Assert.Equal(HttpStatusCode.OK, (await Retrying(() => clerk.PostJson("/v1/persons/lookup", new { individualNumber = number }))).StatusCode);
            // The same number with its check digit broken: refused without echoing it.
            var broken = number[..11] + (char)('0' + ((number[11] - '0' + 1) % 10));
            numbers.Add(broken);
            Assert.Equal(HttpStatusCode.BadRequest, (await clerk.PostJson("/v1/persons/lookup", new { individualNumber = broken })).StatusCode);
            // A second assignment is refused (409), with the number in the grain's state but not in the log.
            Assert.Equal(HttpStatusCode.Conflict, (await Retrying(() => clerk.PostAsync($"/v1/persons/{id}/individual-number", null))).StatusCode);
        }
        // A valid number nobody holds.
        numbers.Add("123456789018");
        Assert.Equal(HttpStatusCode.NotFound, (await Retrying(() => clerk.PostJson("/v1/persons/lookup", new { individualNumber = "123456789018" }))).StatusCode);

        var silo = cluster.ReadSiloLogs();
        var api = string.Join('\n', cluster.ApiLogs.Lines);
        Assert.NotEmpty(api);
        Assert.Contains("CorrelationId", api, StringComparison.Ordinal);
        foreach (var number in numbers)
        {
            Assert.DoesNotContain(number, silo, StringComparison.Ordinal);
            Assert.DoesNotContain(number, api, StringComparison.Ordinal);
        }
    }

    /// <summary>As a client does: a 503 (a cold cluster's first activations) is retried with the same request and key.</summary>
    private static async Task<HttpResponseMessage> Retrying(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }
            await Task.Delay(500);
        }
    }
}
