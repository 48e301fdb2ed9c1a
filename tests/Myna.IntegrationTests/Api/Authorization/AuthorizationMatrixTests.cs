using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api.Authorization;

/// <summary>
/// The authorisation matrix (issue 16, part 7): the table in <see cref="RouteTable"/> against what the API
/// really maps, and the first gate (role policies) tried over HTTP with every role on every route.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class AuthorizationMatrixTests(ApiFixture fixture)
{
    private const string StartMarker = "<!-- authorization-matrix:start -->";
    private const string EndMarker = "<!-- authorization-matrix:end -->";

    /// <summary>One mapped route: its method ("*" when the endpoint names none) and raw pattern, and what its policy lets through.</summary>
    private sealed record MappedRoute(string Method, string Pattern, Gate Gate, IReadOnlySet<string> Roles)
    {
        public string Key => Method + " " + Pattern;
    }

    private async Task<List<MappedRoute>> MappedRoutes()
    {
        var services = fixture.Api.Services;
        var sources = services.GetServices<EndpointDataSource>();
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var routes = new List<MappedRoute>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? string.Empty;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m
                ? m
                : [RouteTable.AnyMethod];
            var (gate, roles) = await GateOf(endpoint, policies);
            routes.AddRange(methods.Select(method => new MappedRoute(method, pattern, gate, roles)));
        }
        return routes;
    }

    /// <summary>What the endpoint's authorization metadata lets through, as the authorization middleware combines it.</summary>
    private static async Task<(Gate Gate, IReadOnlySet<string> Roles)> GateOf(Endpoint endpoint, IAuthorizationPolicyProvider provider)
    {
        var none = new HashSet<string>(StringComparer.Ordinal);
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return (Gate.Anonymous, none);
        }
        var policy = await AuthorizationPolicy.CombineAsync(provider,
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
            endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        if (policy is null)
        {
            return (Gate.Anonymous, none);
        }
        IEnumerable<string>? allowed = null;
        foreach (var requirement in policy.Requirements.OfType<RolesAuthorizationRequirement>())
        {
            allowed = allowed is null ? requirement.AllowedRoles : allowed.Intersect(requirement.AllowedRoles, StringComparer.Ordinal);
        }
        return allowed is null ? (Gate.AnyRole, none) : (Gate.Roles, allowed.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_table_with_the_roles_of_its_policy_and_every_row_is_mapped()
    {
        var mapped = await MappedRoutes();
        Assert.NotEmpty(mapped);
        var problems = new List<string>();

        var duplicates = RouteTable.Rows.GroupBy(r => r.Key, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        problems.AddRange(duplicates.Select(d => "Row listed twice: " + d));

        foreach (var route in mapped.OrderBy(r => r.Pattern, StringComparer.Ordinal))
        {
            if (!RouteTable.ByKey.TryGetValue(route.Key, out var row))
            {
                var roles = string.Join(", ", route.Roles.Order(StringComparer.Ordinal).Select(r => "\"" + r + "\""));
                problems.Add($"Mapped but missing from RouteTable: {route.Key} (gate {route.Gate}{(roles.Length > 0 ? ", roles " + roles : string.Empty)})");
                continue;
            }
            if (row.Gate != route.Gate)
            {
                problems.Add($"{route.Key}: the table says gate {row.Gate}, the endpoint's policy is {route.Gate}.");
            }
            else if (row.Gate == Gate.Roles && !row.Roles.ToHashSet(StringComparer.Ordinal).SetEquals(route.Roles))
            {
                problems.Add($"{route.Key}: the table allows [{string.Join(", ", row.Roles)}], the policy allows [{string.Join(", ", route.Roles)}].");
            }
        }

        var mappedKeys = mapped.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(RouteTable.Rows.Where(r => !mappedKeys.Contains(r.Key)).Select(r => "In RouteTable but no longer mapped: " + r.Key));

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) between RouteTable and the EndpointDataSource:\n" + string.Join("\n", problems));
        Assert.Equal(RouteTable.Rows.Count, mappedKeys.Count);
    }

    [Fact]
    public async Task Every_route_refuses_anonymous_callers_and_every_role_the_table_does_not_allow()
    {
        var tokens = RouteTable.AllRoles.ToDictionary(role => role, role => Token(role, InRoleScope(role)), StringComparer.Ordinal);
        var failures = new List<string>();
        var cells = 0;
        var client = fixture.Api.CreateClient();

        foreach (var row in RouteTable.Rows.Where(r => r.Gate != Gate.Anonymous))
        {
            var url = SampleUrl(row.Pattern);
            var method = row.Method == RouteTable.AnyMethod ? "GET" : row.Method;

            cells++;
            await Expect(client, method, url, token: null, HttpStatusCode.Unauthorized, "auth.unauthenticated", $"{row.Key} anonymous", failures);

            foreach (var role in RouteTable.AllRoles.Where(role => !row.Allows(role)))
            {
                cells++;
                await Expect(client, method, url, tokens[role], HttpStatusCode.Forbidden, "auth.forbidden", $"{row.Key} as {role}", failures);
            }
        }

        Console.WriteLine($"Role gate: {cells} cells over {RouteTable.Rows.Count(r => r.Gate != Gate.Anonymous)} gated routes ({RouteTable.Rows.Count} in all).");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} gate cells let through or failed:\n" + string.Join("\n", failures));
        Assert.True(cells > RouteTable.Rows.Count, "The gate test tried too few cells.");
    }

    [Fact]
    public void The_readme_prints_the_matrix_from_the_table()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var fresh = RouteTable.Markdown();
        var start = readme.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start,
            $"README.md needs the section between {StartMarker} and {EndMarker}; the table is:\n{StartMarker}\n{fresh}{EndMarker}");
        var printed = readme[(start + StartMarker.Length)..end].Trim('\n') + "\n";
        Assert.True(printed == fresh,
            $"The README's authorisation matrix is stale; replace the section with:\n{StartMarker}\n{fresh}{EndMarker}");
    }

    private async Task Expect(HttpClient client, string method, string url, string? token, HttpStatusCode expected, string code, string cell, List<string> failures)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        if (response.StatusCode != expected)
        {
            failures.Add($"{cell}: {(int)response.StatusCode}, expected {(int)expected}");
            return;
        }
        var body = await response.Content.ReadAsStringAsync();
        if (!body.Contains($"\"code\":\"{code}\"", StringComparison.Ordinal))
        {
            failures.Add($"{cell}: {(int)response.StatusCode} without the code {code}: {body}");
        }
    }

    private string Token(string role, IReadOnlyDictionary<string, string> scope) =>
        fixture.Api.Services.GetRequiredService<TokenIssuer>().Issue(role + "-matrix-" + Guid.NewGuid().ToString("N")[..6], role, scope).Token;

    /// <summary>A scope that passes the role's own policy, so a refusal is the role's, not a missing claim's.</summary>
    public static IReadOnlyDictionary<string, string> InRoleScope(string role) => role switch
    {
        Roles.Municipality => new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" },
        Roles.Insurer => new Dictionary<string, string> { [MynaClaims.Insurer] = ClinicWorld.NewInsurerNumber() },
        Roles.Terminal => new Dictionary<string, string> { [MynaClaims.Institution] = "1310000001", [MynaClaims.Terminal] = "desk-1" },
        Roles.Agency => new Dictionary<string, string> { [MynaClaims.Agency] = "tax-office" },
        Roles.Resident => new Dictionary<string, string> { [MynaClaims.PersonId] = Guid.NewGuid().ToString("D") },
        Roles.App => new Dictionary<string, string> { [MynaClaims.AppId] = "app-matrix" },
        Roles.Kiosk => new Dictionary<string, string> { [MynaClaims.Kiosk] = "store-matrix" },
        _ => new Dictionary<string, string>(),
    };

    /// <summary>The pattern with real-looking values: GUIDs for ids, valid codes elsewhere.</summary>
    public static string SampleUrl(string pattern) => Parameter().Replace(pattern, m =>
    {
        var name = m.Groups["name"].Value;
        if (m.Groups["optional"].Success)
        {
            return string.Empty;
        }
        return name switch
        {
            "insurerNumber" => ClinicWorld.NewInsurerNumber(),
            "kind" => "person",
            "code" => "1310000001",
            "item" => "basic-four-items",
            "category" => "under-seventy-c",
            "certificateNumber" => "SH-" + Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture),
            "serial" => "SERIAL" + Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture),
            "index" => "person-by-number",
            "documentName" => "v1",
            "appId" or "kioskId" or "terminalId" => name + "-" + Guid.NewGuid().ToString("N")[..8],
            _ => Guid.NewGuid().ToString("D"),
        };
    }).TrimEnd('/') is { Length: > 0 } url ? url : "/";

    [GeneratedRegex(@"\{\*?(?<name>[A-Za-z]+)(:[A-Za-z]+)*(?<optional>\?)?\}")]
    private static partial Regex Parameter();
}
