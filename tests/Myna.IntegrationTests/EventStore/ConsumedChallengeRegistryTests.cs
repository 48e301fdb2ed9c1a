using Marten;
using Myna.EventStore.Cards;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>Consumed challenges are single-use, and their rows are purged once the challenge has long expired.</summary>
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
}
