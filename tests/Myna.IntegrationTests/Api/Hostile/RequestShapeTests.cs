using System.Net;
using System.Text;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api.Hostile;

/// <summary>
/// The shape of a request, before any rule: a body sent without its JSON media type, and a JSON object that names a
/// field twice. Each is refused with its own stable code, and nothing is written.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RequestShapeTests(ApiFixture fixture)
{
    private const string Person = "{\"name\":\"山田 太郎\",\"address\":\"東京都千代田区千代田1-1\",\"dateOfBirth\":\"1990-04-01\",\"sex\":\"male\",\"reason\":\"move-in\"}";

    private static HttpRequestMessage Post(string path, string body, string? mediaType, string key)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (mediaType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task A_body_without_the_json_media_type_is_415_with_one_code_and_writes_nothing(string? mediaType)
    {
        var clerk = fixture.Municipality();
        var key = "shape-" + Guid.NewGuid().ToString("N");

        var refused = await clerk.SendAsync(Post("/v1/persons", Person, mediaType, key));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Json();
        Assert.Equal("request.unsupported-media-type", problem.Str("code"));
        Assert.Equal("This media type is not accepted; send JSON.", problem.Str("detail"));
        // Nothing was written under the key: the same key with JSON registers a person now, for the first time.
        var accepted = await clerk.SendAsync(Post("/v1/persons", Person, "application/json", key));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"偽 名前\",\"name\":\"山田 太郎\",\"address\":\"東京都千代田区千代田1-1\",\"dateOfBirth\":\"1990-04-01\",\"sex\":\"male\",\"reason\":\"move-in\"}")]
    [InlineData("{\"name\":\"山田 太郎\",\"Name\":\"偽 名前\",\"address\":\"東京都千代田区千代田1-1\",\"dateOfBirth\":\"1990-04-01\",\"sex\":\"male\",\"reason\":\"move-in\"}")]
    public async Task A_json_object_that_names_a_field_twice_is_refused_and_writes_nothing(string body)
    {
        var clerk = fixture.Municipality();
        var key = "shape-" + Guid.NewGuid().ToString("N");

        var refused = await clerk.SendAsync(Post("/v1/persons", body, "application/json", key));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("request.malformed", (await refused.Json()).Str("code"));
        Assert.DoesNotContain("偽", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var accepted = await clerk.SendAsync(Post("/v1/persons", Person, "application/json", key));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal("山田 太郎", (await accepted.Json()).Str("name"));
    }

    [Fact]
    public async Task A_scope_claimed_twice_in_a_development_token_request_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dev/tokens")
        {
            Content = new StringContent("{\"subject\":\"clerk-9\",\"role\":\"municipality\",\"scope\":{\"municipality\":\"131016\",\"municipality\":\"271004\"}}",
                Encoding.UTF8, "application/json"),
        };
        var refused = await fixture.Api.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("request.malformed", (await refused.Json()).Str("code"));
        Assert.DoesNotContain("accessToken", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
