using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Myna.EventStore.Maintenance;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.Grains.Clinics;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Clinics;

/// <summary>
/// Level 3: the terminal registry every clinic check reads from warm state, over the institution grain. What it
/// may serve stale, and for how long, is the documented bound: a change is seen at once where the institution
/// grain forgets its entry (its own silo), elsewhere when the entry expires.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class TerminalRegistryTests(GrainClusterFixture fixture)
{
    private static readonly CommandContext Operator = new(Guid.NewGuid(), Guid.NewGuid(), new Actor("operator-1", "operator"), "operator");

    private static CommandContext NewOperatorCommand() => Operator with { CommandId = Guid.NewGuid() };

    private async Task<string> RegisteredInstitutionAsync()
    {
        var code = "14" + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var grain = fixture.Client.GetInstitution(code);
        Assert.True((await grain.Register(NewOperatorCommand(), new RegisterInstitution("横浜テスト診療所", InstitutionKind.Clinic, "14", true))).IsSuccess);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.True((await grain.RegisterTerminal(NewOperatorCommand(), new RegisterTerminal("desk-1", Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())))).IsSuccess);
        return code;
    }

    private TerminalRegistry Registry(int seconds) =>
        new(fixture.Client, Options.Create(new EligibilityOptions { TerminalCacheSeconds = seconds }), TimeProvider.System);

    [Fact]
    public async Task A_warm_entry_serves_until_forgotten_and_without_a_cache_every_read_asks_the_grain()
    {
        var code = await RegisteredInstitutionAsync();
        var warm = Registry(seconds: 60);
        var uncached = Registry(seconds: 0);
        Assert.True((await warm.FindAsync(code))!.Terminals.Single().Active);

        Assert.True((await fixture.Client.GetInstitution(code).RetireTerminal(NewOperatorCommand(), new RetireTerminal("desk-1"))).IsSuccess);

        // Within its lifetime the warm copy still says active: that is the documented bound on another silo.
        Assert.True((await warm.FindAsync(code))!.Terminals.Single().Active);
        Assert.False((await uncached.FindAsync(code))!.Terminals.Single().Active);
        // What the institution grain does on its own silo after every change: the next read asks the grain.
        warm.Forget(code);
        Assert.False((await warm.FindAsync(code))!.Terminals.Single().Active);
    }

    [Fact]
    public async Task An_unknown_institution_is_never_remembered_so_a_registration_works_at_once()
    {
        var code = "14" + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var warm = Registry(seconds: 60);
        Assert.Null(await warm.FindAsync(code));

        Assert.True((await fixture.Client.GetInstitution(code).Register(NewOperatorCommand(), new RegisterInstitution("横浜テスト診療所", InstitutionKind.Clinic, "14", true))).IsSuccess);

        Assert.Equal(code, (await warm.FindAsync(code))!.Code);
    }
}

/// <summary>Background scans rest their share only while reception desks are busy (isolation); idle, they run at full speed.</summary>
public sealed class BackgroundBudgetTests
{
    [Fact]
    public async Task A_scan_rests_only_while_the_foreground_was_active_within_the_quiet_period()
    {
        var budget = new BackgroundBudget(Options.Create(new BackgroundOptions { ShareWhileBusy = 0.5, QuietMilliseconds = 60_000 }), TimeProvider.System);

        await budget.PaceAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None);
        Assert.False(budget.ForegroundBusy);
        Assert.Equal(0, budget.Rests);

        budget.ForegroundActive();
        await budget.PaceAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None);

        Assert.True(budget.ForegroundBusy);
        Assert.Equal(1, budget.Rests);
    }

    [Fact]
    public async Task With_the_whole_share_a_scan_never_rests()
    {
        var budget = new BackgroundBudget(Options.Create(new BackgroundOptions { ShareWhileBusy = 1.0 }), TimeProvider.System);
        budget.ForegroundActive();

        await budget.PaceAsync(TimeSpan.FromMilliseconds(5), CancellationToken.None);

        Assert.Equal(0, budget.Rests);
    }
}
