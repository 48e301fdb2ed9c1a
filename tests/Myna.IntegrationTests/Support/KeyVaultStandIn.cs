using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// A small stand-in for Azure Key Vault's secrets REST surface (set, get latest or a version, list versions,
/// update attributes), over HTTPS on loopback with a self-signed certificate, answering the bearer challenge the
/// way the vault does. Tests drive it with the real <see cref="SecretClient"/>.
/// </summary>
public sealed class KeyVaultStandIn : IAsyncDisposable
{
    public const string Token = "stand-in-access-token";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<Version>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly X509Certificate2 _certificate;

    public sealed class Version(string id, string value)
    {
        public string Id { get; } = id;
        public string Value { get; } = value;
        public bool Enabled { get; set; } = true;
        public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;
    }

    private KeyVaultStandIn(WebApplication app, X509Certificate2 certificate, Uri uri)
    {
        _app = app;
        _certificate = certificate;
        Uri = uri;
    }

    public Uri Uri { get; }

    /// <summary>Requests that carried no token (the challenge round trips).</summary>
    public int Challenges { get; private set; }

    public IReadOnlyList<Version> Versions(string name) => _secrets.TryGetValue(name, out var v) ? v.ToList() : [];

    public static async Task<KeyVaultStandIn> StartAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = Loopback.FreePort();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new KeyVaultStandIn(app, certificate, new Uri($"https://localhost:{port}/"));
        app.Use(async (http, next) =>
        {
            if (http.Request.Headers.Authorization.ToString() != "Bearer " + Token)
            {
                standIn.Challenges++;
                http.Response.StatusCode = 401;
                http.Response.Headers.WWWAuthenticate =
                    "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
                return;
            }
            await next(http);
        });
        app.MapPut("/secrets/{name}", standIn.SetAsync);
        app.MapGet("/secrets/{name}/versions", standIn.ListVersions);
        app.MapGet("/secrets/{name}/{version?}", standIn.Get);
        app.MapMethods("/secrets/{name}/{version}", ["PATCH"], standIn.UpdateAsync);
        await app.StartAsync();
        return standIn;
    }

    /// <summary>The real Key Vault client, trusting only this stand-in's certificate.</summary>
    public SecretClient Client()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == _certificate.Thumbprint,
        };
        var options = new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(handler),
            Retry = { MaxRetries = 0 },
        };
        return new SecretClient(Uri, new StaticToken(), options);
    }

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private async Task<IResult> SetAsync(string name, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        var value = body?["value"]?.GetValue<string>();
        if (value is null)
        {
            return Error(400, "BadParameter", "value is required");
        }
        var version = new Version(Guid.NewGuid().ToString("N"), value);
        _secrets.GetOrAdd(name, _ => []).Add(version);
        return Results.Json(Bundle(name, version, withValue: true));
    }

    private IResult Get(string name, string? version)
    {
        if (!_secrets.TryGetValue(name, out var versions) || versions.Count == 0)
        {
            return Error(404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");
        }
        var found = version is null ? versions[^1] : versions.FirstOrDefault(v => v.Id == version);
        if (found is null)
        {
            return Error(404, "SecretNotFound", $"A secret with (name/id) {name}/{version} was not found in this key vault.");
        }
        if (!found.Enabled)
        {
            return Error(403, "Forbidden", "Operation get is not allowed on a disabled secret.");
        }
        return Results.Json(Bundle(name, found, withValue: true));
    }

    private IResult ListVersions(string name) =>
        Results.Json(new JsonObject
        {
            ["value"] = new JsonArray((_secrets.TryGetValue(name, out var v) ? v : []).Select(x => (JsonNode)Bundle(name, x, withValue: false)).ToArray()),
            ["nextLink"] = null,
        });

    private async Task<IResult> UpdateAsync(string name, string version, HttpRequest request)
    {
        var found = _secrets.TryGetValue(name, out var versions) ? versions.FirstOrDefault(v => v.Id == version) : null;
        if (found is null)
        {
            return Error(404, "SecretNotFound", $"A secret with (name/id) {name}/{version} was not found in this key vault.");
        }
        var body = await JsonNode.ParseAsync(request.Body);
        if (body?["attributes"]?["enabled"] is { } enabled)
        {
            found.Enabled = enabled.GetValue<bool>();
        }
        return Results.Json(Bundle(name, found, withValue: false));
    }

    private JsonObject Bundle(string name, Version version, bool withValue)
    {
        var bundle = new JsonObject
        {
            ["id"] = new Uri(Uri, $"secrets/{name}/{version.Id}").ToString(),
            ["attributes"] = new JsonObject
            {
                ["enabled"] = version.Enabled,
                ["created"] = version.Created.ToUnixTimeSeconds(),
                ["updated"] = version.Created.ToUnixTimeSeconds(),
                ["recoveryLevel"] = "Recoverable+Purgeable",
            },
        };
        if (withValue)
        {
            bundle["value"] = version.Value;
        }
        return bundle;
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
