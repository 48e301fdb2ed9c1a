using System.Security.Cryptography;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Clinics;

/// <summary>
/// Level 3: the institution grain on its own. Operators register institutions and their reception terminals;
/// each change is one event in the institution's stream, the public list follows in the same transaction
/// (a Marten projection), and nobody else can change an institution.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class InstitutionGrainTests(GrainClusterFixture fixture)
{
    private static CommandContext As(string role) => new(Guid.NewGuid(), Guid.NewGuid(), new Actor(role + "-1", role), role);

    private static string NewCode() => "27" + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string TerminalKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    private static RegisterInstitution Clinic => new("大阪テスト診療所", InstitutionKind.Clinic, "27", AcceptsCard: true);

    private Task<IReadOnlyList<Myna.EventStore.Streams.StoredEvent>> Stream(string code) =>
        fixture.Store.ReadAsync(StreamRef.ForInstitution(code).Key, 1);

    [Fact]
    public async Task An_operator_registers_an_institution_and_a_terminal_each_once_in_its_stream_and_the_public_list_follows_at_once()
    {
        var code = NewCode();
        var grain = fixture.Client.GetInstitution(code);

        var registered = await grain.Register(As("operator"), Clinic);
        var terminal = await grain.RegisterTerminal(As("operator"), new RegisterTerminal("desk-1", TerminalKey()));

        Assert.True(registered.IsSuccess, registered.Error?.Code);
        Assert.True(terminal.IsSuccess, terminal.Error?.Code);
        Assert.Equal(["institution_registered_v1", "terminal_registered_v1"], (await Stream(code)).Select(e => e.EventTypeName));
        Assert.Equal(2, terminal.Value!.Version);
        Assert.Equal([("desk-1", true)], terminal.Value.Terminals.Select(t => (t.TerminalId, t.Active)));
        // The list clinics and residents search is written with the events, not after them.
        var justBefore = (long.Parse(code, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        var listed = await fixture.Client.GetInstitutionDirectory().AcceptingCard("27", justBefore, limit: 1);
        Assert.Contains(listed, l => l.Code == code);
    }

    [Theory]
    [InlineData("municipality")]
    [InlineData("terminal")]
    [InlineData("insurer")]
    [InlineData("resident")]
    public async Task Nobody_but_an_operator_registers_or_changes_an_institution_and_a_refusal_writes_nothing(string role)
    {
        var code = NewCode();
        var grain = fixture.Client.GetInstitution(code);

        var refused = await grain.Register(As(role), Clinic);

        Assert.False(refused.IsSuccess);
        Assert.Equal("access.role-not-allowed", refused.Error!.Code);
        Assert.Empty(await Stream(code));

        Assert.True((await grain.Register(As("operator"), Clinic)).IsSuccess);
        var change = await grain.SetCardAcceptance(As(role), new SetCardAcceptance(false));
        Assert.Equal("access.role-not-allowed", change.Error!.Code);
        Assert.Single(await Stream(code));
        Assert.True((await grain.Get()).Value!.AcceptsCard);
    }

    [Fact]
    public async Task A_retried_command_answers_the_same_and_is_stored_once()
    {
        var code = NewCode();
        var grain = fixture.Client.GetInstitution(code);
        var command = As("operator");
        Assert.True((await grain.Register(As("operator"), Clinic)).IsSuccess);

        var terminal = new RegisterTerminal("desk-9", TerminalKey());
        var first = await grain.RegisterTerminal(command, terminal);
        var retried = await grain.RegisterTerminal(command, terminal);

        Assert.True(first.IsSuccess);
        Assert.True(retried.IsSuccess);
        Assert.Equal(first.Value!.Version, retried.Value!.Version);
        Assert.Equal(2, (await Stream(code)).Count);
    }

    [Fact]
    public async Task A_long_history_activates_from_its_snapshot_to_the_same_view()
    {
        var code = NewCode();
        var grain = fixture.Client.GetInstitution(code);
        Assert.True((await grain.Register(As("operator"), Clinic)).IsSuccess);
        for (var i = 1; i <= 6; i++)
        {
            Assert.True((await grain.RegisterTerminal(As("operator"), new RegisterTerminal($"desk-{i}", TerminalKey()))).IsSuccess);
        }
        Assert.True((await grain.RetireTerminal(As("operator"), new RetireTerminal("desk-3"))).IsSuccess);
        var before = (await grain.Get()).Value!;

        await fixture.Cluster.DeactivateAsync(grain);
        var after = (await grain.Get()).Value!;
        var info = await grain.GetStreamInfo();

        Assert.Equal(GrainClusterFixture.SnapshotEvery, info.ActivatedFromSnapshotVersion);
        Assert.Equal(3, info.EventsReplayedOnActivation);
        Assert.Null(info.SnapshotFallbackReason);
        Assert.Equal(8, after.Version);
        Assert.Equal(before.Terminals, after.Terminals);
        Assert.False(after.Terminals.Single(t => t.TerminalId == "desk-3").Active);
    }
}
