namespace Myna.Api.Hosting;

/// <summary>At start-up the API waits for a gateway (silos may still be starting) instead of exiting at once.</summary>
internal sealed class StartupConnectionRetry(OrleansClientOptions options, ILogger<StartupConnectionRetry> logger) : IClientConnectionRetryFilter
{
    private readonly DateTimeOffset _giveUpAt = DateTimeOffset.UtcNow.AddSeconds(options.ConnectRetrySeconds);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow >= _giveUpAt)
        {
            return false;
        }
        logger.LogInformation("No Orleans gateway yet ({Exception}); retrying", exception.GetType().Name);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }
}
