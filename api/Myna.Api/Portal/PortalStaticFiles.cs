using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Myna.Api.Portal;

/// <summary>
/// Serves the built reference portal at <c>/portal/</c> (Portal:StaticFiles), same-origin with the API, under a
/// strict Content-Security-Policy: its own scripts and styles only, calls to this origin only, never framed.
/// </summary>
public static class PortalStaticFiles
{
    public const string Path = "/portal";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication UsePortalStaticFiles(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.StaticFiles is not { Length: > 0 } root)
        {
            return app;
        }
        var directory = System.IO.Path.GetFullPath(root);
        Directory.CreateDirectory(directory);
        var files = new PhysicalFileProvider(directory);
        app.Use((http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments(Path, out var rest))
            {
                return next(http);
            }
            if (!rest.HasValue)
            {
                http.Response.Redirect(Path + "/");
                return Task.CompletedTask;
            }
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers.CacheControl = "no-cache";
            return next(http);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = Path });
        return app;
    }
}
