using System.Text;
using Myna.Domain.Cards;

namespace Myna.Domain.Tests.Cards;

/// <summary>Invariant 18: a sealed challenge is accepted only for its purpose and audience, unexpired and untampered.</summary>
public class SealedChallengeSpecs
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-test-key-of-at-least-thirty-two-bytes!");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private const string Terminal = "institution:1312345678/terminal:T-1";

    private static SealedChallenge Sealed(ChallengePurpose purpose = ChallengePurpose.EligibilityCheck, string audience = Terminal) =>
        SealedChallenge.Seal(purpose, audience, Now + SealedChallenge.Lifetime, Nonce, Key);

    [Fact]
    public void The_payload_is_the_documented_text()
    {
        var text = Encoding.UTF8.GetString(Sealed().Payload);
        var lines = text.Split('\n');
        Assert.Equal(6, lines.Length);
        Assert.Equal(["myna-challenge/1", "eligibility-check", Terminal, (Now + SealedChallenge.Lifetime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)], lines[..4]);
        Assert.Equal("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", lines[4]);
        Assert.Equal(43, lines[5].Length);
        Assert.False(text.EndsWith('\n'));
    }

    [Fact]
    public void A_sealed_challenge_opens_and_is_accepted_for_its_purpose_and_audience()
    {
        var opened = SealedChallenge.Open(Sealed().Payload, Key);
        Assert.NotNull(opened);
        Assert.Null(SealedChallenge.Accept(opened, ChallengePurpose.EligibilityCheck, Terminal, Now));
        Assert.Equal(new Guid(Nonce.AsSpan(0, 16)), opened!.Id);
    }

    [Theory]
    [InlineData(ChallengePurpose.PortalLogin, Terminal)]
    [InlineData(ChallengePurpose.EligibilityCheck, "institution:1312345678/terminal:T-2")]
    [InlineData(ChallengePurpose.KioskBinding, "kiosk:K-1")]
    public void It_is_refused_for_another_purpose_or_audience(ChallengePurpose purpose, string audience)
    {
        var refused = SealedChallenge.Accept(SealedChallenge.Open(Sealed().Payload, Key), purpose, audience, Now);
        Assert.Equal("auth.challenge-wrong-purpose", refused?.Code);
    }

    [Fact]
    public void It_is_refused_after_its_expiry()
    {
        var refused = SealedChallenge.Accept(SealedChallenge.Open(Sealed().Payload, Key), ChallengePurpose.EligibilityCheck, Terminal,
            Now + SealedChallenge.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal("auth.challenge-invalid", refused?.Code);
    }

    [Fact]
    public void A_payload_changed_in_any_line_or_sealed_by_another_key_does_not_open()
    {
        var text = Encoding.UTF8.GetString(Sealed().Payload);
        var relabelled = text.Replace("eligibility-check", "portal-login").Replace(Terminal, "portal");
        Assert.Null(SealedChallenge.Open(Encoding.UTF8.GetBytes(relabelled), Key));
        Assert.Null(SealedChallenge.Open(Encoding.UTF8.GetBytes(text + "\n"), Key));
        Assert.Null(SealedChallenge.Open(Sealed().Payload, Encoding.UTF8.GetBytes("another-key-of-at-least-thirty-two-bytes")));
        Assert.Null(SealedChallenge.Open(Nonce, Key));
        Assert.Null(SealedChallenge.Open([], Key));
    }
}
