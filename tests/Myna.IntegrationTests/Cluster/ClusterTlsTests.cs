using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Myna.Observability;
using Myna.IntegrationTests.Support;
using Myna.Silo;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Myna.IntegrationTests.Cluster;

/// <summary>
/// Issue 17: with Cluster:Tls, silos talk to each other and clients reach the gateways over mutual TLS (Orleans'
/// TLS connection support) with a self-signed certificate: two silos form a cluster, a client holding the cluster
/// certificate calls them, and a client without TLS or with an untrusted certificate gets nowhere.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private readonly string _clusterId = "tls-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _directory = Directory.CreateTempSubdirectory("myna-tls-").FullName;
    private readonly List<IHost> _hosts = [];
    private string _trusted = string.Empty;
    private string _untrusted = string.Empty;
    private string _thumbprint = string.Empty;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        (_trusted, _thumbprint) = Certificate("myna-cluster");
        (_untrusted, _) = Certificate("somebody-else");
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                // A client that never connected may not stop cleanly; the silos below must.
            }
            host.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    private (string Path, string Thumbprint) Certificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var path = Path.Combine(_directory, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "tls-test"));
        return (path, certificate.Thumbprint);
    }

    private Dictionary<string, string?> Tls(string certificate) => new()
    {
        ["Cluster:Tls:Enabled"] = "true",
        ["Cluster:Tls:CertificatePath"] = certificate,
        ["Cluster:Tls:CertificatePassword"] = "tls-test",
        ["Cluster:Tls:TrustedThumbprints:0"] = _thumbprint,
    };

    private async Task StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(TestInfrastructure.Settings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Clustering"] = "AzureTable",
            ["Cluster:ClusterId"] = _clusterId,
            ["Cluster:ServiceId"] = "myna-tls-tests",
            ["Cluster:SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
        });
        builder.Configuration.AddInMemoryCollection(Tls(_trusted));
        builder.AddMynaSilo();
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
    }

    private async Task<IClusterClient> ClientAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = "myna-tls-tests";
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(TestInfrastructure.AzureStorage));
            client.UseMynaTls(builder.Configuration);
            // Fail fast: a refused handshake is the answer, not something to wait out.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return host.Services.GetRequiredService<IClusterClient>();
    }

    [Fact]
    public async Task Silos_and_clients_with_the_cluster_certificate_talk_over_tls_and_nothing_else_gets_in()
    {
        await StartSiloAsync();
        await StartSiloAsync();

        var client = await ClientAsync(Tls(_trusted));
        // Both silos Active: they probe each other over their TLS silo ports.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        Dictionary<SiloAddress, SiloStatus> hosts;
        while ((hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < 2)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Only {hosts.Count} silo(s) active after 60 s.");
            await Task.Delay(250);
        }
        Assert.Equal(2, hosts.Count);
        Assert.True((await client.GetGrain<IManagementGrain>(0).GetRuntimeStatistics([.. hosts.Keys])).Length == 2);

        // Without TLS, or with a certificate the cluster does not trust, a client never connects.
        await Assert.ThrowsAnyAsync<Exception>(() => ClientAsync([]));
        var untrusted = Tls(_untrusted);
        await Assert.ThrowsAnyAsync<Exception>(() => ClientAsync(untrusted));
    }
}
