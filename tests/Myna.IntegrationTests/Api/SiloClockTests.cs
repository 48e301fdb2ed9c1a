using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Level 3: the tests' movable clock moves what Myna decides with, never Orleans' own loops. With one clock for both, an
/// activation-collection tick taken while a test had the clock 151 years ahead put the silo's next collection there, and
/// every later activation in the shared silo was refused with 500.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SiloClockTests(ApiFixture fixture)
{
    [Fact]
    public void Moving_the_silos_clock_years_ahead_leaves_orleans_activation_collection_on_real_time()
    {
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 151);

            Assert.True(fixture.SiloClock.GetUtcNow() - DateTimeOffset.UtcNow > TimeSpan.FromDays(366 * 150));
            var drift = fixture.SiloCollectionClock.GetUtcNow() - DateTimeOffset.UtcNow;
            Assert.True(drift.Duration() < TimeSpan.FromMinutes(1), $"Orleans' activation collection runs {drift} away from real time");
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }
    }
}
