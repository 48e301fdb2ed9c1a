using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Portal;

/// <summary>
/// Level 3: a resident's access ledger on its own ("who accessed my data"). Each recorded access is one event
/// in the ledger's stream; the resident's query pages it newest first and filters by accessor kind; a retried
/// record is stored once; a malformed record writes nothing.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class AccessLedgerGrainTests(GrainClusterFixture fixture)
{
    private static CommandContext Staff() =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor("clerk-7", "municipality"), "counter") { Scope = new ActorScope(Municipality: "131016") };

    private static CommandContext Agency() =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor("pension-1", "agency"), "agency") { Scope = new ActorScope(Agency: "pension-office") };

    private Task<IReadOnlyList<Myna.EventStore.Streams.StoredEvent>> Stream(PersonId person) =>
        fixture.Store.ReadAsync(StreamRef.LedgerOf(person).Key, 1);

    [Fact]
    public async Task Accesses_are_recorded_once_each_and_read_back_newest_first_by_kind_and_page()
    {
        var person = PersonId.New();
        var ledger = fixture.Client.GetLedger(person);

        Assert.True((await ledger.RecordStaffRead(Staff(), new RecordStaffRead("resident-record", "municipality counter"))).IsSuccess);
        Assert.True((await ledger.RecordAgencyRequest(Agency(), new RecordAgencyRequest("pension-office", DataItem.IncomeSummary, "pension-review", true, null))).IsSuccess);
        Assert.True((await ledger.RecordStaffRead(Staff(), new RecordStaffRead("card", "reissue at the counter"))).IsSuccess);

        Assert.Equal(3, (await Stream(person)).Count);
        var all = await ledger.Query(new LedgerQuery(null, null, null, null, 10));
        Assert.Equal([3L, 2L, 1L], all.Entries.Select(e => e.Version));
        Assert.Equal([AccessorKinds.Staff, AccessorKinds.Agency, AccessorKinds.Staff], all.Entries.Select(e => e.AccessorKind));
        Assert.Null(all.Next);

        var staffOnly = await ledger.Query(new LedgerQuery(null, [AccessorKinds.Staff], null, null, 1));
        Assert.Equal([3L], staffOnly.Entries.Select(e => e.Version));
        Assert.Equal(3L, staffOnly.Next);
        var next = await ledger.Query(new LedgerQuery(staffOnly.Next, [AccessorKinds.Staff], null, null, 1));
        Assert.Equal([1L], next.Entries.Select(e => e.Version));
        Assert.Equal("municipality 131016 (clerk-7)", next.Entries.Single().Accessor);
    }

    [Fact]
    public async Task A_retried_record_is_stored_once_and_a_malformed_one_writes_nothing()
    {
        var person = PersonId.New();
        var ledger = fixture.Client.GetLedger(person);
        var command = Staff();

        var first = await ledger.RecordStaffRead(command, new RecordStaffRead("resident-record", "municipality counter"));
        var retried = await ledger.RecordStaffRead(command, new RecordStaffRead("resident-record", "municipality counter"));
        var malformed = await ledger.RecordStaffRead(Staff(), new RecordStaffRead(string.Empty, "no what"));

        Assert.Equal(first.Value!.Version, retried.Value!.Version);
        Assert.Equal("ledger.invalid-what", malformed.Error!.Code);
        Assert.Single(await Stream(person));
    }
}
