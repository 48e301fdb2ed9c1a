using System.Net;
using Microsoft.AspNetCore.Hosting;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>The built reference portal served at /portal/ (Portal:StaticFiles): its files only, under a strict policy.</summary>
[Collection(ApiCollection.Name)]
public sealed class PortalStaticFilesTests(ApiFixture fixture) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("myna-portal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_portal_is_served_with_a_strict_policy_and_nothing_outside_its_directory()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "index.html"), "<!doctype html><html lang=\"ja\"><title>portal</title></html>");
        await File.WriteAllTextAsync(Path.Combine(_root, "app.js"), "export {};");
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(_root)!, "outside-" + Path.GetFileName(_root) + ".txt"), "secret");
        await using var api = fixture.Api.WithWebHostBuilder(b => b.UseSetting("Portal:StaticFiles", _root));
        var client = api.CreateClient(new() { AllowAutoRedirect = false });

        var page = await client.GetAsync("/portal/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html lang=\"ja\">", await page.Content.ReadAsStringAsync());
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());

        var script = await client.GetAsync("/portal/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);

        var bare = await client.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/portal/", bare.Headers.Location?.OriginalString);

        foreach (var escape in new[] { "/portal/../outside-" + Path.GetFileName(_root) + ".txt", "/portal/%2e%2e/outside-" + Path.GetFileName(_root) + ".txt", "/portal/missing.js" })
        {
            var answer = await client.GetAsync(escape);
            Assert.NotEqual(HttpStatusCode.OK, answer.StatusCode);
            Assert.DoesNotContain("secret", await answer.Content.ReadAsStringAsync());
        }
        File.Delete(Path.Combine(Path.GetDirectoryName(_root)!, "outside-" + Path.GetFileName(_root) + ".txt"));
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_portal()
    {
        var answer = await fixture.Api.CreateClient().GetAsync("/portal/");
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }
}
