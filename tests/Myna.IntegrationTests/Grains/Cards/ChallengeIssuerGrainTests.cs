using System.Security.Cryptography;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Cards;

/// <summary>
/// Level 3: the challenge issuer on its own (invariant 18). It decides who may have which sealed challenge:
/// anonymous callers get portal-login, relying-party and remote re-issue challenges only; a reception terminal
/// gets eligibility-check challenges for itself only while it is registered and active; a clerk gets counter
/// challenges only on a card their municipality manages.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ChallengeIssuerGrainTests(GrainClusterFixture fixture)
{
    private static readonly MunicipalityCode Chiyoda = GrainWorld.Chiyoda;

    private static CommandContext Clerk(string municipality) => GrainWorld.Clerk(municipality);

    private static CommandContext Operator() => GrainWorld.Operator();

    private static CommandContext Terminal(string institution, string terminal) =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor(terminal, "terminal"), "terminal") { Scope = new ActorScope(Institution: institution, Terminal: terminal) };

    [Theory]
    [InlineData("portal-login", null, "portal")]
    [InlineData("portal-login", "portal", "portal")]
    [InlineData("relying-party", "relying-party:bank-a", "relying-party:bank-a")]
    [InlineData("key-proof", "remote-reissue", "remote-reissue")]
    public async Task Anonymous_callers_get_portal_relying_party_and_remote_reissue_challenges(string purpose, string? audience, string sealedFor)
    {
        var issued = await fixture.Client.GetChallengeIssuer().IssuePublic(purpose, audience);

        Assert.True(issued.IsSuccess, issued.Error?.Code);
        Assert.Equal(purpose, issued.Value!.Purpose);
        Assert.Equal(sealedFor, issued.Value.Audience);
    }

    [Theory]
    [InlineData("eligibility-check", "institution:1310000001/terminal:desk-1")]
    [InlineData("portal-login", "kiosk:7-eleven-1")]
    [InlineData("relying-party", "relying-party:")]
    [InlineData("key-proof", "counter:131016")]
    [InlineData("counter-presence", "counter:131016")]
    [InlineData("kiosk-binding", "kiosk:7-eleven-1")]
    public async Task Anonymous_callers_never_get_a_challenge_another_route_would_accept(string purpose, string audience)
    {
        var refused = await fixture.Client.GetChallengeIssuer().IssuePublic(purpose, audience);

        Assert.False(refused.IsSuccess);
        Assert.Equal("challenge.purpose-not-allowed", refused.Error!.Code);
    }

    [Fact]
    public async Task A_terminal_gets_eligibility_challenges_for_itself_only_while_registered_and_active()
    {
        var code = "13" + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var issuer = fixture.Client.GetChallengeIssuer();
        Assert.Equal("terminal.unknown", (await issuer.IssueForTerminal(Terminal(code, "desk-1"))).Error!.Code);

        var institution = fixture.Client.GetInstitution(code);
        Assert.True((await institution.Register(Operator(), new RegisterInstitution("千代田テスト病院", InstitutionKind.Hospital, "13", true))).IsSuccess);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.True((await institution.RegisterTerminal(Operator(), new RegisterTerminal("desk-1", Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())))).IsSuccess);

        var issued = await issuer.IssueForTerminal(Terminal(code, "desk-1"));
        Assert.True(issued.IsSuccess, issued.Error?.Code);
        Assert.Equal("eligibility-check", issued.Value!.Purpose);
        Assert.Equal($"institution:{code}/terminal:desk-1", issued.Value.Audience);
        Assert.Equal("terminal.unknown", (await issuer.IssueForTerminal(Terminal(code, "desk-2"))).Error!.Code);

        Assert.True((await institution.RetireTerminal(Operator(), new RetireTerminal("desk-1"))).IsSuccess);
        Assert.Equal("terminal.unknown", (await issuer.IssueForTerminal(Terminal(code, "desk-1"))).Error!.Code);
    }

    [Fact]
    public async Task A_clerk_gets_counter_challenges_only_on_a_card_their_municipality_manages()
    {
        var person = PersonId.New();
        Assert.True((await fixture.Client.GetPerson(person).Register(Clerk(Chiyoda.Value),
            new RegisterPerson(new BasicFourItems("山田 一郎", "東京都千代田区1-1", new DateOnly(1970, 1, 1), Sex.Male), Chiyoda, RegistrationReason.Birth))).IsSuccess);
        var card = CardId.New();
        Assert.True((await fixture.Client.GetCard(card).Apply(Clerk(Chiyoda.Value), new ApplyForCard(person, ApplicationChannel.PaperForm, false, false, false))).IsSuccess);
        var issuer = fixture.Client.GetChallengeIssuer();

        var issued = await issuer.IssueForCounter(Clerk(Chiyoda.Value), card, "counter-presence");
        var otherCity = await issuer.IssueForCounter(Clerk("271004"), card, "counter-presence");
        var wrongPurpose = await issuer.IssueForCounter(Clerk(Chiyoda.Value), card, "portal-login");

        Assert.True(issued.IsSuccess, issued.Error?.Code);
        Assert.Equal("counter:131016", issued.Value!.Audience);
        Assert.Equal("access.other-municipality", otherCity.Error!.Code);
        Assert.Equal("challenge.invalid-purpose", wrongPurpose.Error!.Code);
    }
}
