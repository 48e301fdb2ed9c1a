namespace Myna.IntegrationTests.Support;

/// <summary>The real clock plus an offset a test can move, to see what the system does years from now.</summary>
public sealed class TestClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
