using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Myna.Benchmarks.Harness;

/// <summary>Runs a read-model rebuild the way an operator does: start a background job, poll its progress until it ends.</summary>
public static class RebuildJobs
{
    /// <summary>
    /// How often the job is asked how far it is. A timed rebuild ends at the first poll after it completed, so the poll
    /// adds up to this much to its time (F4's rebuilds take 3–5 s); at 200 ms that was up to 6% of the figure.
    /// </summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The rows the rebuilt index holds. Throws when the job fails.</summary>
    public static async Task<int> RunAsync(HttpClient http, AuthenticationHeaderValue operatorToken, string index)
    {
        string location;
        using (var start = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/operations/rebuild-jobs", UriKind.Relative)))
        {
            start.Headers.Authorization = operatorToken;
            start.Content = JsonContent.Create(new { index });
            using var response = await http.SendAsync(start);
            response.EnsureSuccessStatusCode();
            location = response.Headers.Location?.ToString() ?? throw new InvalidOperationException("A rebuild job answers with its location.");
        }
        while (true)
        {
            await Task.Delay(Poll);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(location, UriKind.Relative));
            request.Headers.Authorization = operatorToken;
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            switch (body.RootElement.GetProperty("status").GetString())
            {
                case "completed":
                    return body.RootElement.GetProperty("rows").GetInt32();
                case "failed":
                    throw new InvalidOperationException("The rebuild job failed: " + body.RootElement.GetProperty("error").GetString());
            }
        }
    }
}
