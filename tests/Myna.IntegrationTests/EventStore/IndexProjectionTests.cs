using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Myna.Domain.Cards;
using Myna.EventStore.Certificates;
using Myna.EventStore.Insurance;
using Myna.EventStore.Maintenance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Level 2: the lookup indexes that are Marten projections, against real PostgreSQL. Each is written inline,
/// in the transaction of the append (on the direct and the group-commit path alike), and rebuilt by Marten's
/// projection daemon from the events after its rows are lost.
/// </summary>
public sealed class IndexProjectionTests : IAsyncLifetime
{
    private static readonly Actor System = new("card-issuer", "system");
    private DocumentStore _store = null!;
    private MartenEventStreamStore _direct = null!;
    private BatchingEventStreamStore _batched = null!;
    private MartenIndexRebuilder _rebuilder = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _direct = new MartenEventStreamStore(_store);
        _batched = new BatchingEventStreamStore(_store, NullLogger<BatchingEventStreamStore>.Instance);
        _rebuilder = new MartenIndexRebuilder(_store, new MartenPersonMatchIndex(_store),
            new MartenNumberRegistry(_store, Options.Create(TestInfrastructure.EventStoreOptions), TimeProvider.System));
    }

    public async Task DisposeAsync()
    {
        await _batched.DisposeAsync();
        _store.Dispose();
    }

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp");

    private static CertificateIssued Issued(CardId card) =>
        new(card, CertificateKind.UserAuthentication, "S-" + Guid.NewGuid().ToString("N"), "pk", new DateOnly(2031, 1, 1), DateTimeOffset.UtcNow, System);

    private async Task<T?> LoadAsync<T>(string id)
        where T : notnull
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<T>(id);
    }

    private async Task<T?> LoadAsync<T>(Guid id)
        where T : notnull
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<T>(id);
    }

    private async Task WriteAsync(Action<IDocumentSession> change)
    {
        await using var session = _store.LightweightSession();
        change(session);
        await session.SaveChangesAsync();
    }

    /// <summary>Rebuilds through the rebuilder the API's jobs use; returns its rows and the last progress it reported.</summary>
    private async Task<(int Rows, RebuildProgress Last)> RebuildAsync(RebuildableIndex index)
    {
        var reports = new ConcurrentQueue<RebuildProgress>();
        var rows = await _rebuilder.RebuildAsync(index, new Collect(reports));
        Assert.All(reports, r => Assert.True(r.Processed <= r.Total, $"{r.Processed} of {r.Total}"));
        return (rows, reports.Last());
    }

    private sealed class Collect(ConcurrentQueue<RebuildProgress> reports) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => reports.Enqueue(value);
    }

    [Fact]
    public async Task A_certificate_is_in_the_index_when_its_append_returns_on_both_write_paths()
    {
        var direct = new CardId(Guid.NewGuid());
        var directIssued = Issued(direct);
        var batched = Enumerable.Range(0, 100).Select(_ => new CardId(Guid.NewGuid())).ToDictionary(c => c, Issued);

        await _direct.AppendAsync(StreamRef.For(direct).Key, 0, [directIssued], Metadata());
        // Appended at once: the group-commit writer shares transactions among them.
        await Task.WhenAll(batched.Select(b => _batched.AppendAsync(StreamRef.For(b.Key).Key, 0, [b.Value], Metadata())));

        Assert.Equal(direct.Value, (await LoadAsync<CertificateRecord>(directIssued.Serial))?.CardId);
        foreach (var (card, issued) in batched)
        {
            Assert.Equal(card.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
        }
        Assert.True(_batched.Counters.Transactions < 100, "the batched appends were not batched");
    }

    [Fact]
    public async Task A_lost_certificate_row_is_rebuilt_by_Marten_and_a_row_no_event_made_is_dropped()
    {
        var card = new CardId(Guid.NewGuid());
        var issued = Issued(card);
        await _direct.AppendAsync(StreamRef.For(card).Key, 0, [issued], Metadata());
        var stray = "S-stray-" + Guid.NewGuid().ToString("N");
        await WriteAsync(s =>
        {
            s.Delete<CertificateRecord>(issued.Serial);
            s.Store(new CertificateRecord { Id = stray, CardId = Guid.NewGuid() });
        });
        Assert.Null(await LoadAsync<CertificateRecord>(issued.Serial));

        var (rows, last) = await RebuildAsync(RebuildableIndex.Certificates);

        Assert.Equal(card.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
        Assert.Null(await LoadAsync<CertificateRecord>(stray));
        Assert.True(rows >= 1);
        Assert.True(last.Total >= 1);
        Assert.Equal(last.Total, last.Processed);
    }
}
