using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Myna.Api.Audit;
using Myna.GrainInterfaces.Audit;
using Myna.GrainInterfaces.Common;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// The whole-stream replay's answer on its own, with a chunk reader in place of the audit grain: how chunks follow
/// one another, and what a chunk that cannot be read, or a client that goes away, does to the answer.
/// </summary>
public sealed class AuditStreamReplayResultTests
{
    private const string Stream = "ledger-6d1b3d8e-0000-4000-8000-000000000001";

    [Fact]
    public async Task Its_chunks_are_one_array_each_next_chunk_asked_for_up_to_the_last_version()
    {
        var asked = new List<(long From, int Limit)>();
        var (context, body, lifetime) = Context();
        var result = new AuditStreamReplayResult(query =>
        {
            asked.Add((query.FromVersion, query.Limit));
            return Task.FromResult(Result<StreamPage>.Ok(Page(query.FromVersion, query.Limit, head: 6)));
        }, StreamKind.Ledger, Page(1, 2, head: 6), fromVersion: 1, lastVersion: 5, chunkSize: 2);

        await result.ExecuteAsync(context);

        Assert.Equal([(3L, 2), (5L, 1)], asked);
        Assert.False(lifetime.Aborted);
        var answer = JsonDocument.Parse(body.ToArray()).RootElement;
        Assert.Equal(Stream, answer.GetProperty("stream").GetString());
        Assert.Equal(6, answer.GetProperty("streamVersion").GetInt64());
        Assert.Equal([1L, 2, 3, 4, 5], answer.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(6, answer.GetProperty("nextFromVersion").GetInt64());
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
    }

    [Fact]
    public async Task A_start_past_the_end_is_an_empty_replay_that_asks_for_nothing_more()
    {
        var (context, body, lifetime) = Context();
        var result = new AuditStreamReplayResult(_ => throw new InvalidOperationException("no chunk is to be read"),
            StreamKind.Ledger, Page(7, 0, head: 6), fromVersion: 7, lastVersion: 6, chunkSize: 2);

        await result.ExecuteAsync(context);

        Assert.False(lifetime.Aborted);
        var answer = JsonDocument.Parse(body.ToArray()).RootElement;
        Assert.Empty(answer.GetProperty("events").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("nextFromVersion").ValueKind);
    }

    public static TheoryData<string> Faults => new() { "refused", "thrown", "short" };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_chunk_that_cannot_be_read_breaks_the_answer_off_instead_of_ending_it(string fault)
    {
        var (context, body, lifetime) = Context();
        var result = new AuditStreamReplayResult(query => fault switch
        {
            "refused" => Task.FromResult<Result<StreamPage>>(DomainError.NotFound("audit.stream-not-found", "gone")),
            "thrown" => Task.FromException<Result<StreamPage>>(new TimeoutException("the silo did not answer")),
            // Versions 3 and 4 exist, the chunk came back empty: the answer must not end as if the stream did.
            _ => Task.FromResult(Result<StreamPage>.Ok(Page(query.FromVersion, 0, head: 4))),
        }, StreamKind.Ledger, Page(1, 2, head: 4), fromVersion: 1, lastVersion: 4, chunkSize: 2);

        await result.ExecuteAsync(context);

        Assert.True(lifetime.Aborted);
        var written = Encoding.UTF8.GetString(body.ToArray());
        Assert.Contains("\"version\":2", written, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(written));
    }

    [Fact]
    public async Task A_client_that_went_away_ends_the_replay_quietly_without_an_abort()
    {
        var (context, _, lifetime) = Context();
        using var gone = new CancellationTokenSource();
        lifetime.RequestAborted = gone.Token;
        var chunk = new TaskCompletionSource<Result<StreamPage>>();
        var result = new AuditStreamReplayResult(_ => chunk.Task, StreamKind.Ledger, Page(1, 2, head: 4), fromVersion: 1, lastVersion: 4, chunkSize: 2);
        await gone.CancelAsync();

        var replaying = result.ExecuteAsync(context);
        chunk.SetException(new TimeoutException("answered after the client left"));
        await replaying.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(lifetime.Aborted);
    }

    private static StreamPage Page(long from, int count, long head)
    {
        var events = Enumerable.Range(0, count).Select(i => new RecordedEventView(
            from + i, 100 + from + i, "staff_read_recorded_v1", DateTimeOffset.UnixEpoch, Guid.Empty, Guid.Empty, "api", "{\"n\":1}", Stream)).ToList();
        var next = from + count;
        return new StreamPage(Stream, head, count, AuditEventsJson.WriteBlocks(events), count > 0 && next <= head ? next : null);
    }

    private static (DefaultHttpContext Context, MemoryStream Body, Lifetime Lifetime) Context()
    {
        var body = new MemoryStream();
        var lifetime = new Lifetime();
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        return (context, body, lifetime);
    }

    private sealed class Lifetime : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; }

        public bool Aborted { get; private set; }

        public void Abort() => Aborted = true;
    }
}
