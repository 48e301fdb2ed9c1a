using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api.Hostile;

/// <summary>
/// Every operation of the OpenAPI document, called by every role that passes its gate, with hostile input:
/// malformed and mistyped bodies, huge and odd strings, garbage in path and query. Bad input gets a clear
/// error, never a 500. (Whole-store operations are left out: they would scan the shared test store.)
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputSweepTests(ApiFixture fixture)
{
    /// <summary>Operations that start whole-store work: not swept here (their gates are covered by the matrix).</summary>
    private static readonly string[] WholeStore = ["/v1/operations/index-rebuilds", "/v1/operations/rebuild-jobs", "/v1/audit/checkpoints", "/v1/audit/verification"];

    private static readonly string[] PathValues =
    [
        "x", "00000000-0000-0000-0000-000000000000", Guid.NewGuid().ToString(), new string('9', 300),
        "%2e%2e%2f%2e%2e%2fetc", "１３１０１６", "' OR '1'='1",
    ];

    private static readonly string[] QueryValues = ["", "-1", "99999999999999999999", "' OR 1=1 --", new string('あ', 3000), "2026-02-30", "%00"];

    private static readonly string[] RawBodies = ["{", "[]", "null", "\"text\"", "12", "{\"a\":" + new string('[', 100) + new string(']', 100) + "}", ""];

    [Fact]
    public async Task No_operation_answers_500_to_hostile_input()
    {
        var document = JsonNode.Parse(await (await fixture.Api.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync())!;
        var clients = Clients();
        var failures = new List<string>();
        var requests = 0;

        foreach (var (pathTemplate, pathItem) in document["paths"]!.AsObject())
        {
            if (WholeStore.Any(p => pathTemplate.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }
            foreach (var (method, operation) in pathItem!.AsObject())
            {
                if (operation is not JsonObject op || method is "parameters")
                {
                    continue;
                }
                var queryNames = (op["parameters"] as JsonArray ?? []).Where(p => p?["in"]?.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList();
                var schema = Resolve(document, op["requestBody"]?["content"]?["application/json"]?["schema"]);
                var path = Fill(pathTemplate, Guid.NewGuid().ToString());

                foreach (var (role, client) in clients)
                {
                    // The gate first: a role refused here is the matrix's business, not this sweep's.
                    var gate = await Send(client, method, path, schema is null ? null : "{}");
                    requests++;
                    Check(failures, role, method, path, "{}", gate);
                    if (gate.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
                    {
                        continue;
                    }
                    foreach (var value in PathValues)
                    {
                        var hostilePath = Fill(pathTemplate, Uri.EscapeDataString(value).Replace("%25", "%", StringComparison.Ordinal));
                        Check(failures, role, method, hostilePath, "{}", await Send(client, method, hostilePath, schema is null ? null : "{}"));
                        requests++;
                    }
                    foreach (var value in QueryValues)
                    {
                        if (queryNames.Count == 0)
                        {
                            break;
                        }
                        var query = path + "?" + string.Join('&', queryNames.Select(n => n + "=" + Uri.EscapeDataString(value)));
                        Check(failures, role, method, query, null, await Send(client, method, query, schema is null ? null : "{}"));
                        requests++;
                    }
                    if (schema is null)
                    {
                        continue;
                    }
                    foreach (var body in RawBodies.Concat(Mistyped(document, schema)))
                    {
                        Check(failures, role, method, path, body, await Send(client, method, path, body));
                        requests++;
                    }
                }
            }
        }

        Assert.True(requests > 500, $"only {requests} requests were made: the OpenAPI document was not read");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} hostile requests answered 5xx:\n" + string.Join("\n", failures.Take(60)));
    }

    /// <summary>
    /// Left out of the plausible-body sweep besides <see cref="WholeStore"/>: a plausible body would really start their
    /// work on the shared test store (operations such as key rotations and campaigns, declared disasters, insurer mergers,
    /// bulk registrations). Their validation has tests of its own, and the first sweep sends them hostile bodies.
    /// </summary>
    private static readonly string[] RealWork = ["/v1/operations/", "/v1/disasters", "/v1/persons/bulk-", "/v1/audit/", "/merger"];

    /// <summary>Roles that must never be shown an Individual Number (clinics, apps, agencies) and the anonymous caller.</summary>
    private static readonly string[] NeverShownNumber = [Roles.Terminal, Roles.App, Roles.Agency, "anonymous"];

    /// <summary>One field made hostile at a time, the others plausible: input that gets past binding to the rules.</summary>
    private static readonly Func<JsonNode?>[] HostileValues =
    [
        () => "", () => " ", () => "\u0000", () => new string('x', 100_000), () => string.Concat(Enumerable.Repeat("\U00020BB7", 2_000)),
        () => "\u202E\u200B", () => "0001-01-01", () => "9999-12-31", () => "123456789012", () => -1, () => 0, () => long.MaxValue,
        () => 1.5, () => true, () => null, () => new JsonArray(), () => new JsonObject(),
    ];

    /// <summary>
    /// Values no text field may accept: invisible formatting, and a run of twelve digits (an Individual Number keyed
    /// into free text). A 2xx answer to one of them means it was taken, so it fails the sweep; a field that holds a
    /// number by design (the number itself, a driving licence's 12 digits) is the exception.
    /// </summary>
    private static readonly string[] NeverRecorded = ["\u202E\u200B", "123456789012"];

    private static readonly string[] NumberFields = ["individualNumber", "licenceNumber"];

    [Fact]
    public async Task One_hostile_field_at_a_time_in_a_body_of_the_operations_own_shape_for_a_real_person_never_answers_500_shows_the_number_or_records_it()
    {
        var clerk = fixture.Municipality();
        var person = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        var number = (await (await clerk.PostJson($"/v1/persons/{person}/individual-number", new { })).Json()).Str("individualNumber");
        Assert.Equal(12, number.Length);
        var document = JsonNode.Parse(await (await fixture.Api.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync())!;
        var clients = Clients(person);
        // Fields whose plausible value is this person's own, so that bodies get past their shape checks to the rules.
        var known = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["individualNumber"] = number, ["personId"] = person, ["municipality"] = "131016", ["prefecture"] = "13",
            ["name"] = "佐藤 花子", ["address"] = "東京都千代田区1-1", ["dateOfBirth"] = "1985-02-03",
        };
        var failures = new List<string>();
        var requests = 0;
        var pastTheGate = 0;

        // The record's closure last: after it, every other command on the person is refused as closed.
        foreach (var (pathTemplate, pathItem) in document["paths"]!.AsObject().OrderBy(p => p.Key.EndsWith("/closure", StringComparison.Ordinal)))
        {
            if (WholeStore.Concat(RealWork).Any(p => pathTemplate.Contains(p, StringComparison.Ordinal)))
            {
                continue;
            }
            foreach (var (method, operation) in pathItem!.AsObject())
            {
                if (operation is not JsonObject op || method is "parameters"
                    || Resolve(document, op["requestBody"]?["content"]?["application/json"]?["schema"]) is not { } schema
                    || Sample(document, schema, 0, known) is not JsonObject shaped || shaped.Count == 0)
                {
                    continue;
                }
                var path = Fill(pathTemplate, person);
                foreach (var (role, client) in clients)
                {
                    var plain = await Send(client, method, path, shaped.ToJsonString());
                    requests++;
                    await CheckAsync(failures, role, method, path, "(plausible body)", plain, number);
                    if (plain.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
                    {
                        continue;
                    }
                    pastTheGate++;
                    foreach (var field in shaped.Select(p => p.Key).ToList())
                    {
                        foreach (var hostile in HostileValues)
                        {
                            var body = shaped.DeepClone().AsObject();
                            body[field] = hostile();
                            var response = await Send(client, method, path, body.ToJsonString());
                            requests++;
                            await CheckAsync(failures, role, method, path, $"{field} = {Shown(body[field])}", response, number);
                            if (response.IsSuccessStatusCode && body[field] is JsonValue text && text.TryGetValue<string>(out var keyed)
                                && NeverRecorded.Contains(keyed) && !NumberFields.Contains(field))
                            {
                                failures.Add($"{(int)response.StatusCode} recorded {role} {method.ToUpperInvariant()} {path} {field} = {Shown(body[field])}");
                            }
                        }
                    }
                }
            }
        }

        Assert.True(pastTheGate > 20, $"only {pastTheGate} operation-and-role pairs got past the gate: the sweep did not reach the rules");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests failed:\n" + string.Join("\n", failures.Take(60)));
    }

    private static async Task CheckAsync(List<string> failures, string role, string method, string path, string what, HttpResponseMessage response, string number)
    {
        if ((int)response.StatusCode >= 500)
        {
            failures.Add($"{(int)response.StatusCode} {role} {method.ToUpperInvariant()} {path} {what}");
        }
        if (NeverShownNumber.Contains(role) && (await response.Content.ReadAsStringAsync()).Contains(number, StringComparison.Ordinal))
        {
            failures.Add($"number shown to {role}: {method.ToUpperInvariant()} {path} {what}");
        }
    }

    private static string Shown(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    /// <summary>
    /// A plausible value of the schema's own shape: its first enum value, a date for a date, a uuid for a uuid, and
    /// for a field <paramref name="known"/> names, its value there (the real person's number, municipality…).
    /// </summary>
    private static JsonNode? Sample(JsonNode document, JsonObject? schema, int depth, IReadOnlyDictionary<string, string>? known = null, string? field = null)
    {
        if (field is not null && known is not null && known.TryGetValue(field, out var value) && TypeOf(schema) == "string")
        {
            return value;
        }
        if (schema is null || depth > 5)
        {
            return null;
        }
        if (schema["enum"] is JsonArray values && values.FirstOrDefault(v => v is not null) is { } first)
        {
            return first.DeepClone();
        }
        var alternatives = (schema["oneOf"] as JsonArray ?? schema["anyOf"] as JsonArray)?.Select(a => Resolve(document, a)).Where(a => a is not null && TypeOf(a) != "null").ToList();
        if (schema["type"] is null && alternatives is { Count: > 0 })
        {
            return Sample(document, alternatives[0], depth + 1, known, field);
        }
        return TypeOf(schema) switch
        {
            "string" => schema["format"]?.GetValue<string>() switch
            {
                "date" => "2026-04-01",
                "date-time" => "2026-04-01T09:00:00+09:00",
                "uuid" => Guid.NewGuid().ToString(),
                _ => "テスト",
            },
            "integer" or "number" => 1,
            "boolean" => true,
            "array" => new JsonArray(Sample(document, Resolve(document, schema["items"]), depth + 1, known)),
            "object" => new JsonObject((schema["properties"] as JsonObject ?? new JsonObject())
                .Select(p => KeyValuePair.Create(p.Key, Sample(document, Resolve(document, p.Value), depth + 1, known, p.Key)))),
            _ => null,
        };
    }

    private Dictionary<string, HttpClient> Clients(string? residentPerson = null)
    {
        var person = residentPerson ?? Guid.NewGuid().ToString();
        var scopes = new Dictionary<string, Dictionary<string, string>>
        {
            [Roles.Resident] = new() { [MynaClaims.PersonId] = person, [MynaClaims.CardId] = Guid.NewGuid().ToString(), [MynaClaims.SessionId] = Guid.NewGuid().ToString() },
            [Roles.Municipality] = new() { [MynaClaims.Municipality] = "131016" },
            [Roles.CallCentre] = new(),
            [Roles.Insurer] = new() { [MynaClaims.Insurer] = "06139999" },
            [Roles.Terminal] = new() { [MynaClaims.Institution] = "1312345678", [MynaClaims.Terminal] = "T-1" },
            [Roles.Agency] = new() { [MynaClaims.Agency] = "pension-service" },
            [Roles.Auditor] = new(),
            [Roles.Operator] = new(),
            [Roles.App] = new() { [MynaClaims.AppId] = "hostile-app" },
            [Roles.Kiosk] = new() { [MynaClaims.Kiosk] = "K-HOSTILE" },
        };
        var clients = scopes.ToDictionary(s => s.Key, s => fixture.ClientFor(s.Key, s.Value));
        clients["anonymous"] = fixture.Api.CreateClient();
        return clients;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
        request.Headers.Add("Idempotency-Key", "hostile-" + Guid.NewGuid().ToString("N"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return await client.SendAsync(request);
    }

    private static void Check(List<string> failures, string role, string method, string path, string? body, HttpResponseMessage response)
    {
        if ((int)response.StatusCode >= 500)
        {
            var shown = body is null ? "" : " " + (body.Length > 120 ? body[..120] + "…" : body);
            failures.Add($"{(int)response.StatusCode} {role} {method.ToUpperInvariant()} {(path.Length > 150 ? path[..150] + "…" : path)}{shown}");
        }
    }

    private static string Fill(string template, string value)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                builder.Append(template, i, template.Length - i);
                break;
            }
            builder.Append(template, i, open - i).Append(value);
            i = template.IndexOf('}', open) + 1;
        }
        return builder.ToString();
    }

    private static JsonObject? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var depth = 0; schema is not null && depth < 5; depth++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = document["components"]?["schemas"]?[reference.Split('/')[^1]];
                continue;
            }
            return schema as JsonObject;
        }
        return null;
    }

    /// <summary>Bodies of the operation's own shape with hostile values: wrong types, huge or odd strings, absurd numbers, nulls.</summary>
    private static IEnumerable<string> Mistyped(JsonNode document, JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            yield break;
        }
        var strategies = new Func<string, JsonNode?>[]
        {
            type => type switch { "string" => 123, "integer" or "number" => "abc", "boolean" => "maybe", "array" => new JsonObject(), _ => "x" },
            type => type switch { "string" => new string('あ', 20_000), "integer" or "number" => JsonValue.Create(1e300), "array" => new JsonArray(Enumerable.Range(0, 2000).Select(_ => (JsonNode?)"x").ToArray()), _ => null },
            type => type switch { "string" => "' OR '1'='1 \u845B\U000E0100 ../../etc/passwd <script>", "integer" or "number" => -2147483649L, "boolean" => true, _ => new JsonObject { ["a"] = 1 } },
            type => type switch { "string" => "2026-02-30", "integer" or "number" => 0, "array" => new JsonArray(), _ => null },
            _ => null,
        };
        foreach (var strategy in strategies)
        {
            var body = new JsonObject();
            foreach (var (name, property) in properties)
            {
                body[name] = strategy(TypeOf(Resolve(document, property) ?? property as JsonObject));
            }
            yield return body.ToJsonString();
        }
    }

    private static string TypeOf(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray a => a.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t is not null and not "null") ?? "object",
        _ => "object",
    };
}
