using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Myna.Cli;

/// <summary>
/// <c>myna history|as-of|verify|rebuild|checkpoint …</c> over the HTTP API. The base URL and the bearer
/// token come from <c>--url</c>/<c>--token</c> or <c>MYNA_API_URL</c>/<c>MYNA_TOKEN</c>. Exit codes: 0 done,
/// 1 usage or API error, 2 verification found a broken stream, 3 a rebuild failed.
/// </summary>
public static class CliApp
{
    public const string Usage = """
        usage: myna [--url URL] [--token TOKEN] <command> …
          history <kind> <id> [--type T1,T2] [--from ISO] [--to ISO] [--from-version N] [--limit N]
          history --correlation <id>
          as-of <kind> <id> [--version N | --at ISO [--timeline known|effective]]
          as-of <kind> <id> --compare --at ISO        what was known at ISO against what was in effect then
          verify [<kind> <id>]                        one stream, or every stream against the latest checkpoint
          checkpoint                                  write a checkpoint of the stream heads now
          rebuild <index> [--no-wait]                 person-match, certificates, devices, qualifications,
                                                      confirmation-documents, institutions, numbers
        kinds: person, card, insurer, institution, ledger, campaign
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs one command. <paramref name="http"/> replaces the client built from the options (tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpClient? http = null,
        Func<string, string?>? environment = null, TimeSpan? pollInterval = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var parsed = Arguments.Parse(args);
        if (parsed.Positional.Count == 0 || parsed.Has("help"))
        {
            await error.WriteLineAsync(Usage);
            return 1;
        }
        var owned = http is null;
        http ??= new HttpClient { BaseAddress = new Uri(parsed.Get("url") ?? environment("MYNA_API_URL") ?? "http://127.0.0.1:5080") };
        if ((parsed.Get("token") ?? environment("MYNA_TOKEN")) is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        try
        {
            var api = new Api(http);
            var rest = parsed.Positional.Skip(1).ToList();
            return parsed.Positional[0] switch
            {
                "history" => await HistoryAsync(api, rest, parsed, output),
                "as-of" => await AsOfAsync(api, rest, parsed, output),
                "verify" => await VerifyAsync(api, rest, output),
                "checkpoint" => await CheckpointAsync(api, output),
                "rebuild" => await RebuildAsync(api, rest, parsed, output, pollInterval ?? TimeSpan.FromSeconds(1)),
                _ => await UsageError(error, $"unknown command '{parsed.Positional[0]}'"),
            };
        }
        catch (ApiException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (UsageException ex)
        {
            return await UsageError(error, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"error: the API did not answer ({ex.Message})");
            return 1;
        }
        finally
        {
            if (owned)
            {
                http.Dispose();
            }
        }
    }

    private static async Task<int> UsageError(TextWriter error, string message)
    {
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync(Usage);
        return 1;
    }

    private static async Task<int> HistoryAsync(Api api, List<string> rest, Arguments options, TextWriter output)
    {
        if (options.Get("correlation") is { } correlation)
        {
            var trail = await api.GetAsync($"/v1/audit/correlations/{Uri.EscapeDataString(correlation)}/events");
            var events = trail.GetProperty("events").EnumerateArray().ToList();
            await Table.WriteAsync(output, ["SEQ", "STREAM", "VERSION", "RECORDED AT", "TYPE", "ACTOR", "CHANNEL"],
                events.Select(e => new[] { Num(e, "sequence"), Str(e, "stream"), Num(e, "version"), Time(e, "recordedAt"), Str(e, "type"), Actor(e), Str(e, "channel") }));
            await output.WriteLineAsync($"{events.Count} events in {trail.GetProperty("streams").GetArrayLength()} streams");
            return 0;
        }
        var (kind, id) = Stream(rest);
        var query = Query(
            ("type", options.Get("type")), ("from", options.Get("from")), ("to", options.Get("to")),
            ("fromVersion", options.Get("from-version")), ("limit", options.Get("limit")));
        var page = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/events{query}");
        var rows = page.GetProperty("events").EnumerateArray().ToList();
        await Table.WriteAsync(output, ["VERSION", "RECORDED AT", "OCCURRED AT", "TYPE", "ACTOR", "CHANNEL", "CORRELATION"],
            rows.Select(e => new[] { Num(e, "version"), Time(e, "recordedAt"), Time(e, "occurredAt"), Str(e, "type"), Actor(e), Str(e, "channel"), Str(e, "correlationId") }));
        var next = page.GetProperty("nextFromVersion");
        await output.WriteLineAsync($"{Str(page, "stream")}: version {Num(page, "streamVersion")}, {rows.Count} shown"
            + (next.ValueKind == JsonValueKind.Number ? $"; more with --from-version {next.GetInt64()}" : string.Empty));
        return 0;
    }

    private static async Task<int> AsOfAsync(Api api, List<string> rest, Arguments options, TextWriter output)
    {
        var (kind, id) = Stream(rest);
        if (options.Has("compare"))
        {
            var at = options.Get("at") ?? throw new UsageException("--compare needs --at");
            var comparison = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/timelines{Query(("at", at))}");
            var known = comparison.GetProperty("asKnown");
            var effective = comparison.GetProperty("asEffective");
            await output.WriteLineAsync($"at {at}: as known = version {Num(known, "version")}, as in effect = {Num(effective, "eventsApplied")} events applied");
            var differences = comparison.GetProperty("differences").EnumerateArray().ToList();
            await Table.WriteAsync(output, ["PATH", "AS KNOWN", "AS IN EFFECT"],
                differences.Select(d => new[] { Str(d, "path"), Raw(d, "known"), Raw(d, "effective") }));
            var corrections = comparison.GetProperty("corrections").EnumerateArray().ToList();
            await output.WriteLineAsync($"{differences.Count} differences, {corrections.Count} corrections recorded later:");
            await Table.WriteAsync(output, ["VERSION", "RECORDED AT", "EFFECTIVE FROM", "TYPE", "ACTOR"],
                corrections.Select(c => new[] { Num(c, "version"), Time(c, "recordedAt"), Time(c, "effectiveFrom"), Str(c, "type"), Actor(c) }));
            return 0;
        }
        var query = Query(("version", options.Get("version")), ("at", options.Get("at")), ("timeline", options.Get("timeline")));
        var state = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/state{query}");
        await output.WriteLineAsync($"{Str(state, "stream")} at version {Num(state, "version")} ({Num(state, "eventsApplied")} events, timeline {Str(state, "timeline")}, last recorded {Time(state, "lastRecordedAt")})");
        await output.WriteLineAsync(JsonSerializer.Serialize(state.GetProperty("state"), Indented));
        return 0;
    }

    private static async Task<int> VerifyAsync(Api api, List<string> rest, TextWriter output)
    {
        if (rest.Count > 0)
        {
            var (kind, id) = Stream(rest);
            var result = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/verification");
            await Table.WriteAsync(output, ["STREAM", "INTACT", "EVENTS", "LEGACY", "FIRST BAD", "PROBLEM", "DETAIL"], [Verification(result)]);
            return result.GetProperty("intact").GetBoolean() ? 0 : 2;
        }
        var store = await api.GetAsync("/v1/audit/verification");
        var broken = store.GetProperty("broken").EnumerateArray().ToList();
        await output.WriteLineAsync($"{Num(store, "streamsChecked")} streams, {Num(store, "eventsChecked")} events checked; "
            + $"{Num(store, "streamsIntact")} intact; {Num(store, "legacyEvents")} legacy events without a seal; checkpoint {Str(store, "checkpointId")}");
        if (broken.Count > 0)
        {
            await Table.WriteAsync(output, ["STREAM", "INTACT", "EVENTS", "LEGACY", "FIRST BAD", "PROBLEM", "DETAIL"], broken.Select(Verification));
        }
        return broken.Count == 0 ? 0 : 2;
    }

    private static async Task<int> CheckpointAsync(Api api, TextWriter output)
    {
        var checkpoint = await api.PostAsync("/v1/audit/checkpoints", null);
        await output.WriteLineAsync($"checkpoint {Str(checkpoint, "id")}: {Num(checkpoint, "streams")} stream heads, Merkle root {Str(checkpoint, "merkleRoot")}");
        return 0;
    }

    private static async Task<int> RebuildAsync(Api api, List<string> rest, Arguments options, TextWriter output, TimeSpan poll)
    {
        var index = rest.Count == 1 ? rest[0] : throw new UsageException("rebuild takes one index name");
        var (job, location) = await api.PostWithLocationAsync("/v1/operations/rebuild-jobs", new { index });
        await output.WriteLineAsync($"rebuild job {Str(job, "id")} of {index} started");
        if (options.Has("no-wait"))
        {
            await output.WriteLineAsync($"poll {location}");
            return 0;
        }
        while (Str(job, "status") == "running")
        {
            await output.WriteLineAsync(ProgressLine(job));
            await Task.Delay(poll);
            job = await api.GetAsync(location);
        }
        await output.WriteLineAsync(ProgressLine(job));
        if (Str(job, "status") != "completed")
        {
            await output.WriteLineAsync($"rebuild {Str(job, "status")}: {Str(job, "error")}");
            return 3;
        }
        await output.WriteLineAsync($"{index} rebuilt: {Num(job, "rows")} rows");
        return 0;
    }

    /// <summary>e.g. <c>[############--------]  60.0%  1200/2000 events  ETA 4s</c>.</summary>
    internal static string ProgressLine(JsonElement job)
    {
        const int Width = 20;
        var percent = job.GetProperty("percent").GetDouble();
        var filled = (int)Math.Round(percent / 100 * Width);
        var eta = job.GetProperty("etaSeconds") is { ValueKind: JsonValueKind.Number } s
            ? TimeSpan.FromSeconds(s.GetDouble()).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)
            : "--:--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', Width - filled)}] {percent,5:0.0}%  {Num(job, "processed")}/{Num(job, "total")} events  ETA {eta}");
    }

    private static string[] Verification(JsonElement v) =>
        [Str(v, "stream"), v.GetProperty("intact").GetBoolean() ? "yes" : "NO", Num(v, "events"), Num(v, "legacyEvents"), Num(v, "firstBadVersion"), Str(v, "problem"), Str(v, "detail")];

    private static (string Kind, string Id) Stream(List<string> rest) =>
        rest.Count == 2 ? (Uri.EscapeDataString(rest[0]), Uri.EscapeDataString(rest[1])) : throw new UsageException("give a stream kind and id");

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? string.Empty : "?" + string.Join('&', present);
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;

    private static string Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : string.Empty;

    private static string Raw(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetRawText() : "(none)";

    private static string Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t)
            ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : string.Empty;

    private static string Actor(JsonElement e) =>
        e.TryGetProperty("actor", out var a) && a.ValueKind == JsonValueKind.Object
            ? $"{Str(a, "role")}:{Str(a, "subject")}" + (Str(a, "onBehalfOf") is { Length: > 0 } behalf ? $" for {behalf}" : string.Empty)
            : string.Empty;
}

internal sealed class UsageException(string message) : Exception(message);

internal sealed class ApiException(string message) : Exception(message);

/// <summary>Positional words and <c>--name value</c> / <c>--flag</c> options.</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "compare", "no-wait", "help" };
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = args[i][2..];
                parsed._options[name] = Flags.Contains(name) || i + 1 >= args.Length ? null : args[++i];
            }
            else
            {
                parsed.Positional.Add(args[i]);
            }
        }
        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);
}

/// <summary>The API calls, with ProblemDetails turned into a readable error.</summary>
internal sealed class Api(HttpClient http)
{
    public async Task<JsonElement> GetAsync(string path) => await ReadAsync(await http.GetAsync(Relative(path)));

    public async Task<JsonElement> PostAsync(string path, object? body) =>
        await ReadAsync(await http.PostAsync(Relative(path), body is null ? null : System.Net.Http.Json.JsonContent.Create(body)));

    public async Task<(JsonElement Body, string Location)> PostWithLocationAsync(string path, object body)
    {
        var response = await http.PostAsync(Relative(path), System.Net.Http.Json.JsonContent.Create(body));
        var json = await ReadAsync(response);
        return (json, response.Headers.Location?.ToString() ?? throw new ApiException("the API gave no job location"));
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            var detail = string.Empty;
            try
            {
                using var problem = JsonDocument.Parse(text);
                var root = problem.RootElement;
                detail = $" {(root.TryGetProperty("code", out var c) ? c.GetString() : string.Empty)}: {(root.TryGetProperty("detail", out var d) ? d.GetString() : string.Empty)}";
            }
            catch (JsonException)
            {
                // Not a ProblemDetails body: the status says enough.
            }
            throw new ApiException($"{(int)response.StatusCode} {response.ReasonPhrase}{detail}");
        }
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>Plain text tables with columns as wide as their widest cell (capped).</summary>
internal static class Table
{
    private const int MaxWidth = 60;

    public static async Task WriteAsync(TextWriter output, string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.Select(r => r.Select(c => c.Length > MaxWidth ? c[..(MaxWidth - 1)] + "…" : c).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(Line(headers, widths));
        await output.WriteLineAsync(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in all)
        {
            await output.WriteLineAsync(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths)
    {
        var text = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }
        return text.ToString().TrimEnd();
    }
}
