using Myna.GrainInterfaces.Common;
using Npgsql;

namespace Myna.IntegrationTests.Cluster;

/// <summary>
/// After a failure scenario, reads every person stream straight from PostgreSQL and checks that no accepted
/// command was lost, none was applied twice, and the domain invariants the load touches still hold.
/// </summary>
internal static class EventStoreAudit
{
    private sealed record Row(string Stream, long Version, string Type, Guid? CausationId);

    public static async Task AssertConsistentAsync(string postgres, string azureStorage, IReadOnlyCollection<CommandLoad.IssuedCommand> commands)
    {
        var rows = new List<Row>();
        // A fresh connection: a pooled one may predate a PostgreSQL restart.
        await using (var connection = new NpgsqlConnection(postgres + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand(
                "select stream_id, version, type, causation_id from myna.mt_events where stream_id like 'person-%' order by stream_id, version",
                connection);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(new Row(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : Guid.Parse(reader.GetString(3))));
            }
        }

        var streams = rows.GroupBy(r => r.Stream).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (stream, events) in streams)
        {
            // Nothing half-written: versions 1..n without a gap, one registration first.
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            Assert.Equal("person_registered_v1", events[0].Type);
            Assert.Single(events, e => e.Type == "person_registered_v1");
            // Invariant 1: one number per person (no replacement in this load).
            Assert.True(events.Count(e => e.Type == "individual_number_assigned_v1") <= 1, $"{stream} has two numbers");
            // Invariant 14: a command's events form one contiguous append, never repeated.
            foreach (var command in events.Where(e => e.CausationId is not null).GroupBy(e => e.CausationId))
            {
                var versions = command.Select(e => e.Version).ToList();
                Assert.True(versions.Max() - versions.Min() + 1 == versions.Count, $"{stream}: command {command.Key} applied twice");
                Assert.Equal(command.Count(), command.Select(e => e.Type).Distinct().Count());
            }
        }

        // Invariant 1: every number has a valid check digit and belongs to one person. Numbers are stored under each
        // person's key: read them back through the event store, as the grains do.
        var numbered = rows.Where(r => r.Type == "individual_number_assigned_v1").Select(r => r.Stream).ToList();
        var options = new Marten.StoreOptions();
        Myna.EventStore.Configuration.MartenSetup.Configure(options,
            new Myna.EventStore.Configuration.EventStoreOptions { ConnectionString = postgres + ";Pooling=false", Schema = Myna.IntegrationTests.Support.TestInfrastructure.Schema, NumberKey = Myna.IntegrationTests.Support.TestInfrastructure.NumberKey },
            Myna.IntegrationTests.Support.TestInfrastructure.NewPersonalDataProtection(azureStorage));
        using var store = new Marten.DocumentStore(options);
        var personStreams = new Myna.EventStore.Streams.MartenEventStreamStore(store);
        var numbers = new List<string>();
        foreach (var stream in numbered)
        {
            var assigned = (await personStreams.ReadAsync(stream, 1)).Select(e => e.Data).OfType<Myna.Domain.Persons.IndividualNumberAssigned>().Single();
            numbers.Add(assigned.Number.IsEmpty ? string.Empty : assigned.Number.Digits);
        }
        Assert.All(numbers, n => Assert.True(IndividualNumber.TryParse(n, out _, out _), "an assigned number is malformed"));
        Assert.Equal(numbers.Count, numbers.Distinct(StringComparer.Ordinal).Count());

        // No accepted command lost: each one's events are on its person's stream.
        var expectedType = new Dictionary<string, string>
        {
            ["register"] = "person_registered_v1",
            ["assign-number"] = "individual_number_assigned_v1",
            ["move"] = "person_moved_v1",
        };
        var accepted = commands.Where(c => c.Accepted).ToList();
        Assert.NotEmpty(accepted);
        foreach (var command in accepted)
        {
            Assert.True(streams.TryGetValue("person-" + command.PersonId, out var events), $"stream of accepted {command.Kind} {command.Key} missing");
            Assert.Single(events!, e => e.CausationId == command.CommandId && e.Type == expectedType[command.Kind]);
        }
    }
}
