using Marten;
using Myna.Domain.Persons;
using Myna.EventStore.Configuration;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;
using Npgsql;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Outside Development no process changes the schema at run time: the migration step applies it, silos verify it.</summary>
public sealed class SchemaMigrationTests
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");

    [Fact]
    public async Task Nothing_creates_tables_until_the_migration_step_ran_and_then_the_schema_verifies()
    {
        var schema = "migration_" + Guid.NewGuid().ToString("N")[..8];
        var options = TestInfrastructure.EventStoreOptions;
        options.Schema = schema;
        Assert.False(options.UpdateSchemaOnStart); // the default
        var storeOptions = new StoreOptions();
        MartenSetup.Configure(storeOptions, options, TestInfrastructure.NewPersonalDataProtection());
        using var store = new DocumentStore(storeOptions);
        var person = PersonId.New();
        var registered = new PersonRegistered(person, new BasicFourItems("佐藤 花子", "東京都千代田区1-1", new DateOnly(1985, 2, 3), Sex.Female),
            new MunicipalityCode("131016"), RegistrationReason.Birth, DateTimeOffset.UtcNow, Clerk);
        try
        {
            await Assert.ThrowsAsync<SchemaNotMigratedException>(() => SchemaMigration.VerifyAsync(store));
            await Assert.ThrowsAnyAsync<Exception>(() => new MartenEventStreamStore(store).AppendAsync(StreamRef.For(person).Key, 0, [registered],
                new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp")));
            Assert.Equal(0, await TableCountAsync(schema));

            await SchemaMigration.ApplyAsync(store);

            await SchemaMigration.VerifyAsync(store);
            Assert.True(await TableCountAsync(schema) > 0);
            Assert.Equal(1, await new MartenEventStreamStore(store).AppendAsync(StreamRef.For(person).Key, 0, [registered],
                new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp")));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_event_type_index_created_concurrently_ahead_of_the_step_is_the_one_the_schema_expects()
    {
        var schema = "migration_" + Guid.NewGuid().ToString("N")[..8];
        var options = TestInfrastructure.EventStoreOptions;
        options.Schema = schema;
        var storeOptions = new StoreOptions();
        MartenSetup.Configure(storeOptions, options, TestInfrastructure.NewPersonalDataProtection());
        using var store = new DocumentStore(storeOptions);
        await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        try
        {
            await SchemaMigration.ApplyAsync(store);
            await SchemaMigration.VerifyAsync(store);

            await ExecuteAsync(connection, $"drop index {schema}.idx_mt_events_event_type_seq_id");
            await Assert.ThrowsAsync<SchemaNotMigratedException>(() => SchemaMigration.VerifyAsync(store));

            // The README's statement for a store that already holds many events: appends go on while it runs.
            await ExecuteAsync(connection, $"create index concurrently idx_mt_events_event_type_seq_id on {schema}.mt_events (type, seq_id)");
            await SchemaMigration.VerifyAsync(store);
        }
        finally
        {
            await ExecuteAsync(connection, $"drop schema if exists {schema} cascade");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> TableCountAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from information_schema.tables where table_schema = @schema", connection);
        count.Parameters.AddWithValue("schema", schema);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
