using Myna.EventStore.Integrity;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Level 1: the hash chain's cache of stream heads stays bounded and keeps the streams written last.</summary>
public sealed class HeadCacheTests
{
    private static (long, string) Head(int i) => (i, "hash-" + i);

    [Fact]
    public void The_streams_written_last_always_hit_and_the_cache_never_holds_more_than_two_generations()
    {
        var cache = new HeadCache(generationSize: 100);
        for (var i = 0; i < 950; i++)
        {
            cache.Set("stream-" + i, Head(i));
            Assert.InRange(cache.Count, 1, 200);
        }
        // The last hundred streams written (850 to 949) are all there: the newer half in the current generation, the
        // older half in the previous one.
        for (var i = 949; i >= 850; i--)
        {
            Assert.True(cache.TryGetValue("stream-" + i, out var head), $"stream-{i} missed");
            Assert.Equal(Head(i), head);
        }
        Assert.False(cache.TryGetValue("stream-0", out _));
        Assert.False(cache.TryGetValue("stream-799", out _));
    }

    [Fact]
    public void A_stream_found_in_the_older_generation_is_kept_into_the_next_and_a_new_head_replaces_an_old_one()
    {
        var cache = new HeadCache(generationSize: 2);
        cache.Set("a", Head(1));
        cache.Set("b", Head(1));
        cache.Set("c", Head(1));
        // "a" is in the older generation now; reading it carries it into the current one.
        Assert.True(cache.TryGetValue("a", out _));
        cache.Set("d", Head(1));
        cache.Set("e", Head(1));
        Assert.True(cache.TryGetValue("a", out _));
        Assert.False(cache.TryGetValue("b", out _));

        cache.Set("e", Head(2));
        Assert.True(cache.TryGetValue("e", out var head));
        Assert.Equal(Head(2), head);
    }
}
