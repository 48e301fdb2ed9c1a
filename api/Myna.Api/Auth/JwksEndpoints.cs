namespace Myna.Api.Auth;

/// <summary>The portal key's public half as a JWKS, for anyone who verifies a resident session token (relying services, other replicas' tools).</summary>
public static class JwksEndpoints
{
    public static IEndpointRouteBuilder MapJwks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", (PortalSigningKeys keys, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Json(keys.Jwks);
        }).AllowAnonymous().WithName("GetPortalJwks").WithTags("Auth");
        return app;
    }
}
