using Azure.Data.Tables;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Numbers;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains;

/// <summary>Level 3: the event-sourced grain mechanism on two in-process silos, real PostgreSQL and Azurite.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class PersonGrainTests(GrainClusterFixture fixture)
{
    private static readonly Actor Clerk = new("clerk-9", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly BasicFourItems Hanako = new("佐藤 花子", "東京都千代田区1-1", new DateOnly(1985, 2, 3), Sex.Female);

    /// <summary>A clerk of Chiyoda, where these tests register their persons.</summary>
    private static CommandContext Command(Guid? id = null) => new(id ?? Guid.NewGuid(), Guid.NewGuid(), Clerk, "counter") { Scope = new ActorScope(Municipality: Chiyoda.Value) };

    private async Task<(PersonId Id, IPersonGrain Grain)> RegisteredPerson()
    {
        var id = PersonId.New();
        var grain = fixture.Client.GetPerson(id);
        var result = await grain.Register(Command(), new RegisterPerson(Hanako, Chiyoda, RegistrationReason.Birth));
        Assert.True(result.IsSuccess, result.Error?.Code);
        return (id, grain);
    }

    private static Task<Result<PersonProfile>> Move(IPersonGrain grain, string address, CommandContext? context = null) =>
        grain.RecordMove(context ?? Command(), new RecordMove(address, Chiyoda, new DateOnly(2026, 11, 1)));

    private static async Task MoveTimes(IPersonGrain grain, int times, string label)
    {
        for (var i = 1; i <= times; i++)
        {
            Assert.True((await Move(grain, $"東京都千代田区{i}-{label}")).IsSuccess);
        }
    }

    /// <summary>The first answers of a fresh activation (the caller deactivated the grain): its profile, and how it was loaded.</summary>
    private static async Task<(PersonProfile Profile, StreamInfo Info)> Reactivated(IPersonGrain grain)
    {
        var profile = await grain.GetProfile();
        return (profile.Value!, await grain.GetStreamInfo());
    }

    private static void AssertLoaded(StreamInfo info, long? fromSnapshot, int replayed)
    {
        Assert.Equal(fromSnapshot, info.ActivatedFromSnapshotVersion);
        Assert.Equal(replayed, info.EventsReplayedOnActivation);
        Assert.Null(info.SnapshotFallbackReason);
    }

    /// <summary>The state a full replay of the stored stream gives, with the grains' own Apply.</summary>
    private async Task<PersonProfile> FullReplay(PersonId id)
    {
        var events = await fixture.Store.ReadAsync(StreamRef.For(id).Key, 1);
        var state = AggregateState.Fold(PersonState.Initial, events.Select(e => (IPersonEvent)e.Data));
        return PersonDecider.ToProfile(state, events.Count);
    }

    [Fact]
    public async Task State_survives_deactivation_and_is_rebuilt_from_the_stream()
    {
        var (id, grain) = await RegisteredPerson();
        var assigned = await grain.AssignIndividualNumber(Command(), new AssignIndividualNumber(Chiyoda));
        Assert.True(assigned.IsSuccess);

        await fixture.Cluster.DeactivateAsync(grain);

        var after = await fixture.Client.GetPerson(id).GetProfile();
        AssertSame(assigned.Value, after.Value);
        AssertSame(await FullReplay(id), after.Value);
        var info = await grain.GetStreamInfo();
        Assert.Equal(4, info.Version); // registered, resident record code, number assigned, letter sent
        Assert.Equal(4, info.EventsReplayedOnActivation);
    }

    [Fact]
    public async Task Snapshot_plus_tail_gives_exactly_the_full_replay()
    {
        var (id, grain) = await RegisteredPerson();
        Assert.True((await grain.AssignIndividualNumber(Command(), new AssignIndividualNumber(Chiyoda))).IsSuccess);
        await MoveTimes(grain, 10, "1");
        // 14 events (registration, code + number + letter, 10 moves); snapshots every 5 → the latest at 10, a tail of 4.
        await fixture.Cluster.DeactivateAsync(grain);

        var (profile, info) = await Reactivated(grain);

        AssertLoaded(info, fromSnapshot: 10, replayed: 4);
        Assert.Equal(14, profile.Version);
        AssertSame(await FullReplay(id), profile);
        Assert.Equal("東京都千代田区10-1", profile.Items.Address);
    }

    [Fact]
    public async Task A_snapshot_older_than_the_newest_events_is_still_used_and_its_tail_read_from_its_version()
    {
        var (id, grain) = await RegisteredPerson();
        await MoveTimes(grain, 10, "2");
        // 11 events, the snapshot at 10. Seven more are appended behind the grain's back (a writer whose snapshot
        // writes did not keep up): the newest five (14–18) no longer reach back to the snapshot.
        await fixture.Cluster.DeactivateAsync(grain);
        var key = StreamRef.For(id).Key;
        for (var v = 11; v < 18; v++)
        {
            await fixture.Store.AppendAsync(key, v,
                [new PersonMoved(id, $"外部{v}", Chiyoda, new DateOnly(2026, 10, 1), DateTimeOffset.UtcNow, Clerk)],
                new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "batch", "fp:external"));
        }

        var (profile, info) = await Reactivated(grain);

        AssertLoaded(info, fromSnapshot: 10, replayed: 8);
        Assert.Equal(18, profile.Version);
        AssertSame(await FullReplay(id), profile);
        Assert.Equal("外部17", profile.Items.Address);
    }

    [Fact]
    public async Task A_stream_no_longer_than_the_snapshot_interval_is_read_whole_in_one_read()
    {
        var (id, grain) = await RegisteredPerson();
        await MoveTimes(grain, 4, "3");
        // Exactly five events: the snapshot written at 5 is not needed, the first read (five events and the version) holds the whole stream.
        await fixture.Cluster.DeactivateAsync(grain);

        var (profile, info) = await Reactivated(grain);

        AssertLoaded(info, fromSnapshot: null, replayed: 5);
        AssertSame(await FullReplay(id), profile);
    }

    [Fact]
    public async Task A_retried_command_id_does_not_append_twice()
    {
        var (id, grain) = await RegisteredPerson();
        var retry = Command();

        var first = await Move(grain, "東京都港区1-1", retry);
        var second = await Move(grain, "東京都港区1-1", retry);
        await fixture.Cluster.DeactivateAsync(grain);
        var third = await Move(grain, "東京都港区1-1", retry); // after reactivation: receipts come from the stream

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.True(third.Replayed);
        AssertSame(first.Value, second.Value);
        AssertSame(first.Value, third.Value);
        Assert.Equal(2, (await fixture.Store.ReadAsync(StreamRef.For(id).Key, 1)).Count);
    }

    [Fact]
    public async Task A_retry_whose_receipt_only_the_snapshot_holds_is_answered_from_it_after_reactivation()
    {
        var (id, grain) = await RegisteredPerson();
        var retry = Command();
        var first = await Move(grain, "東京都港区2-2", retry);
        await MoveTimes(grain, 8, "r");
        // 10 events, the snapshot at 10: the retried command's event (2) is not in the tail an activation reads,
        // so its receipt comes from the snapshot's compact receipts alone.
        await fixture.Cluster.DeactivateAsync(grain);
        var (_, info) = await Reactivated(grain);

        var again = await Move(grain, "東京都港区2-2", retry);
        var reused = await Move(grain, "東京都港区3-3", retry);

        AssertLoaded(info, fromSnapshot: 10, replayed: 0);
        Assert.True(first.IsSuccess);
        Assert.True(again.Replayed);
        Assert.Equal(10, again.Value!.Version);
        Assert.Equal("idempotency.key-reused", reused.Error?.Code);
        Assert.Equal(10, (await fixture.Store.ReadAsync(StreamRef.For(id).Key, 1)).Count);
    }

    [Fact]
    public async Task The_same_command_id_with_a_different_command_is_refused()
    {
        var (_, grain) = await RegisteredPerson();
        var key = Command();
        Assert.True((await Move(grain, "東京都港区1-1", key)).IsSuccess);

        var reused = await Move(grain, "東京都港区9-9", key);

        Assert.Equal("idempotency.key-reused", reused.Error?.Code);
        Assert.Equal("東京都港区1-1", (await grain.GetProfile()).Value!.Items.Address);
    }

    [Fact]
    public async Task A_second_writer_behind_the_grains_back_is_detected_and_nothing_is_lost_or_doubled()
    {
        var (id, grain) = await RegisteredPerson();
        Assert.Equal(1, (await grain.GetProfile()).Value!.Version);

        // Another writer appends directly to the stream; the active grain still believes version 1.
        var key = StreamRef.For(id).Key;
        await fixture.Store.AppendAsync(key, 1,
            [new PersonMoved(id, "外部の書き手", Chiyoda, new DateOnly(2026, 10, 1), DateTimeOffset.UtcNow, Clerk)],
            new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "batch", "fp:external"));

        var result = await Move(grain, "グレインの書き込み");

        Assert.True(result.IsSuccess, result.Error?.Code);
        var stored = await fixture.Store.ReadAsync(key, 1);
        Assert.Equal([1L, 2L, 3L], stored.Select(e => e.Version));
        Assert.Equal(["外部の書き手", "グレインの書き込み"], stored.Skip(1).Select(e => ((PersonMoved)e.Data).NewAddress));
        Assert.Equal(3, result.Value!.Version);
        AssertSame(await FullReplay(id), (await grain.GetProfile()).Value);
    }

    [Fact]
    public async Task A_decision_made_on_a_stale_state_is_decided_again_not_written()
    {
        var (id, grain) = await RegisteredPerson();
        var key = StreamRef.For(id).Key;
        // Behind the grain's back the person gets a number (e.g. a duplicate activation during a partition).
        var elsewhere = IndividualNumber.Parse("123456789018");
        await fixture.Store.AppendAsync(key, 1,
            [new IndividualNumberAssigned(id, elsewhere, Chiyoda, DateTimeOffset.UtcNow, Clerk)],
            new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp:external"));

        // The grain still sees no number and decides to assign one; the append meets version 2,
        // the grain re-reads and decides again: the number is lifelong, so the command is refused.
        var result = await grain.AssignIndividualNumber(Command(), new AssignIndividualNumber(Chiyoda));

        Assert.Equal("individual-number.already-assigned", result.Error?.Code);
        var stored = await fixture.Store.ReadAsync(key, 1);
        Assert.Single(stored, e => e.Data is IndividualNumberAssigned);
        Assert.Equal(elsewhere, (await grain.GetProfile()).Value!.IndividualNumber);
    }

    [Fact]
    public async Task An_append_committed_before_its_connection_was_lost_answers_success_once()
    {
        var (id, grain) = await RegisteredPerson();
        var key = StreamRef.For(id).Key;
        var command = Command();
        FaultyEventStreamStore.Arm(key, FaultyEventStreamStore.AppendFault.CommitThenLoseConnection);

        // The store throws after the commit; the grain reads the tail, finds its own command there and
        // answers what the stream holds.
        var moved = await Move(grain, "東京都港区2-2", command);
        var retried = await Move(grain, "東京都港区2-2", command);

        Assert.True(moved.IsSuccess, moved.Error?.Code);
        Assert.False(moved.Replayed);
        Assert.True(retried.Replayed);
        var stored = await fixture.Store.ReadAsync(key, 1);
        Assert.Equal([1L, 2L], stored.Select(e => e.Version));
        Assert.Equal(2, moved.Value!.Version);
        AssertSame(await FullReplay(id), (await grain.GetProfile()).Value);
    }

    [Fact]
    public async Task An_append_whose_outcome_cannot_be_learnt_fails_and_its_retry_answers_from_the_stream()
    {
        var (id, grain) = await RegisteredPerson();
        var key = StreamRef.For(id).Key;
        var command = Command();
        // The commit happens, the connection is lost, and the tail cannot be read either.
        FaultyEventStreamStore.Arm(key, FaultyEventStreamStore.AppendFault.CommitThenLoseConnection, failingReads: 1);

        await Assert.ThrowsAsync<IOException>(() => Move(grain, "東京都港区3-3", command));
        var retried = await Move(grain, "東京都港区3-3", command);

        // The failure claimed nothing; the retry finds the command on the stream and does not write it again.
        Assert.True(retried.IsSuccess, retried.Error?.Code);
        Assert.True(retried.Replayed);
        var stored = await fixture.Store.ReadAsync(key, 1);
        Assert.Equal([1L, 2L], stored.Select(e => e.Version));
        Assert.Equal("東京都港区3-3", ((PersonMoved)stored[1].Data).NewAddress);
        AssertSame(await FullReplay(id), (await grain.GetProfile()).Value);
    }

    [Fact]
    public async Task An_append_lost_before_its_commit_fails_and_leaves_the_stream_and_the_state_unchanged()
    {
        var (id, grain) = await RegisteredPerson();
        var key = StreamRef.For(id).Key;
        var command = Command();
        FaultyEventStreamStore.Arm(key, FaultyEventStreamStore.AppendFault.LoseConnectionBeforeCommit);

        await Assert.ThrowsAsync<IOException>(() => Move(grain, "東京都港区4-4", command));

        // Nothing unwritten was folded into the grain's state.
        Assert.Equal([1L], (await fixture.Store.ReadAsync(key, 1)).Select(e => e.Version));
        var profile = (await grain.GetProfile()).Value!;
        Assert.Equal(1, profile.Version);
        Assert.Equal(Hanako.Address, profile.Items.Address);

        // The retry is decided afresh and written once.
        var retried = await Move(grain, "東京都港区4-4", command);
        Assert.True(retried.IsSuccess, retried.Error?.Code);
        Assert.False(retried.Replayed);
        Assert.Equal([1L, 2L], (await fixture.Store.ReadAsync(key, 1)).Select(e => e.Version));
    }

    [Fact]
    public async Task An_unreadable_snapshot_falls_back_to_full_replay()
    {
        var (id, grain) = await RegisteredPerson();
        await MoveTimes(grain, 6, "4");
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(5, (await grain.GetStreamInfo()).ActivatedFromSnapshotVersion);

        await CorruptSnapshotAsync(id);
        await fixture.Cluster.DeactivateAsync(grain);

        var (profile, info) = await Reactivated(grain);
        Assert.NotNull(info.SnapshotFallbackReason);
        Assert.Null(info.ActivatedFromSnapshotVersion);
        Assert.Equal(7, info.EventsReplayedOnActivation);
        AssertSame(await FullReplay(id), profile);
    }

    [Fact]
    public async Task Commands_on_an_unregistered_person_are_refused_and_write_nothing()
    {
        var id = PersonId.New();
        var grain = fixture.Client.GetPerson(id);

        Assert.Equal("person.not-found", (await grain.AssignIndividualNumber(Command(), new AssignIndividualNumber(Chiyoda))).Error?.Code);
        Assert.Equal("person.not-found", (await Move(grain, "x")).Error?.Code);
        Assert.Equal("person.not-found", (await grain.GetProfile()).Error?.Code);
        Assert.Equal(0, await fixture.Store.GetVersionAsync(StreamRef.For(id).Key));
    }

    [Fact]
    public async Task Ten_thousand_persons_numbered_at_once_across_two_silos_get_distinct_valid_numbers()
    {
        const int Persons = 10_000;
        using var gate = new SemaphoreSlim(64); // bounded load: 64 commands in flight
        async Task<(PersonId Id, IndividualNumber Number)> RegisterAndNumber()
        {
            await gate.WaitAsync();
            try
            {
                var (id, grain) = await RegisteredPerson();
                var result = await grain.AssignIndividualNumber(Command(), new AssignIndividualNumber(Chiyoda));
                Assert.True(result.IsSuccess, result.Error?.Code);
                return (id, result.Value!.IndividualNumber!.Value);
            }
            finally
            {
                gate.Release();
            }
        }

        var numbered = await Task.WhenAll(Enumerable.Range(0, Persons).Select(_ => RegisterAndNumber()));

        Assert.Equal(Persons, numbered.Select(n => n.Number.Digits).Distinct().Count());
        Assert.All(numbered, n => Assert.True(IndividualNumber.TryParse(n.Number.Digits, out _, out _)));
        // Activations were spread over both silos, so the uniqueness held across silos, not inside one.
        var statistics = await fixture.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var silosWithPersons = statistics.Where(s => s.GrainType.Contains("PersonGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(2, silosWithPersons);
        var sample = numbered[Persons / 2];
        Assert.Equal(new NumberLookup(sample.Id, NumberStatus.Current), (await fixture.Client.GetNumberDirectory().Resolve(sample.Number)).Value);
    }

    /// <summary>Profiles hold lists, so compare them by value (their JSON), not by reference.</summary>
    private static void AssertSame(PersonProfile? expected, PersonProfile? actual) =>
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(actual));

    private static async Task CorruptSnapshotAsync(PersonId id)
    {
        var table = new TableClient(TestInfrastructure.AzureStorage, "MynaSnapshots");
        var needle = id.Value.ToString("N");
        var found = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            if (!entity.PartitionKey.Contains(needle, StringComparison.OrdinalIgnoreCase)
                && !entity.PartitionKey.Contains(id.Value.ToString("D"), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (var property in entity.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal) || k.StartsWith("StringData", StringComparison.Ordinal)).ToList())
            {
                entity[property] = entity[property] is string ? "{not a snapshot" : new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01 };
            }
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
            found++;
        }
        Assert.Equal(1, found);
    }

    [Fact]
    public async Task A_known_command_id_from_a_caller_of_another_scope_is_refused_not_replayed()
    {
        var (_, grain) = await RegisteredPerson();
        var commandId = Guid.NewGuid();
        var chiyodaClerk = Command(commandId) with { Scope = new ActorScope(Municipality: Chiyoda.Value) };
        var assigned = await grain.AssignIndividualNumber(chiyodaClerk, new AssignIndividualNumber(Chiyoda));
        Assert.True(assigned.IsSuccess, assigned.Error?.Code);
        var version = (await grain.GetStreamInfo()).Version;

        // The same command id again, from a clerk whose token names another municipality.
        var replay = await grain.AssignIndividualNumber(Command(commandId) with { Scope = new ActorScope(Municipality: "272019") },
            new AssignIndividualNumber(Chiyoda));

        Assert.False(replay.IsSuccess);
        Assert.Equal(ErrorKind.Forbidden, replay.Error!.Kind);
        Assert.Null(replay.Value);
        Assert.Equal(version, (await grain.GetStreamInfo()).Version);
        // The right clerk's retry still gets the original answer.
        var retried = await grain.AssignIndividualNumber(chiyodaClerk, new AssignIndividualNumber(Chiyoda));
        Assert.True(retried.Replayed);
        Assert.Equal(assigned.Value!.IndividualNumber, retried.Value!.IndividualNumber);
    }
}
