using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Myna.Api.Audit;
using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Common;

namespace Myna.IntegrationTests.EventStore;

/// <summary>A page's events written in blocks: together they are one array, and no block lands on the large-object heap.</summary>
public sealed class AuditEventsJsonTests
{
    /// <summary>The runtime puts an array of this many bytes or more on the large-object heap.</summary>
    private const int LargeObjectBytes = 85_000;

    [Fact]
    public void A_full_page_is_written_in_small_blocks_that_are_its_array_one_after_another()
    {
        var events = Enumerable.Range(1, HistoryQuery.MaxLimit).Select(View).ToList();

        var blocks = AuditEventsJson.WriteBlocks(events);

        Assert.True(blocks.Length > 1, $"{blocks.Length} block for {events.Count} events");
        Assert.All(blocks, b => Assert.InRange(b.Length, 1, LargeObjectBytes - 1));
        var contents = blocks.SelectMany(b => b).ToArray();
        Assert.True(contents.Length >= LargeObjectBytes, $"the page is only {contents.Length} bytes, too small to show anything");
        var array = JsonDocument.Parse((byte[])[(byte)'[', .. contents, (byte)']']).RootElement;
        Assert.Equal(events.Select(e => e.Version), array.EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(events.Select(e => e.Data), array.EnumerateArray().Select(e => e.GetProperty("data").GetRawText()));
        Assert.Equal("東京都千代田区永田町1-7-1", array[0].GetProperty("data").GetProperty("newAddress").GetString());
    }

    [Fact]
    public async Task Blocks_written_as_an_answers_array_take_their_place_between_its_other_fields()
    {
        var events = Enumerable.Range(1, 300).Select(View).ToList();
        var blocks = AuditEventsJson.WriteBlocks(events);
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));

        await new AuditStreamPageResult(new StreamPage("person-1", 400, events.Count, blocks, 301)).ExecuteAsync(context);

        var expected = "{\"stream\":\"person-1\",\"streamVersion\":400,\"events\":[" + Encoding.UTF8.GetString(blocks.SelectMany(b => b).ToArray()) + "],\"nextFromVersion\":301}";
        Assert.Equal(expected, Encoding.UTF8.GetString(body.ToArray()));
        var written = JsonDocument.Parse(body.ToArray()).RootElement;
        Assert.Equal(events.Select(e => e.Version), written.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Empty(AuditEventsJson.WriteBlocks([]));
    }

    private static RecordedEventView View(int version) => new(
        version, 1_000 + version, "person_moved_v1", DateTimeOffset.UnixEpoch.AddMinutes(version), Guid.NewGuid(), Guid.NewGuid(), "api",
        $$"""{"personId":"6d1b3d8e-0000-4000-8000-{{version:D12}}","newAddress":"東京都千代田区永田町1-7-1","movedOn":"2026-10-01","municipality":"131016"}""",
        "person-6d1b3d8e-0000-4000-8000-000000000001", DateTimeOffset.UnixEpoch, new Actor("clerk-1", "municipality", null), null);
}
