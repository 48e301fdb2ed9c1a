using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Myna.Cli;

/// <summary>
/// <c>myna history|as-of|verify|rebuild|checkpoint|import|dev-resident|dev-clinic-check …</c> over the HTTP API. The base URL and the bearer
/// token come from <c>--url</c>/<c>--token</c> or <c>MYNA_API_URL</c>/<c>MYNA_TOKEN</c>. Tables and progress
/// bars are Spectre.Console's (plain text, no colours, when the output is not a terminal). Exit codes: 0 done,
/// 1 usage or API error (or no <c>/dev/tokens</c> for the development commands), 2 verification found a broken stream
/// or a development clinic check answered not eligible, 3 a rebuild failed or an import did not finish,
/// 4 an import finished with refused lines.
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
                                                      confirmation-documents, institutions, numbers,
                                                      clinic-consents
          import <file> [--key KEY] [--no-wait]       register the persons of an NDJSON or JSON-array file
                                                      (up to 100,000 lines) as a bulk registration job
          dev-resident [--municipality CODE] [--json] Development only: a person with a PIN card ready for its handover
                                                      (default municipality 131016) and an insurer's qualification;
                                                      the portal's setup page then hands the card over with browser keys
          dev-clinic-check --card ID [--person ID] [--municipality CODE]
                                                      Development only: registers the handed-over card for insurance and
                                                      runs a clinic's eligibility check (staff visual check) on it;
                                                      exit 2 when the check answers not eligible
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
            var console = Terminal.For(output);
            var rest = parsed.Positional.Skip(1).ToList();
            var poll = pollInterval ?? TimeSpan.FromSeconds(1);
            return parsed.Positional[0] switch
            {
                "history" => await HistoryAsync(api, rest, parsed, console),
                "as-of" => await AsOfAsync(api, rest, parsed, console, output),
                "verify" => await VerifyAsync(api, rest, console),
                "checkpoint" => await CheckpointAsync(api, console),
                "rebuild" => await RebuildAsync(api, rest, parsed, console, poll),
                "import" => await ImportAsync(api, rest, parsed, console, poll),
                "dev-resident" => await DevCommands.ResidentAsync(api, parsed, console, output),
                "dev-clinic-check" => await DevCommands.ClinicCheckAsync(api, parsed, console),
                _ => await UsageError(error, $"unknown command '{parsed.Positional[0]}'"),
            };
        }
        catch (ApiException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (DevelopmentOnlyException ex)
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

    private static async Task<int> HistoryAsync(Api api, List<string> rest, Arguments options, IAnsiConsole console)
    {
        if (options.Get("correlation") is { } correlation)
        {
            var trail = await api.GetAsync($"/v1/audit/correlations/{Uri.EscapeDataString(correlation)}/events");
            var events = trail.GetProperty("events").EnumerateArray().ToList();
            Tables.Write(console, ["SEQ", "STREAM", "VERSION", "RECORDED AT", "TYPE", "ACTOR", "CHANNEL"],
                events.Select(e => new[] { Num(e, "sequence"), Str(e, "stream"), Num(e, "version"), Time(e, "recordedAt"), Str(e, "type"), Actor(e), Str(e, "channel") }));
            console.WriteLine($"{events.Count} events in {trail.GetProperty("streams").GetArrayLength()} streams");
            return 0;
        }
        var (kind, id) = Stream(rest);
        var query = Query(
            ("type", options.Get("type")), ("from", options.Get("from")), ("to", options.Get("to")),
            ("fromVersion", options.Get("from-version")), ("limit", options.Get("limit")));
        var page = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/events{query}");
        var rows = page.GetProperty("events").EnumerateArray().ToList();
        Tables.Write(console, ["VERSION", "RECORDED AT", "OCCURRED AT", "TYPE", "ACTOR", "CHANNEL", "CORRELATION"],
            rows.Select(e => new[] { Num(e, "version"), Time(e, "recordedAt"), Time(e, "occurredAt"), Str(e, "type"), Actor(e), Str(e, "channel"), Str(e, "correlationId") }));
        var next = page.GetProperty("nextFromVersion");
        console.WriteLine($"{Str(page, "stream")}: version {Num(page, "streamVersion")}, {rows.Count} shown"
            + (next.ValueKind == JsonValueKind.Number ? $"; more with --from-version {next.GetInt64()}" : string.Empty));
        return 0;
    }

    private static async Task<int> AsOfAsync(Api api, List<string> rest, Arguments options, IAnsiConsole console, TextWriter output)
    {
        var (kind, id) = Stream(rest);
        if (options.Has("compare"))
        {
            var at = options.Get("at") ?? throw new UsageException("--compare needs --at");
            var comparison = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/timelines{Query(("at", at))}");
            var known = comparison.GetProperty("asKnown");
            var effective = comparison.GetProperty("asEffective");
            console.WriteLine($"at {at}: as known = version {Num(known, "version")}, as in effect = {Num(effective, "eventsApplied")} events applied");
            var differences = comparison.GetProperty("differences").EnumerateArray().ToList();
            Tables.Write(console, ["PATH", "AS KNOWN", "AS IN EFFECT"],
                differences.Select(d => new[] { Str(d, "path"), Raw(d, "known"), Raw(d, "effective") }));
            var corrections = comparison.GetProperty("corrections").EnumerateArray().ToList();
            console.WriteLine($"{differences.Count} differences, {corrections.Count} corrections recorded later:");
            Tables.Write(console, ["VERSION", "RECORDED AT", "EFFECTIVE FROM", "TYPE", "ACTOR"],
                corrections.Select(c => new[] { Num(c, "version"), Time(c, "recordedAt"), Time(c, "effectiveFrom"), Str(c, "type"), Actor(c) }));
            return 0;
        }
        var query = Query(("version", options.Get("version")), ("at", options.Get("at")), ("timeline", options.Get("timeline")));
        var state = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/state{query}");
        console.WriteLine($"{Str(state, "stream")} at version {Num(state, "version")} ({Num(state, "eventsApplied")} events, timeline {Str(state, "timeline")}, last recorded {Time(state, "lastRecordedAt")})");
        // The state as JSON, unwrapped: written as it is, never reflowed to the console's width.
        await output.WriteLineAsync(JsonSerializer.Serialize(state.GetProperty("state"), Indented));
        return 0;
    }

    private static async Task<int> VerifyAsync(Api api, List<string> rest, IAnsiConsole console)
    {
        if (rest.Count > 0)
        {
            var (kind, id) = Stream(rest);
            var result = await api.GetAsync($"/v1/audit/streams/{kind}/{id}/verification");
            Tables.Write(console, VerificationHeaders, [Verification(result)]);
            return result.GetProperty("intact").GetBoolean() ? 0 : 2;
        }
        var store = await api.GetAsync("/v1/audit/verification");
        var broken = store.GetProperty("broken").EnumerateArray().ToList();
        console.WriteLine($"{Num(store, "streamsChecked")} streams, {Num(store, "eventsChecked")} events checked; "
            + $"{Num(store, "streamsIntact")} intact; {Num(store, "legacyEvents")} legacy events without a seal; checkpoint {Str(store, "checkpointId")}");
        if (broken.Count > 0)
        {
            Tables.Write(console, VerificationHeaders, broken.Select(Verification));
        }
        return broken.Count == 0 ? 0 : 2;
    }

    private static readonly string[] VerificationHeaders = ["STREAM", "INTACT", "EVENTS", "LEGACY", "FIRST BAD", "PROBLEM", "DETAIL"];

    private static async Task<int> CheckpointAsync(Api api, IAnsiConsole console)
    {
        var checkpoint = await api.PostAsync("/v1/audit/checkpoints", null);
        console.WriteLine($"checkpoint {Str(checkpoint, "id")}: {Num(checkpoint, "streams")} stream heads, Merkle root {Str(checkpoint, "merkleRoot")}");
        return 0;
    }

    private static async Task<int> RebuildAsync(Api api, List<string> rest, Arguments options, IAnsiConsole console, TimeSpan poll)
    {
        var index = rest.Count == 1 ? rest[0] : throw new UsageException("rebuild takes one index name");
        var (job, location) = await api.PostWithLocationAsync("/v1/operations/rebuild-jobs", System.Net.Http.Json.JsonContent.Create(new { index }), key: null);
        console.WriteLine($"rebuild job {Str(job, "id")} of {index} started");
        if (options.Has("no-wait"))
        {
            console.WriteLine($"poll {location}");
            return 0;
        }
        job = await JobProgress.FollowAsync(console, $"rebuild {index}", job, "processed", poll, () => api.GetAsync(location));
        console.WriteLine($"{Str(job, "status")}: {Num(job, "processed")}/{Num(job, "total")} events");
        if (Str(job, "status") != "completed")
        {
            console.WriteLine($"rebuild {Str(job, "status")}: {Str(job, "error")}");
            return 3;
        }
        console.WriteLine($"{index} rebuilt: {Num(job, "rows")} rows");
        return 0;
    }

    /// <summary>
    /// A bulk registration job from a file, with a progress bar while it runs and a summary table after. The
    /// Idempotency-Key is the file's hash unless given: importing the same file again is the same job (it
    /// answers the outcome, or resumes an interrupted job), never a second registration. Nothing but line ids,
    /// counts and refusal codes is printed (the API answers no Individual Number here).
    /// </summary>
    private static async Task<int> ImportAsync(Api api, List<string> rest, Arguments options, IAnsiConsole console, TimeSpan poll)
    {
        var file = rest.Count == 1 ? rest[0] : throw new UsageException("import takes one file (NDJSON, or a JSON array)");
        byte[] body;
        try
        {
            body = await File.ReadAllBytesAsync(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {file}: {ex.Message}");
        }
        var key = options.Get("key") ?? "import-" + Convert.ToHexStringLower(SHA256.HashData(body))[..32];
        var start = () => api.PostWithLocationAsync(ImportRoute, FileContent(body), key);
        var (job, location) = await start();
        console.WriteLine($"import job {Str(job, "id")}: {Num(job, "total")} lines from {Path.GetFileName(file)} (Idempotency-Key {key})");
        if (options.Has("no-wait"))
        {
            console.WriteLine($"poll {location}");
            return 0;
        }
        for (var resumed = 0; ; resumed++)
        {
            job = await JobProgress.FollowAsync(console, "import", job, "done", poll, () => api.GetAsync(location));
            if (Str(job, "status") != "interrupted" || resumed == MaxResumes)
            {
                break;
            }
            // Its silo went away mid-job: the same request again resumes it at its last checkpoint.
            console.WriteLine($"interrupted after {Num(job, "done")} lines; resuming");
            (job, _) = await start();
        }
        Tables.Write(console, ["LINES", "COUNT"],
            [["created", Num(job, "created")], ["existing", Num(job, "existing")], ["refused", Num(job, "refused")], ["total", Num(job, "total")]]);
        if (Str(job, "status") != "completed")
        {
            console.WriteLine($"import {Str(job, "status")} after {Num(job, "done")} of {Num(job, "total")} lines: run the same import again to resume it");
            return 3;
        }
        var refused = job.GetProperty("refused").GetInt32();
        if (refused == 0)
        {
            console.WriteLine($"imported: {Num(job, "created")} registered, {Num(job, "existing")} already registered");
            return 0;
        }
        var first = await api.GetAsync($"{location}?status=refused&limit={FirstRefusals}");
        console.WriteLine(refused == 1 ? "1 line refused:" : $"{refused} lines refused; the first {Math.Min(refused, FirstRefusals)}:");
        Tables.Write(console, ["LINE", "CODE"], first.GetProperty("lines").EnumerateArray().Select(l => new[] { Str(l, "id"), Str(l, "code") }));
        return 4;
    }

    private const string ImportRoute = "/v1/persons/bulk-registration-jobs";
    private const int FirstRefusals = 10;
    private const int MaxResumes = 3;

    /// <summary>The file as it is: a JSON array when it starts with '[', NDJSON otherwise.</summary>
    private static ByteArrayContent FileContent(byte[] body)
    {
        var first = body.SkipWhile(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF).FirstOrDefault();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(first == (byte)'[' ? "application/json" : "application/x-ndjson") { CharSet = "utf-8" };
        return content;
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

    internal static string Str(JsonElement e, string name) =>
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

/// <summary>An answer other than 2xx: its status and ProblemDetails code (empty when the body had none) kept for callers that tolerate some.</summary>
internal sealed class ApiException(string message, int status = 0, string code = "") : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>Positional words and <c>--name value</c> / <c>--flag</c> options.</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "compare", "no-wait", "help", "json" };
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

    /// <summary>One call with its own bearer token (the development commands act as several roles in turn).</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, string token)
    {
        using var request = new HttpRequestMessage(method, Relative(path))
        {
            Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await ReadAsync(await http.SendAsync(request));
    }

    /// <summary>A job's start: its first view and where to poll it. A key goes as the Idempotency-Key.</summary>
    public async Task<(JsonElement Body, string Location)> PostWithLocationAsync(string path, HttpContent content, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        var response = await http.SendAsync(request);
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
            var code = string.Empty;
            try
            {
                using var problem = JsonDocument.Parse(text);
                var root = problem.RootElement;
                code = root.TryGetProperty("code", out var c) ? c.GetString() ?? string.Empty : string.Empty;
                detail = $" {code}: {(root.TryGetProperty("detail", out var d) ? d.GetString() : string.Empty)}";
            }
            catch (JsonException)
            {
                // Not a ProblemDetails body: the status says enough.
            }
            throw new ApiException($"{(int)response.StatusCode} {response.ReasonPhrase}{detail}", (int)response.StatusCode, code);
        }
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>The console the commands write to: Spectre.Console's, plain (no colours, no cursor moves, no wrapping) unless it is a terminal.</summary>
internal static class Terminal
{
    public static IAnsiConsole For(TextWriter output)
    {
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!terminal)
        {
            // A file or a pipe: wide tables stay one row a line.
            console.Profile.Width = 400;
        }
        return console;
    }
}

/// <summary>Tables without borders: a bold header, then one row a line, columns two spaces apart (long cells capped).</summary>
internal static class Tables
{
    private const int MaxWidth = 60;

    public static void Write(IAnsiConsole console, string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.None);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))).PadLeft(0).PadRight(2).NoWrap());
        }
        foreach (var row in rows)
        {
            // Text, never markup: a cell is data ("[", "]" included).
            table.AddRow(row.Select(c => (IRenderable)new Text(c.Length > MaxWidth ? c[..(MaxWidth - 1)] + "…" : c)));
        }
        console.Write(table);
    }
}

/// <summary>A job followed with a Spectre.Console progress bar (percentage and time left) until it no longer runs.</summary>
internal static class JobProgress
{
    public static async Task<JsonElement> FollowAsync(IAnsiConsole console, string label, JsonElement job, string doneField, TimeSpan poll, Func<Task<JsonElement>> next)
    {
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(label));
                while (true)
                {
                    task.MaxValue = Math.Max(1, Count(job, "total"));
                    task.Value = Count(job, doneField);
                    if (!job.TryGetProperty("status", out var status) || status.GetString() != "running")
                    {
                        break;
                    }
                    await Task.Delay(poll);
                    job = await next();
                }
                task.StopTask();
            });
        return job;
    }

    private static double Count(JsonElement job, string name) =>
        job.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
}
