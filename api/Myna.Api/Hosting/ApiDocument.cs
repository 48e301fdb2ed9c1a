using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Myna.Api.Auth;
using Myna.Api.Portal;

namespace Myna.Api.Hosting;

/// <summary>
/// Completes the OpenAPI document from <see cref="RouteTable"/>, the table the authorisation matrix tests hold the
/// API to: the bearer scheme and each operation's security, roles, scope and error codes (vendor extensions
/// <c>x-myna-roles</c>, <c>x-myna-scope</c>, <c>x-myna-error-codes</c>, and the same in the description), its 4xx
/// answers as ProblemDetails, its path parameters, summary and operation id.
/// </summary>
public static partial class ApiDocument
{
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "ProblemDetails";
    public const string ProblemJson = "application/problem+json";

    private const string Description = """
        The Myna API: the backend of a national Individual Number (マイナンバー) system. Municipalities register persons and
        issue cards; clinics check health insurance eligibility; agencies share information; residents use the portal
        (`/v1/me`, `/v1/residents/{personId}`) and let apps read their data.

        **Authentication.** Every operation that needs a token lists the `bearer` scheme: send `Authorization: Bearer <JWT>`.
        In Development, `POST /dev/tokens` issues a token for any role and scope. A resident logs in with the card:
        ask `POST /v1/auth/challenges` (purpose `portal-login`, audience `portal`) for a sealed challenge, let the card sign it,
        and send it to `POST /v1/portal/sessions` for an access and a refresh token. Operations marked `security: []` are anonymous.

        **Roles and errors.** Each operation carries `x-myna-roles` (the roles its policy lets through; empty when anonymous),
        `x-myna-scope` (whose objects the caller may act on) and `x-myna-error-codes` (the stable `code` of every problem it can
        answer). Failures are RFC 9457 problems (`application/problem+json`) whose `code` never changes; their `title` and
        `detail` follow `Accept-Language` (ja or en) on the resident-facing routes. Commands take an optional `Idempotency-Key`:
        a retried command is applied once; a 503 means the outcome is unknown, retry with the same key.
        """;

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Audit"] = "Auditors read and verify the event streams and their hash chains.",
        ["Auth"] = "Keys that verify the portal's tokens.",
        ["Cards"] = "The card's lifecycle: application, production, handover, certificates, suspension and links.",
        ["Certificate authentication"] = "Relying parties authenticate a card holder by a chip signature over a sealed challenge.",
        ["Convenience-store kiosks"] = "Kiosks print certificates; anyone can verify an issued document.",
        ["Development"] = "Development only: tokens for any role.",
        ["Disaster mode"] = "Operators open a disaster; clinics then look up insurance without the card.",
        ["Eligibility checks"] = "Clinic terminals check a patient's health insurance with the card.",
        ["Health insurers"] = "Insurers, their members' qualifications and confirmation documents.",
        ["Income information"] = "The tax agency's yearly income feed.",
        ["Information sharing"] = "Agencies exchange information under agency codes, never by the number.",
        ["Medical information"] = "Insurers feed medical records; residents and clinics (with consent) read them.",
        ["Medical institutions"] = "Clinics and hospitals, their terminals and card acceptance.",
        ["Online procedures"] = "Residents submit procedures online; agencies accept, return or decide them.",
        ["Operations"] = "Operators' campaigns, index rebuilds, rebuild jobs and key rotations.",
        ["Persons"] = "The municipality counter: the resident record and the Individual Number.",
        ["Resident portal"] = "The resident's own data (/v1/me) or a principal's as proxy (/v1/residents/{personId}).",
        ["Resident portal: login"] = "Log in with the card, refresh and log out.",
        ["Resident portal: third-party apps"] = "Apps registered by operators read what residents consented to.",
    };

    public static OpenApiOptions AddMynaDocument(this OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        }).AddSchemaTransformer((schema, context, _) =>
        {
            Repair(schema, context);
            return Task.CompletedTask;
        }).AddDocumentTransformer((document, _, _) =>
        {
            Complete(document);
            return Task.CompletedTask;
        });

    private static void Complete(OpenApiDocument document)
    {
        document.Info.Description = Description;
        document.Servers = [new OpenApiServer { Url = "/", Description = "This API's own host." }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from the identity provider, from POST /v1/portal/sessions (residents), or in Development from POST /dev/tokens.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        ReferToListedEnums(document);
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Order(StringComparer.Ordinal).Select(name => new OpenApiTag
        {
            Name = name,
            Description = TagDescriptions.GetValueOrDefault(name) ?? name,
        }));
    }

    /// <summary>
    /// Two gaps of the generated schemas that typed clients trip on: strings read by the API's own converter (which
    /// refuses control characters) come out as <c>{}</c>, and a nullable enum's shared component lists null among its
    /// values although every nullable use already says <c>oneOf: [null, enum]</c> (so null matched both). A
    /// string-keyed map of strings (a development token's scope) also lost its value type.
    /// </summary>
    private static void Repair(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (context.JsonTypeInfo is { Kind: System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary } map
            && map.ElementType == typeof(string) && schema.AdditionalProperties is null)
        {
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
        }
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null && schema.Enum is not { Count: > 0 })
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        // Enumerations are read by the API's own converter (ListedNameEnumConverter), which the generator cannot see
        // into: it is told their names, and a list's items, as it tells them for the framework's string-enum converter.
        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type) is { IsEnum: true } enumeration
            && schema.Enum is not { Count: > 0 } && schema.OneOf is not { Count: > 0 })
        {
            schema.Enum = EnumNames(enumeration);
        }
        if (context.JsonTypeInfo is { Kind: System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable, ElementType: { } element }
            && (Nullable.GetUnderlyingType(element) ?? element) is { IsEnum: true } items && schema.Items is null)
        {
            // Named here, referred to by the document's transformer (Complete), as the framework would: $ref to its component.
            var listed = new OpenApiSchema { Enum = EnumNames(items) };
            ListItems.AddOrUpdate(listed, items.Name);
            schema.Items = listed;
        }
        if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null || JsonNullSentinel.IsJsonNullSentinel(v)))
        {
            schema.Enum = [.. values.Where(v => v is not null && !JsonNullSentinel.IsJsonNullSentinel(v))];
        }
    }

    /// <summary>The items of enumeration lists as <see cref="Repair"/> wrote them, by the enumeration's name.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<OpenApiSchema, string> ListItems = new();

    /// <summary>Each enumeration list's items as a reference to the enumeration's component (added if no property of its own type made one).</summary>
    private static void ReferToListedEnums(OpenApiDocument document)
    {
        foreach (var component in document.Components!.Schemas!.Values.OfType<OpenApiSchema>().ToList())
        {
            foreach (var property in component.Properties?.Values.OfType<OpenApiSchema>() ?? [])
            {
                if (property.Items is OpenApiSchema items && ListItems.TryGetValue(items, out var name))
                {
                    if (!document.Components.Schemas.ContainsKey(name))
                    {
                        document.AddComponent<IOpenApiSchema>(name, new OpenApiSchema { Enum = items.Enum });
                    }
                    property.Items = new OpenApiSchemaReference(name, document);
                }
            }
        }
    }

    private static List<JsonNode> EnumNames(Type enumeration) =>
        [.. Enum.GetNames(enumeration).Select(n => (JsonNode)System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(n))];

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. `code` is stable; `title` and `detail` are for people and may be localised.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "code", "status", "title" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The stable error code, e.g. auth.forbidden." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "request.invalid: the messages for each field.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        AdditionalPropertiesAllowed = true,
    };

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var path = "/" + (description.RelativePath ?? string.Empty);
        var method = description.HttpMethod ?? "GET";
        if (!RouteTable.ByKey.TryGetValue(method + " " + path, out var row) && !ByNormalKey.TryGetValue(method + " " + Normal(path), out row))
        {
            return;
        }
        var metadata = description.ActionDescriptor.EndpointMetadata;
        operation.Summary ??= row.Summary;
        operation.OperationId ??= OperationId(method, row.Pattern);
        DeclarePathParameters(operation, row.Pattern);

        var document = context.Document;
        if (row.Gate == Gate.Anonymous)
        {
            operation.Security = [];
        }
        else
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        }

        var roles = row.Gate switch
        {
            Gate.Anonymous => [],
            Gate.AnyRole => RouteTable.AllRoles,
            _ => row.Roles,
        };
        var routeIds = description.ParameterDescriptions.Select(p => p.Type is null ? null : Errors.RouteIds.CodeFor(p.Type)).OfType<string>().ToList();
        var answers = Answers(row, operation, metadata, routeIds);
        var codes = answers.SelectMany(a => a.Codes).Concat(row.DomainCodes).Distinct(StringComparer.Ordinal).ToList();
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-myna-roles"] = new JsonNodeExtension(new JsonArray([.. roles.Select(r => JsonValue.Create(r))]));
        operation.Extensions["x-myna-scope"] = new JsonNodeExtension(JsonValue.Create(Kebab(row.Scope.ToString())));
        operation.Extensions["x-myna-error-codes"] = new JsonNodeExtension(new JsonArray([.. codes.Select(c => JsonValue.Create(c))]));

        var text = new StringBuilder(operation.Description ?? string.Empty);
        if (text.Length > 0)
        {
            text.Append("\n\n");
        }
        text.Append("**Roles:** ").Append(row.Gate switch
        {
            Gate.Anonymous => "anonymous (no token)",
            Gate.AnyRole => "any role",
            _ => string.Join(", ", roles),
        }).Append(". **Scope:** ").Append(Kebab(row.Scope.ToString())).Append(".\n\n**Error codes:** ")
            .Append(string.Join(", ", codes.Select(c => "`" + c + "`"))).Append('.');
        operation.Description = text.ToString();

        operation.Responses ??= new OpenApiResponses();
        foreach (var answer in answers)
        {
            if (operation.Responses.ContainsKey(answer.Status))
            {
                continue;
            }
            operation.Responses[answer.Status] = new OpenApiResponse
            {
                Description = answer.Description + (answer.Codes.Count > 0 ? " Codes: " + string.Join(", ", answer.Codes) + "." : string.Empty),
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
        }
    }

    private sealed record Answer(string Status, string Description, IReadOnlyList<string> Codes);

    /// <summary>The problems every operation of its kind can answer, derived from the gate, the route and its metadata.</summary>
    private static List<Answer> Answers(RouteRule row, OpenApiOperation operation, IList<object> metadata, IReadOnlyList<string> routeIds)
    {
        var api = row.Pattern.StartsWith("/v1/", StringComparison.Ordinal);
        var command = row.Method is "POST" or "PUT" or "DELETE" or "PATCH";
        var hasBody = operation.RequestBody is not null;
        var hasInput = hasBody || row.Pattern.Contains('{', StringComparison.Ordinal) || operation.Parameters is { Count: > 0 };
        var answers = new List<Answer>();
        var invalid = new List<string>();
        if (hasInput || row.DomainCodes.Contains("request.invalid"))
        {
            invalid.Add("request.invalid");
        }
        if (hasBody)
        {
            invalid.Add("request.malformed");
        }
        invalid.AddRange(routeIds);
        if (api)
        {
            invalid.Add("idempotency-key.invalid");
        }
        if (invalid.Count > 0)
        {
            answers.Add(new("400", "The request is not valid.", invalid));
        }
        if (row.Gate != Gate.Anonymous)
        {
            answers.Add(new("401", "No valid bearer token.", ["auth.unauthenticated"]));
        }
        else if (row.Scope is ScopeRule.ChipSignature or ScopeRule.RefreshToken)
        {
            answers.Add(new("401", "The proof in the body (a chip signature, a refresh token) was refused.", []));
        }
        // The codebase's refusals of a caller name the caller: access.other-*, *.not-allowed, *.self-only, *.right-missing, *.not-the-holder.
        string[] refusals = [.. row.DomainCodes.Where(c => c.Contains(".other-", StringComparison.Ordinal) || c.EndsWith("not-allowed", StringComparison.Ordinal)
            || c.EndsWith("self-only", StringComparison.Ordinal) || c.EndsWith("right-missing", StringComparison.Ordinal) || c.EndsWith("not-the-holder", StringComparison.Ordinal))];
        if (row.Gate == Gate.Roles || refusals.Length > 0)
        {
            answers.Add(new("403", "The caller may not do this to this object.", [.. row.Gate == Gate.Roles ? ["auth.forbidden"] : Array.Empty<string>(), .. refusals]));
        }
        if (row.Pattern.Contains('{', StringComparison.Ordinal) || row.DomainCodes.Any(c => c.EndsWith("not-found", StringComparison.Ordinal)))
        {
            // A value that breaks a route constraint ({id:guid}) matches no route at all.
            string[] unmatched = row.Pattern.Contains(':', StringComparison.Ordinal) ? ["route.not-found"] : [];
            answers.Add(new("404", "Not found (or not the caller's to see).",
                [.. unmatched, .. row.DomainCodes.Where(c => c.EndsWith("not-found", StringComparison.Ordinal))]));
        }
        if (api && command)
        {
            answers.Add(new("409", "Conflict with the current state, or the Idempotency-Key was used for another request.", ["idempotency.key-reused"]));
        }
        if (hasBody)
        {
            answers.Add(new("413", "The body is over the route's limit.", ["request.too-large"]));
            answers.Add(new("415", "The body was not sent as JSON (Content-Type).", ["request.unsupported-media-type"]));
        }
        if (api && command && row.DomainCodes.Any(c => !c.EndsWith("not-found", StringComparison.Ordinal) && !c.Contains(".invalid", StringComparison.Ordinal)))
        {
            answers.Add(new("422", "A business rule refused the request (see the error codes).", []));
        }
        if (RateLimited(row, metadata))
        {
            answers.Add(new("429", "Too many requests; Retry-After says when to try again.", ["rate-limit.exceeded"]));
        }
        if (api)
        {
            answers.Add(new("503", "The outcome is unknown; retry with the same Idempotency-Key (Retry-After).", ["service.unavailable", "store.unavailable"]));
        }
        return answers;
    }

    private static bool RateLimited(RouteRule row, IList<object> metadata) =>
        metadata.OfType<EnableRateLimitingAttribute>().Any() || metadata.OfType<PortalReadMetadata>().Any()
        || AbuseLimits.Limits(row.Key, row.Gate == Gate.Anonymous);

    /// <summary>Route parameters the handler does not bind (a group's <c>{personId}</c>) are declared all the same.</summary>
    private static void DeclarePathParameters(OpenApiOperation operation, string pattern)
    {
        operation.Parameters ??= [];
        foreach (Match match in RouteParameter().Matches(pattern))
        {
            var name = match.Groups["name"].Value;
            if (operation.Parameters.Any(p => p.In == ParameterLocation.Path && string.Equals(p.Name, name, StringComparison.Ordinal)))
            {
                continue;
            }
            var guid = match.Groups["constraint"].Value.Contains(":guid", StringComparison.Ordinal);
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = guid ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" } : new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    private static readonly Dictionary<string, RouteRule> ByNormalKey =
        RouteTable.Rows.GroupBy(r => r.Method + " " + Normal(r.Pattern), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>The path as the document writes it: no constraints, no trailing slash.</summary>
    public static string Normal(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m => "{" + m.Groups["name"].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    /// <summary>"POST /v1/cards/{cardId}/production" → "postV1CardsByCardIdProduction".</summary>
    public static string OperationId(string method, string pattern)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var segment in Normal(pattern).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var by = segment.StartsWith('{');
            var word = segment.Trim('{', '}');
            if (by)
            {
                id.Append("By");
            }
            foreach (var part in word.Split(['-', '.', '_'], StringSplitOptions.RemoveEmptyEntries))
            {
                id.Append(char.ToUpperInvariant(part[0])).Append(part[1..]);
            }
        }
        return id.ToString();
    }

    private static string Kebab(string name) => KebabBoundary().Replace(name, "$1-$2").ToLowerInvariant();

    [GeneratedRegex(@"\{\*?(?<name>[A-Za-z]+)(?<constraint>(:[A-Za-z]+)*)\??\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex KebabBoundary();
}
