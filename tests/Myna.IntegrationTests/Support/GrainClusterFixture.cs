using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Myna.EventStore.Streams;
using Myna.Grains;
using Myna.Silo;
using Orleans.TestingHost;

namespace Myna.IntegrationTests.Support;

/// <summary>Two silos in this process on real PostgreSQL (events) and Azurite (snapshots). Snapshot every 5 events.</summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    public const int SnapshotEvery = 5;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Marten seen from outside the grains: a second writer, or an auditor's replay.</summary>
    public IEventStreamStore Store { get; private set; } = null!;

    private Marten.DocumentStore? _store;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ClusterId = "grains-" + Guid.NewGuid().ToString("N")[..8];
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(TestInfrastructure.Settings(SnapshotEvery));
            // Two silos: a terminal retired on one is refused on the other at once here (in production within
            // Eligibility:TerminalCacheSeconds; the silo hosting the institution sees it at once either way).
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Eligibility:TerminalCacheSeconds"] = "0" });
            host.Services.AddMynaGrainServices(host.Configuration);
            // Every grain writes through a store whose faults a test can arm (FaultyEventStreamStore).
            var real = host.Services.Last(d => d.ServiceType == typeof(IEventStreamStore) && !d.IsKeyedService);
            host.Services.Remove(real);
            host.Services.AddSingleton(real.ImplementationType!);
            host.Services.AddSingleton<IEventStreamStore>(sp => new FaultyEventStreamStore((IEventStreamStore)sp.GetRequiredService(real.ImplementationType!)));
        });
        builder.ConfigureSilo((_, silo) => silo.ConfigureMynaStorage(TestInfrastructure.AzureStorage));
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        _store = TestInfrastructure.CreateStore();
        Store = new MartenEventStreamStore(_store);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _store?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
