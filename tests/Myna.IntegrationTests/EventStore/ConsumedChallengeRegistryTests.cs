using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Myna.EventStore.Cards;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Consumed challenges are single-use, on the direct and the group-commit path alike, and their rows are purged
/// once the challenge has long expired.
/// </summary>
public sealed class ConsumedChallengeRegistryTests : IAsyncLifetime
{
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        _store = TestInfrastructure.CreateStore();
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_challenge_is_consumed_once_and_only_long_expired_rows_are_purged()
    {
        var registry = new MartenConsumedChallengeRegistry(_store);
        var now = DateTimeOffset.UtcNow;
        var expired = Guid.NewGuid();
        var live = Guid.NewGuid();
        var command = Guid.NewGuid();
        // Expired long before any other test's challenge: the purge boundary below touches no one else's rows.
        Assert.True(await registry.TryConsumeAsync(expired, "eligibility-check", now.AddYears(-30)));
        Assert.True(await registry.TryConsumeAsync(live, "eligibility-check", now.AddMinutes(5), command));
        Assert.False(await registry.TryConsumeAsync(live, "eligibility-check", now.AddMinutes(5)));
        Assert.True(await registry.TryConsumeAsync(live, "eligibility-check", now.AddMinutes(5), command));

        var purged = await registry.PurgeExpiredAsync(now.AddYears(-29));

        Assert.True(purged >= 1);
        await using var query = _store.QuerySession();
        Assert.Null(await query.LoadAsync<ConsumedChallenge>(expired));
        Assert.NotNull(await query.LoadAsync<ConsumedChallenge>(live));
        // A purged challenge is long refused by its own expiry; its row is gone, the live one still refuses a replay.
        Assert.False(await registry.TryConsumeAsync(live, "eligibility-check", now.AddMinutes(5)));
    }

    [Fact]
    public async Task In_a_group_commit_each_challenge_is_consumed_once_and_a_replay_never_fails_the_others()
    {
        await using var registry = new BatchingConsumedChallengeRegistry(_store, NullLogger<BatchingConsumedChallengeRegistry>.Instance);
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        var fresh = Enumerable.Range(0, 200).Select(_ => (Id: Guid.NewGuid(), Command: Guid.NewGuid())).ToList();
        var replayed = Guid.NewGuid();

        // 200 different challenges at once: all consumed, in shared transactions (fewer commits than challenges).
        Assert.All(await Task.WhenAll(fresh.Select(c => registry.TryConsumeAsync(c.Id, "eligibility-check", expires, c.Command))), Assert.True);
        Assert.True(registry.Counters.Transactions < fresh.Count, $"{registry.Counters}");
        // One challenge raced by 10 different commands at once: exactly one wins.
        var raced = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => registry.TryConsumeAsync(replayed, "eligibility-check", expires, Guid.NewGuid())));
        Assert.Single(raced, won => won);
        // The consuming command's retry is accepted again; any other command is refused.
        Assert.True(await registry.TryConsumeAsync(fresh[0].Id, "eligibility-check", expires, fresh[0].Command));
        Assert.False(await registry.TryConsumeAsync(fresh[0].Id, "eligibility-check", expires, Guid.NewGuid()));
        await using var query = _store.QuerySession();
        var rows = await query.LoadManyAsync<ConsumedChallenge>(fresh.Select(c => c.Id));
        Assert.Equal(fresh.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(fresh.Single(c => c.Id == r.Id).Command, r.ConsumedBy));
    }
}
