using System.Net;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// The OpenAPI document is complete enough to generate a client from: every operation has a summary, a unique
/// operation id, its path parameters, its security (a bearer requirement, or none for anonymous routes), its roles
/// and error codes from <see cref="RouteTable"/>, and a 4xx problem answer. Set MYNA_OPENAPI_OUT to keep the document
/// (e.g. for <c>redocly lint</c>).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture fixture)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private async Task<JsonElement> Document()
    {
        var response = await fixture.Api.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        if (Environment.GetEnvironmentVariable("MYNA_OPENAPI_OUT") is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, text);
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<(string Where, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => Methods.Contains(o.Name))
            .Select(o => ($"{o.Name.ToUpperInvariant()} {path.Name}", path.Name, o.Value)));

    [Fact]
    public async Task Every_operation_has_a_summary_an_id_its_security_roles_error_codes_and_a_4xx_answer()
    {
        var document = await Document();
        var problems = new List<string>();
        var operations = Operations(document).ToList();
        foreach (var (where, path, op) in operations)
        {
            if (!op.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            {
                problems.Add(where + ": no summary");
            }
            if (!op.TryGetProperty("operationId", out var id) || string.IsNullOrWhiteSpace(id.GetString()))
            {
                problems.Add(where + ": no operationId");
            }
            if (!op.TryGetProperty("security", out var security))
            {
                problems.Add(where + ": no security");
            }
            if (!op.TryGetProperty("x-myna-roles", out var roles) || roles.ValueKind != JsonValueKind.Array)
            {
                problems.Add(where + ": no x-myna-roles");
            }
            else if (roles.GetArrayLength() == 0 && security.ValueKind == JsonValueKind.Array && security.GetArrayLength() > 0)
            {
                problems.Add(where + ": no roles, yet a token is required");
            }
            else if (roles.GetArrayLength() > 0 && (security.ValueKind != JsonValueKind.Array || security.GetArrayLength() == 0))
            {
                problems.Add(where + ": roles, yet no bearer requirement");
            }
            if (!op.TryGetProperty("x-myna-error-codes", out var codes) || codes.GetArrayLength() == 0)
            {
                problems.Add(where + ": no x-myna-error-codes");
            }
            if (!op.TryGetProperty("x-myna-scope", out _))
            {
                problems.Add(where + ": no x-myna-scope");
            }
            var responses = op.GetProperty("responses").EnumerateObject().ToList();
            var fourxx = responses.Where(r => r.Name.StartsWith('4')).ToList();
            if (fourxx.Count == 0)
            {
                problems.Add(where + ": no 4xx response");
            }
            foreach (var answer in fourxx.Where(r => !r.Value.TryGetProperty("content", out var c) || !c.TryGetProperty("application/problem+json", out _)))
            {
                problems.Add($"{where}: {answer.Name} is not application/problem+json");
            }
            var declared = op.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()).ToHashSet()
                : [];
            foreach (var name in path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')))
            {
                if (!declared.Contains(name))
                {
                    problems.Add($"{where}: path parameter {name} not declared");
                }
            }
        }
        var ids = operations.Where(o => o.Operation.TryGetProperty("operationId", out _)).GroupBy(o => o.Operation.GetProperty("operationId").GetString())
            .Where(g => g.Count() > 1).Select(g => "operationId used twice: " + g.Key);
        problems.AddRange(ids);

        Assert.True(operations.Count > 130, $"Only {operations.Count} operations in the document.");
        Assert.True(problems.Count == 0, $"{problems.Count} gap(s) in the OpenAPI document:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task The_document_has_a_bearer_scheme_a_problem_schema_with_a_code_a_description_and_described_tags()
    {
        var document = await Document();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Equal("JWT", scheme.GetProperty("bearerFormat").GetString());
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails");
        Assert.Equal("string", problem.GetProperty("properties").GetProperty("code").GetProperty("type").GetString());
        Assert.Contains("code", problem.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("/dev/tokens", document.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
        var tags = document.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("description").GetString());
        foreach (var (where, _, op) in Operations(document))
        {
            foreach (var tag in op.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!))
            {
                Assert.True(tags.TryGetValue(tag, out var text) && text != tag, $"{where}: tag {tag} is described");
            }
        }
    }

    [Fact]
    public async Task Roles_and_error_codes_come_from_the_route_table()
    {
        var document = await Document();
        var paths = document.GetProperty("paths");

        var login = paths.GetProperty("/v1/portal/sessions").GetProperty("post");
        Assert.Equal(0, login.GetProperty("security").GetArrayLength());
        Assert.Equal(0, login.GetProperty("x-myna-roles").GetArrayLength());
        var loginCodes = login.GetProperty("x-myna-error-codes").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("auth.challenge-invalid", loginCodes);
        Assert.Contains("rate-limit.exceeded", loginCodes);
        Assert.DoesNotContain("auth.unauthenticated", loginCodes);
        Assert.True(login.GetProperty("responses").TryGetProperty("429", out _));

        var loss = paths.GetProperty("/v1/residents/{personId}/cards/{cardId}/loss-report").GetProperty("post");
        Assert.Equal([Roles.Resident], loss.GetProperty("x-myna-roles").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal("self-or-proxy", loss.GetProperty("x-myna-scope").GetString());
        var lossCodes = loss.GetProperty("x-myna-error-codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(RouteTable.ByKey["POST /v1/residents/{personId:guid}/cards/{cardId:guid}/loss-report"].DomainCodes.Except(lossCodes), []);
        Assert.Contains("auth.unauthenticated", lossCodes);
        Assert.Contains("auth.forbidden", lossCodes);
        Assert.Contains("idempotency.key-reused", lossCodes);
        Assert.Contains("proxy.right-missing", loss.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("resident", loss.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("bearer", loss.GetProperty("security")[0].EnumerateObject().Single().Name);
        var personId = loss.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "personId");
        Assert.Equal("path", personId.GetProperty("in").GetString());
        Assert.True(personId.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task An_operation_with_a_body_documents_its_413_and_415_under_their_own_statuses()
    {
        var paths = (await Document()).GetProperty("paths");
        var register = paths.GetProperty("/v1/persons").GetProperty("post");
        var responses = register.GetProperty("responses");
        var codes = register.GetProperty("x-myna-error-codes").EnumerateArray().Select(c => c.GetString()).ToList();

        Assert.Contains("request.too-large", responses.GetProperty("413").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("request.unsupported-media-type", responses.GetProperty("415").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("request.too-large", responses.GetProperty("400").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("request.unsupported-media-type", codes);
        // A read without a body has neither.
        var read = paths.GetProperty("/v1/persons/{personId}").GetProperty("get").GetProperty("responses");
        Assert.False(read.TryGetProperty("413", out _));
        Assert.False(read.TryGetProperty("415", out _));
    }

    [Fact]
    public async Task The_login_and_refresh_examples_are_shaped_as_the_api_reads_them()
    {
        var paths = (await Document()).GetProperty("paths");
        static JsonElement Example(JsonElement operation, bool request) => request
            ? operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example")
            : operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example");

        var login = Example(paths.GetProperty("/v1/portal/sessions").GetProperty("post"), request: true);
        var lines = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(login.Str("challenge"))).Split('\n');
        Assert.Equal(["myna-challenge/1", "portal-login", "portal"], lines[..3]);
        Assert.Equal(6, lines.Length);
        Assert.Equal(32, Convert.FromBase64String(lines[4].Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal(64, Convert.FromBase64String(login.Str("signature")).Length);

        var tokens = Example(paths.GetProperty("/v1/portal/sessions").GetProperty("post"), request: false);
        var refresh = Example(paths.GetProperty("/v1/portal/sessions/refresh").GetProperty("post"), request: true).Str("refreshToken");
        var parts = refresh.Split('.');
        Assert.Equal(tokens.Str("refreshToken"), refresh);
        Assert.Equal(3, parts.Length);
        Assert.Equal(Guid.Parse(tokens.Str("personId")), Guid.ParseExact(parts[0], "N"));
        Assert.Equal(Guid.Parse(tokens.Str("sessionId")), Guid.ParseExact(parts[1], "N"));
        Assert.InRange(parts[2].Length, 40, 60);
    }

    [Fact]
    public async Task A_stream_replay_written_by_its_own_result_still_documents_its_page_and_events()
    {
        // The page and the whole-stream replay copy the audit grain's JSON into their answers through result types of
        // their own; the document must still describe each answer as a page of events.
        var document = await Document();
        foreach (var route in new[] { "/v1/audit/streams/{kind}/{id}/events", "/v1/audit/streams/{kind}/{id}/replay" })
        {
            var ok = document.GetProperty("paths").GetProperty(route).GetProperty("get")
                .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var name = ok.GetProperty("$ref").GetString()!.Split('/')[^1];
            var page = document.GetProperty("components").GetProperty("schemas").GetProperty(name).GetProperty("properties");
            Assert.Equal(["stream", "streamVersion", "events", "nextFromVersion"], page.EnumerateObject().Select(p => p.Name));
            var events = page.GetProperty("events");
            var eventSchema = events.GetProperty("items").GetProperty("$ref").GetString()!.Split('/')[^1];
            Assert.Equal(
                ["version", "sequence", "type", "recordedAt", "commandId", "correlationId", "channel", "data", "stream", "occurredAt", "actor", "effectiveFrom"],
                document.GetProperty("components").GetProperty("schemas").GetProperty(eventSchema).GetProperty("properties").EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Enumerations_list_their_names_alone_as_components_and_as_list_items()
    {
        // The API reads enumerations with a converter of its own (one listed name, nothing else), which the generator
        // cannot see into; the document still names every value, and a list of them refers to the component.
        var schemas = (await Document()).GetProperty("components").GetProperty("schemas");
        Assert.Equal(["male", "female"], schemas.GetProperty("Sex").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("left-japan", schemas.GetProperty("AbolitionReason").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["view", "card-loss", "manage-consents"], schemas.GetProperty("ProxyRight").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("#/components/schemas/ProxyRight",
            schemas.GetProperty("AppointProxyRequest").GetProperty("properties").GetProperty("rights").GetProperty("items").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/ClinicConsentScope",
            schemas.GetProperty("ClinicMedicalReadRequest").GetProperty("properties").GetProperty("items").GetProperty("items").GetProperty("$ref").GetString());
    }

    [Fact]
    public void Every_resident_facing_route_lists_its_domain_error_codes()
    {
        string[] resident = ["/v1/portal/", "/v1/me", "/v1/residents/", "/v1/auth/"];
        var missing = RouteTable.Rows.Where(r => resident.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal)) && r.DomainCodes.Count == 0)
            .Select(r => r.Key).ToList();
        Assert.True(missing.Count == 0, "Resident-facing routes without domain codes:\n" + string.Join("\n", missing));
    }
}
