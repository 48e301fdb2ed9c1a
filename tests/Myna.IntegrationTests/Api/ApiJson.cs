using System.Net.Http.Json;
using System.Text.Json;

namespace Myna.IntegrationTests.Api;

internal static class ApiJson
{
    public static readonly object Hanako = new
    {
        name = "佐藤 花子",
        address = "東京都千代田区千代田1-1",
        dateOfBirth = "1985-02-03",
        sex = "female",
        reason = "birth",
    };

    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString() ?? string.Empty;

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return client.SendAsync(request);
    }
}
