using System.Net;
using System.Text.Json;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Api;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Cluster;

/// <summary>
/// Failure tests on a real cluster of three silo processes under a steady load of commands and reads:
/// a silo killed, PostgreSQL stopped, Azurite stopped, a rolling restart with SIGTERM. Each test heals what
/// it broke (in finally) and afterwards checks from the event store that no accepted command was lost or
/// applied twice and that the invariants the load touches hold. Nothing here asserts a duration: waits are
/// bounded only so that a broken cluster fails the test instead of hanging it.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class FailureTests(ProcessClusterFixture cluster, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_one_of_three_silos_loses_no_command_and_callers_see_only_retriable_errors()
    {
        await EnsureHealthyAsync();
        var load = CommandLoad.Start(cluster);
        try
        {
            await WaitForAcceptedAsync(load, 10);

            var killedAt = DateTime.UtcNow;
            cluster.Silo(1).Kill();
            await cluster.WaitForActiveSilosAsync(2);
            // Grains of the dead silo reactivate on the two others: new commands are accepted again.
            await WaitForAcceptedAsync(load, load.AcceptedCount + 15);
            // The failover figures (issue: the national peak), printed with the test's output, never asserted.
            await Task.Delay(TimeSpan.FromSeconds(3));
            output.WriteLine(load.FailoverFigures(killedAt));
            Console.WriteLine(load.FailoverFigures(killedAt));
        }
        finally
        {
            await load.StopAsync(Drain);
            await RestartDeadSilosAsync();
        }

        AssertCallersSawOnlyRetriableErrors(load);
        Assert.All(load.Commands, c => Assert.True(c.Accepted, $"{c.Kind} {c.Key} was never accepted"));
        await EventStoreAudit.AssertConsistentAsync(cluster.Postgres, cluster.AzureStorage, load.Commands);
    }

    [Fact]
    public async Task PostgreSQL_down_for_ten_seconds_fails_commands_clearly_and_they_succeed_after_without_restarts()
    {
        await EnsureHealthyAsync();
        var pids = Enumerable.Range(0, ProcessClusterFixture.SiloCount).Select(i => cluster.Silo(i).Pid).ToList();
        using var health = cluster.Api.CreateClient();
        var load = CommandLoad.Start(cluster);
        HttpResponseMessage? whileDown = null;
        try
        {
            await WaitForAcceptedAsync(load, 10);

            await cluster.StopPostgresAsync();
            var downSince = DateTime.UtcNow;
            whileDown = await WaitForHealthAsync(health, HttpStatusCode.ServiceUnavailable);
            var remaining = TimeSpan.FromSeconds(10) - (DateTime.UtcNow - downSince);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }
        }
        finally
        {
            await cluster.StartPostgresAsync();
        }
        try
        {
            await WaitForHealthAsync(health, HttpStatusCode.OK);
            await WaitForAcceptedAsync(load, load.AcceptedCount + 10);
        }
        finally
        {
            await load.StopAsync(Drain);
        }

        // /health said which store was down.
        var report = await whileDown.Json();
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        // Commands failed clearly while it was down, then every one of them went through.
        Assert.Contains(load.Outcomes, o => o.Status == HttpStatusCode.ServiceUnavailable);
        AssertCallersSawOnlyRetriableErrors(load);
        Assert.All(load.Commands, c => Assert.True(c.Accepted, $"{c.Kind} {c.Key} was never accepted"));
        // No silo was restarted to get there.
        Assert.Equal(pids, Enumerable.Range(0, ProcessClusterFixture.SiloCount).Select(i => cluster.Silo(i).Pid));
        Assert.All(Enumerable.Range(0, ProcessClusterFixture.SiloCount), i => Assert.False(cluster.Silo(i).HasExited));
        await EventStoreAudit.AssertConsistentAsync(cluster.Postgres, cluster.AzureStorage, load.Commands);
    }

    [Fact]
    public async Task Azurite_down_briefly_keeps_grains_serving_and_activation_falls_back_to_replay()
    {
        await EnsureHealthyAsync();
        var clerk = cluster.Clerk("snapshot-clerk");
        // A person with more events than the snapshot interval: a snapshot is in Azure Table storage.
        var id = (await (await clerk.PostJson("/v1/persons", ApiJson.Hanako)).Json()).Str("id");
        for (var i = 0; i < ProcessClusterFixture.SnapshotEvery; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress = $"東京都港区{i + 1}-1", movedOn = "2026-11-01" })).StatusCode);
        }
        var person = cluster.Grains.GetPerson(new PersonId(Guid.Parse(id)));
        // Deactivate every idle grain so that the next call must activate this person again.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        CommandLoad? load = null;
        StreamInfo info;
        HttpStatusCode readWhileDown;
        await cluster.StopAzuriteAsync();
        try
        {
            load = CommandLoad.Start(cluster);
            readWhileDown = await ReadRetryingAsync(clerk, $"/v1/persons/{id}");
            info = await person.GetStreamInfo();
            // New persons need a personal data key from Azure Storage: their commands answer 503 meanwhile.
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await cluster.StartAzuriteAsync();
        }
        try
        {
            await WaitForAcceptedAsync(load, 10);
        }
        finally
        {
            await load.StopAsync(Drain);
        }

        Assert.Equal(HttpStatusCode.OK, readWhileDown);
        Assert.Null(info.ActivatedFromSnapshotVersion);
        Assert.StartsWith("snapshot unreadable", info.SnapshotFallbackReason);
        Assert.True(info.Version > ProcessClusterFixture.SnapshotEvery, "the person's whole stream was replayed");
        AssertCallersSawOnlyRetriableErrors(load);
        Assert.All(load.Commands, c => Assert.True(c.Accepted, $"{c.Kind} {c.Key} was never accepted"));
        await EventStoreAudit.AssertConsistentAsync(cluster.Postgres, cluster.AzureStorage, load.Commands);
    }

    [Fact]
    public async Task A_rolling_restart_with_SIGTERM_under_load_loses_nothing_and_each_silo_leaves_cleanly()
    {
        await EnsureHealthyAsync();
        var load = CommandLoad.Start(cluster);
        var exitCodes = new List<int>();
        var leftCleanly = new List<string>();
        try
        {
            await WaitForAcceptedAsync(load, 10);
            for (var i = 0; i < ProcessClusterFixture.SiloCount; i++)
            {
                var silo = cluster.Silo(i);
                exitCodes.Add(await silo.TerminateAsync(TimeSpan.FromSeconds(60)));
                leftCleanly.Add(await LeftMembershipCleanlyAsync(silo.SiloPort));
                await cluster.StartSiloAsync(i);
                await cluster.WaitForActiveSilosAsync(ProcessClusterFixture.SiloCount);
                await WaitForAcceptedAsync(load, load.AcceptedCount + 5);
            }
        }
        finally
        {
            await load.StopAsync(Drain);
            await RestartDeadSilosAsync();
        }

        // SIGTERM: the host stopped Orleans gracefully (exit code 0) and the silo marked itself Dead in the
        // membership table instead of being voted out by the others after failed probes.
        Assert.Equal([0, 0, 0], exitCodes);
        Assert.Equal(["Dead by its own hand", "Dead by its own hand", "Dead by its own hand"], leftCleanly);
        AssertCallersSawOnlyRetriableErrors(load);
        Assert.All(load.Commands, c => Assert.True(c.Accepted, $"{c.Kind} {c.Key} was never accepted"));
        await EventStoreAudit.AssertConsistentAsync(cluster.Postgres, cluster.AzureStorage, load.Commands);
    }

    /// <summary>503 with Retry-After and a stable code is the only failure a caller may see; never a 500.</summary>
    private static void AssertCallersSawOnlyRetriableErrors(CommandLoad load)
    {
        Assert.All(load.Outcomes, o =>
        {
            Assert.Null(o.TransportError);
            Assert.True(o.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable,
                $"{o.Kind} answered {(int?)o.Status} {o.Code}");
            if (o.Status == HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(o.RetryAfter, "503 without Retry-After");
                Assert.True(o.Code is "service.unavailable" or "store.unavailable", $"503 with code {o.Code}");
            }
        });
    }

    /// <summary>
    /// Whether the stopped silo marked itself Dead in the membership table. Read from the table itself, not
    /// through a silo: the one the test just stopped may still be the client's gateway.
    /// </summary>
    private async Task<string> LeftMembershipCleanlyAsync(int siloPort)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "not found";
        while (DateTime.UtcNow < deadline)
        {
            var entry = (await cluster.ReadMembershipAsync()).Where(h => h.Port == siloPort).MaxBy(h => h.Generation);
            last = entry is null ? "not found" : $"{entry.Status}, suspected by {entry.Suspicions}";
            if (entry is { Status: "Dead" })
            {
                // Declared dead by itself: fewer suspicions than the two votes other silos need to declare a
                // crashed silo dead (a probe may fail in the moment between closing its sockets and the write).
                return entry.Suspicions < 2 ? "Dead by its own hand" : last;
            }
            await Task.Delay(250);
        }
        return last;
    }

    private async Task EnsureHealthyAsync()
    {
        await RestartDeadSilosAsync();
        await cluster.WaitForActiveSilosAsync(ProcessClusterFixture.SiloCount);
    }

    private async Task RestartDeadSilosAsync()
    {
        for (var i = 0; i < ProcessClusterFixture.SiloCount; i++)
        {
            if (cluster.Silo(i).HasExited)
            {
                await cluster.StartSiloAsync(i);
            }
        }
        await cluster.WaitForActiveSilosAsync(ProcessClusterFixture.SiloCount);
    }

    /// <summary>A caller's read: on 503 it retries (bounded), as Retry-After invites it to.</summary>
    private static async Task<HttpStatusCode> ReadRetryingAsync(HttpClient client, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = (await client.GetAsync(url)).StatusCode;
            if (status != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return status;
            }
            await Task.Delay(500);
        }
    }

    private static async Task WaitForAcceptedAsync(CommandLoad load, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (load.AcceptedCount < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {load.AcceptedCount} of {count} commands accepted in 90 s");
            await Task.Delay(200);
        }
    }

    private static async Task<HttpResponseMessage> WaitForHealthAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var response = await client.GetAsync("/health");
            if (response.StatusCode == expected)
            {
                return response;
            }
            Assert.True(DateTime.UtcNow < deadline, $"/health stayed {(int)response.StatusCode}, expected {(int)expected}");
            await Task.Delay(500);
        }
    }
}
