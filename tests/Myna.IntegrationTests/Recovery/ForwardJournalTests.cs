using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Myna.Domain.Recovery;
using Myna.EventStore.Numbers;
using Myna.EventStore.Privacy;
using Myna.EventStore.Recovery;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Recovery;

/// <summary>
/// The forward-only journal and its reconciliation (invariant 23) on the real stores: what a restore rolled back (a
/// reservation row, a key tombstone) comes back, the run is an event, and a silo whose journal is unreachable does not start.
/// </summary>
public sealed class ForwardJournalTests : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private DocumentStore _store = null!;
    private IForwardJournal _journal = null!;
    private AzureTablePersonalDataKeyStore _keys = null!;
    private MartenNumberRegistry _numbers = null!;
    private ForwardJournalReconciler _reconciler = null!;
    private IEventStreamStore _streams = null!;

    private string Container => $"journal-tests-{_id}";

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
        _journal = TestInfrastructure.Journal(Container);
        _keys = new AzureTablePersonalDataKeyStore(new TableServiceClient(TestInfrastructure.AzureStorage),
            new ConfiguredKeyEncryptionKeys(new PersonalDataOptions()), "journalkeys" + _id, _journal);
        _numbers = new MartenNumberRegistry(_store, Options.Create(TestInfrastructure.EventStoreOptions), TimeProvider.System, _journal);
        _streams = new MartenEventStreamStore(_store);
        _reconciler = new ForwardJournalReconciler(_store, _journal, _keys, _streams, TimeProvider.System, NullLogger<ForwardJournalReconciler>.Instance);
    }

    public async Task DisposeAsync()
    {
        await new BlobContainerClient(TestInfrastructure.AzureStorage, Container).DeleteIfExistsAsync();
        await new TableServiceClient(TestInfrastructure.AzureStorage).DeleteTableAsync("journalkeys" + _id);
        _store.Dispose();
    }

    [Fact]
    public async Task A_reservation_row_lost_to_a_restore_comes_back_for_its_person_and_the_run_is_recorded()
    {
        var person = new PersonId(Guid.NewGuid());
        var number = (await _numbers.ReserveAsync(person, 0)).Number;
        await DeleteReservationAsync(number);
        Assert.Null(await _numbers.FindAsync(number));

        var outcome = await _reconciler.RunAsync("journal-tests");

        Assert.Equal(person, await _numbers.FindAsync(number));
        Assert.Contains(person.Value, outcome.PersonsWithRestoredReservations);
        Assert.True(outcome.Run.ReservationsRestored >= 1);
        var recorded = await _streams.ReadAsync(ForwardJournalReconciler.StreamKey, 1);
        var run = Assert.Single(recorded, e => e.Data is ForwardJournalReconciled r && r.RunId == outcome.Run.RunId);
        Assert.Equal("forward_journal_reconciled_v1", run.EventTypeName);

        // Run again: the row is there, so nothing is restored for it a second time.
        var again = await _reconciler.RunAsync("journal-tests");
        Assert.DoesNotContain(person.Value, again.PersonsWithRestoredReservations);
        Assert.Equal(person, await _numbers.FindAsync(number));
    }

    [Fact]
    public async Task A_destroyed_key_brought_back_by_a_table_restore_is_destroyed_again()
    {
        var subject = Guid.NewGuid();
        var live = await _keys.GetOrCreateAsync(subject);
        var table = _keys.Table;
        var row = (await table.GetEntityAsync<TableEntity>(AzureTablePersonalDataKeyStore.Partition(subject), subject.ToString("N"))).Value;
        await _keys.DestroyAsync(subject);
        Assert.True((await _keys.FindAsync(subject))!.Erased);

        // The key table restored from an export taken before the erasure: the live row is back.
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        Assert.Equal(live.Key, (await _keys.FindAsync(subject))!.Key);

        var outcome = await _reconciler.RunAsync("journal-tests");

        Assert.True((await _keys.FindAsync(subject))!.Erased);
        Assert.True(outcome.Run.KeysDestroyedAgain >= 1);
    }

    [Fact]
    public async Task The_journal_holds_no_number_in_clear_and_a_key_store_without_a_journal_refuses_to_destroy()
    {
        var number = (await _numbers.ReserveAsync(new PersonId(Guid.NewGuid()), 0)).Number;
        var container = new BlobContainerClient(TestInfrastructure.AzureStorage, Container);
        var text = string.Empty;
        await foreach (var blob in container.GetBlobsAsync())
        {
            text += (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
        }
        Assert.Contains(JournalEntry.NumberReserved, text, StringComparison.Ordinal);
        Assert.DoesNotContain(number.Digits, text, StringComparison.Ordinal);

        var unjournalled = new AzureTablePersonalDataKeyStore(new TableServiceClient(TestInfrastructure.AzureStorage),
            new ConfiguredKeyEncryptionKeys(new PersonalDataOptions()), "journalkeys" + _id);
        var subject = Guid.NewGuid();
        await unjournalled.GetOrCreateAsync(subject);
        await Assert.ThrowsAsync<InvalidOperationException>(() => unjournalled.DestroyAsync(subject));
        Assert.False((await unjournalled.FindAsync(subject))!.Erased);
    }

    [Fact]
    public async Task A_silo_whose_journal_cannot_be_read_refuses_to_start_and_never_opens_its_gateway()
    {
        var closed = Loopback.FreePort();
        var gateway = Loopback.FreePort();
        using var silo = ApiFixture.BuildSilo("journal-" + _id, TimeProvider.System, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Journal"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;",
            ["Cluster:GatewayPort"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => silo.StartAsync());

        Assert.Contains("forward-only journal", refused.Message, StringComparison.Ordinal);
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(System.Net.IPAddress.Loopback, gateway));
    }

    private async Task DeleteReservationAsync(IndividualNumber number)
    {
        await using var session = _store.LightweightSession();
        session.Delete<NumberReservation>(_numbers.IndexKey(number));
        await session.SaveChangesAsync();
    }
}
