using Marten;
using Myna.EventStore.Configuration;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// Where the real PostgreSQL and Azurite are: from MYNA_TEST_POSTGRES / MYNA_TEST_AZURE_STORAGE (set by
/// deploy/test.sh), else the defaults of deploy/local. Tests never fall back to in-memory stand-ins.
/// </summary>
public static class TestInfrastructure
{
    public const string Schema = "myna";

    public static string Postgres { get; } =
        Environment.GetEnvironmentVariable("MYNA_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=55432;Username=myna;Password=myna;Database=myna_test";

    public static string AzureStorage { get; } =
        Environment.GetEnvironmentVariable("MYNA_TEST_AZURE_STORAGE")
        ?? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public const string NumberKey = "integration-tests-number-key-0123456789abcdef";
    public const string AgencyCodeKey = "integration-tests-agency-code-key-0123456789abcdef";
    /// <summary>
    /// The key-encryption key of the Production-configured silo processes (version <see cref="KeyEncryptionKeyVersion"/>).
    /// Every silo and store of the tests also knows the other one (the Development default, "local-1"): they share one
    /// key table, and a rebuild reads every person's events.
    /// </summary>
    public const string KeyEncryptionKey = "integration-tests-key-encryption-key-0123456789abcdef";
    public const string KeyEncryptionKeyVersion = "tests-1";
    public const string ChallengeKey = "integration-tests-challenge-key-0123456789abcdef";

    public static EventStoreOptions EventStoreOptions => new() { ConnectionString = Postgres, Schema = Schema, NumberKey = NumberKey };

    private static readonly Lazy<Task> SchemaReady = new(async () =>
    {
        // The migration step, once, before the silos start (they only verify the schema).
        await using var store = CreateStore();
        await SchemaMigration.ApplyAsync(store);
    });

    public static Task EnsureSchemaAsync() => SchemaReady.Value;

    /// <summary>Personal data protection as a silo has it (the default, Development key-encryption key), with a key ring of its own.</summary>
    public static Myna.EventStore.Privacy.PersonalDataProtection NewPersonalDataProtection(string? azureStorage = null) =>
        new(new Myna.EventStore.Privacy.PersonalDataKeyRing(new Myna.EventStore.Privacy.AzureTablePersonalDataKeyStore(
            new Azure.Data.Tables.TableServiceClient(azureStorage ?? AzureStorage),
            new Myna.EventStore.Privacy.ConfiguredKeyEncryptionKeys(new Myna.EventStore.Privacy.PersonalDataOptions
            {
                PreviousKeyEncryptionKeys = new() { [KeyEncryptionKeyVersion] = KeyEncryptionKey },
            }), Myna.EventStore.Privacy.AzureTablePersonalDataKeyStore.DefaultTable, Journal())));

    /// <summary>The forward-only journal the silos of the tests write to (a container of their own on the shared Azurite).</summary>
    public const string JournalContainer = "myna-forward-journal-tests";

    public static Myna.EventStore.Recovery.IForwardJournal Journal(string container = JournalContainer) =>
        new Myna.EventStore.Recovery.BlobForwardJournal(new Azure.Storage.Blobs.BlobContainerClient(AzureStorage, container), TimeProvider.System);

    /// <summary>A separate document store, as a second process (or an auditor's tool) would have.</summary>
    public static DocumentStore CreateStore()
    {
        var options = new StoreOptions();
        MartenSetup.Configure(options, EventStoreOptions, NewPersonalDataProtection());
        return new DocumentStore(options);
    }

    /// <summary>
    /// A store in a schema of its own, named <paramref name="prefix"/> and a random suffix, with nothing created yet
    /// (SchemaMigration.ApplyAsync creates it): for a test whose tables no other test may write. The caller drops it.
    /// </summary>
    public static DocumentStore CreateStoreInOwnSchema(string prefix)
    {
        var eventStore = EventStoreOptions;
        eventStore.Schema = prefix + Guid.NewGuid().ToString("N")[..8];
        var options = new StoreOptions();
        MartenSetup.Configure(options, eventStore, NewPersonalDataProtection());
        return new DocumentStore(options);
    }

    public static Dictionary<string, string?> Settings(int snapshotEvery = 5) => new()
    {
        ["ConnectionStrings:Postgres"] = Postgres,
        ["ConnectionStrings:AzureStorage"] = AzureStorage,
        ["EventStore:Schema"] = Schema,
        ["EventStore:NumberKey"] = NumberKey,
        // One process, one configured key-encryption key: a rotation need not wait for other silos to see a new version.
        ["PersonalData:RotationGrace"] = "00:00:00",
        [$"PersonalData:PreviousKeyEncryptionKeys:{KeyEncryptionKeyVersion}"] = KeyEncryptionKey,
        ["Snapshots:Every"] = snapshotEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // A journal of the tests' own: deploy/run.sh on the same Azurite never replays the tests' reservations.
        ["Journal:Container"] = JournalContainer,
    };
}
