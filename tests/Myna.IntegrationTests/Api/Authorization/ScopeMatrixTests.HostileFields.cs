using System.Text;
using System.Text.Json.Nodes;

namespace Myna.IntegrationTests.Api.Authorization;

/// <summary>
/// The scope cells' positive controls, with one field at a time replaced: every string a request body carries
/// (however deep) becomes hostile text (a right-to-left override followed by a 12-digit run) or a blank, sent by
/// the right scope to the right object in the right state. No field may take either: each such request is refused
/// (4xx, never 5xx) with the cell's streams unchanged, and the unchanged request still succeeds afterwards, so no
/// refusal spent a one-time challenge the request named.
/// </summary>
public sealed partial class ScopeMatrixTests
{
    /// <summary>No field of any body is free to hold a bidirectional control or what reads as an Individual Number.</summary>
    private const string HostileField = "\u202E123456789012";

    /// <summary>Spaces only: no value, but present (base64 of it decodes to no bytes at all).</summary>
    private const string BlankField = "   ";

    public static TheoryData<string> SweptValues => new() { HostileField, BlankField };

    /// <summary>Optional fields where a blank means none, or the documented default: not swept with a blank.</summary>
    private static readonly IReadOnlySet<string> BlankMeansDefault = new HashSet<string>(StringComparer.Ordinal)
    {
        "POST /v1/agency-procedures/{submissionId:guid}/decision $.note",  // a decision without a note
        "POST /v1/cards/{cardId}/suspension $.reason",                     // "lost"
        "POST /v1/persons/{personId}/identity-verifications $.helpedBy",   // nobody helped
    };

    [Theory]
    [MemberData(nameof(SweptValues))]
    public async Task No_body_field_of_a_scoped_route_takes_hostile_text_or_a_blank_from_the_right_scope(string value)
    {
        var failures = new List<string>();
        var mutated = 0;
        foreach (var (route, build) in Cells.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Cell cell;
            try
            {
                cell = await build(this);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or KeyNotFoundException or System.Text.Json.JsonException or Xunit.Sdk.XunitException)
            {
                failures.Add($"{route}: building the world failed: {e.Message}");
                continue;
            }
            var before = await Versions(cell.Streams);
            using var mutating = new FieldMutator(cell.Right, value, path => value != BlankField || !BlankMeansDefault.Contains($"{route} {path}"));
            using var client = new HttpClient(mutating) { BaseAddress = cell.Right.BaseAddress };
            for (mutating.Target = 0; ; mutating.Target++)
            {
                using var response = await cell.Send(client);
                if (mutating.Field is not { } field)
                {
                    break;
                }
                mutated++;
                var status = (int)response.StatusCode;
                if (status == 202 && route == BulkJobRoute)
                {
                    // A job answers each line: the hostile line must end refused, and nothing created.
                    if (await JobOutcome(cell.Right, response) is { } outcome)
                    {
                        failures.Add($"{route}: field {field} with {Describe(value)}: the job ended {outcome}");
                    }
                }
                else if (status is < 400 or >= 500)
                {
                    failures.Add($"{route}: field {field} with {Describe(value)} got {status} {await response.Content.ReadAsStringAsync()}");
                }
            }
            var after = await Versions(cell.Streams);
            if (!before.SequenceEqual(after))
            {
                failures.Add($"{route}: fields with {Describe(value)} moved the streams {string.Join(",", before)} -> {string.Join(",", after)}");
            }
            using var right = await cell.Send(cell.Right);
            if (!right.IsSuccessStatusCode)
            {
                failures.Add($"{route}: the unchanged request after those with {Describe(value)} got {(int)right.StatusCode} {await right.Content.ReadAsStringAsync()}");
            }
        }
        Console.WriteLine($"Body fields sent with {Describe(value)}: {mutated} over {Cells.Count} scope cells");
        Assert.True(mutated > 100, $"Only {mutated} fields swept: the cells' bodies no longer reach the rules.");
        Assert.True(failures.Count == 0, $"{failures.Count} field(s) with {Describe(value)} not refused:\n" + string.Join("\n", failures));
    }

    private static string Describe(string value) => value == BlankField ? "a blank" : "hostile text";

    private const string BulkJobRoute = "POST /v1/persons/bulk-registration-jobs";

    /// <summary>Null when the job (polled to its end) refused every line and created nothing; else what it did.</summary>
    private static async Task<string?> JobOutcome(HttpClient clerk, HttpResponseMessage accepted)
    {
        var job = (await accepted.Json()).Str("id");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var progress = await (await clerk.GetAsync($"/v1/persons/bulk-registration-jobs/{job}")).Json();
            if (progress.Str("status") != "running")
            {
                var (created, refused, total) = (progress.GetProperty("created").GetInt32(), progress.GetProperty("refused").GetInt32(), progress.GetProperty("total").GetInt32());
                return created == 0 && refused == total && progress.Str("status") == "completed" ? null : $"{progress.Str("status")}: {created} created, {refused} of {total} refused";
            }
            if (DateTime.UtcNow > deadline)
            {
                return "still running after 60 s";
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Sends through the cell's own client, with the <see cref="Target"/>-th swept string of the JSON body replaced
    /// by <paramref name="value"/>. A request with fewer swept strings than that is not sent at all (the sweep of its
    /// cell is over, and the world stays as it was for the positive control).
    /// </summary>
    private sealed class FieldMutator(HttpClient inner, string value, Func<string, bool> sweeps) : HttpMessageHandler
    {
        public int Target { get; set; }

        /// <summary>The JSON path of the field the last request carried hostile text in; null when none was left.</summary>
        public string? Field { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Field = null;
            var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var body = text is { Length: > 0 } ? JsonNode.Parse(text) : null;
            var strings = new List<(JsonNode Value, string Path)>();
            Collect(body, "$", strings);
            strings.RemoveAll(s => !sweeps(s.Path));
            if (Target >= strings.Count)
            {
                return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent) { RequestMessage = request };
            }
            var (node, path) = strings[Target];
            node.ReplaceWith(JsonValue.Create(value));
            Field = path;
            using var forwarded = new HttpRequestMessage(request.Method, request.RequestUri)
            {
                Content = new StringContent(body!.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            foreach (var header in request.Headers)
            {
                forwarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            var response = await inner.SendAsync(forwarded, cancellationToken);
            var copy = new HttpResponseMessage(response.StatusCode) { Content = new StringContent(await response.Content.ReadAsStringAsync(cancellationToken)), RequestMessage = request };
            response.Dispose();
            return copy;
        }

        private static void Collect(JsonNode? node, string path, List<(JsonNode, string)> strings)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o.ToList())
                    {
                        Collect(child, $"{path}.{key}", strings);
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Collect(a[i], $"{path}[{i}]", strings);
                    }
                    break;
                case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    strings.Add((v, path));
                    break;
            }
        }
    }
}
