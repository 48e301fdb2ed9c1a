using System.Security.Cryptography;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Domain.Tests.Cards;

/// <summary>Expiry notices and the remote re-issue after a suspension campaign.</summary>
public class CardAftercareSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private static readonly CardId Id = new(Guid.Parse("0193a5b0-0000-7000-8000-00000000c0de"));
    private static readonly PersonId Holder = new(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"));
    private static readonly Guid Campaign = Guid.Parse("0193a5b0-0000-7000-8000-0000000ca4a1");
    private static readonly Actor FanOut = new("operator-campaign", "system");

    private static string Key(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    private static ChipProof Signed(ECDsa key)
    {
        var challenge = RandomNumberGenerator.GetBytes(32);
        return new ChipProof(challenge, key.SignData(challenge, HashAlgorithmName.SHA256));
    }

    private static CardState Active(ECDsa user, ECDsa signature)
    {
        var ready = AggregateState.Fold(CardState.Initial, new ICardEvent[]
        {
            new CardApplied(Id, Holder, new DateOnly(1990, 4, 1), ApplicationChannel.Counter, false, false, false, 0, new DateOnly(2026, 9, 1), Now.AddDays(-80), Clerk),
            new CardProduced(Id, "B", Now.AddDays(-40), Clerk),
            new CardReadyForPickup(Id, new MunicipalityCode("131016"), Now.AddDays(-10), Clerk),
        });
        return AggregateState.Fold(ready, CardDecider.HandOver(ready, new HandOverCard(null, true, Key(user), Key(signature), Signed(user), Signed(signature)), new CertificateSerials("U-1", "S-1"), Now, Clerk).Events);
    }

    [Fact]
    public void Notices_follow_the_clock_and_are_sent_once_per_expiry()
    {
        using var user = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signature = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var state = Active(user, signature);
        var certificateUntil = state.Live(CertificateKind.UserAuthentication)!.ValidUntil;
        var windowOpens = certificateUntil.AddMonths(-3);

        Assert.Empty(CardRules.Notices(state, windowOpens.AddDays(-1)));
        Assert.Equal(windowOpens, CardRules.NextNoticeDue(state));
        var sent = CardDecider.SendDueNotices(state, windowOpens, Now, Clerk);
        var after = AggregateState.Fold(state, sent.Events);

        Assert.Equal(CardRules.CertificateRenewalNotice, Assert.IsType<CardExpiryNoticeSent>(Assert.Single(sent.Events)).Kind);
        Assert.Empty(CardDecider.SendDueNotices(after, windowOpens.AddDays(1), Now, Clerk).Events);
        Assert.Equal(CardValidity.RenewalOpensOn(state.ExpiresOn!.Value), CardRules.NextNoticeDue(after));
        Assert.Equal(CardRules.CertificateExpiredNotice, Assert.Single(CardRules.Notices(after, certificateUntil.AddDays(1))).Kind);
        Assert.Equal(CardRules.CardExpiredNotice, Assert.Single(CardRules.Notices(after, state.ExpiresOn!.Value.AddDays(1))).Kind);
    }

    [Fact]
    public void Only_a_campaign_suspension_is_remedied_remotely_with_the_old_key_and_new_keys()
    {
        using var user = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signature = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newUser = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newSignature = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var active = Active(user, signature);
        var byCampaign = AggregateState.Fold(active, CardDecider.SuspendForCampaign(active, new SuspendCardForCampaign(Campaign, "chip vulnerability"), Now, FanOut).Events);
        var lost = AggregateState.Fold(active, [new CardSuspended(Id, "lost", Now, Clerk)]);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var proof = user.SignData(challenge, HashAlgorithmName.SHA256);
        var serials = new CertificateSerials("U-2", "S-2");
        RemedyAfterCampaign Remedy(byte[] sig, string userKey) => new("U-1", challenge, sig, userKey, Key(newSignature),
            newUser.SignData(challenge, HashAlgorithmName.SHA256), newSignature.SignData(challenge, HashAlgorithmName.SHA256));

        var remedied = CardDecider.RemedyAfterCampaign(byCampaign, Remedy(proof, Key(newUser)), serials, campaignCovers: true, Now, Clerk);
        var state = AggregateState.Fold(byCampaign, remedied.Events);

        Assert.Equal(Campaign, byCampaign.SuspendingCampaign);
        Assert.Equal(CardStatus.Active, state.Status);
        Assert.Equal("U-2", state.Live(CertificateKind.UserAuthentication)!.Serial);
        Assert.Equal("S-2", state.Live(CertificateKind.Signature)!.Serial);
        Assert.Equal(active.Live(CertificateKind.UserAuthentication)!.ValidUntil, state.Live(CertificateKind.UserAuthentication)!.ValidUntil);
        Assert.Equal("card.not-suspended-by-campaign", CardDecider.RemedyAfterCampaign(lost, Remedy(proof, Key(newUser)), serials, true, Now, Clerk).Error?.Code);
        Assert.Equal("card.campaign-does-not-cover", CardDecider.RemedyAfterCampaign(byCampaign, Remedy(proof, Key(newUser)), serials, false, Now, Clerk).Error?.Code);
        Assert.Equal("auth.signature-invalid", CardDecider.RemedyAfterCampaign(byCampaign, Remedy(newUser.SignData(challenge, HashAlgorithmName.SHA256), Key(newUser)), serials, true, Now, Clerk).Error?.Code);
        Assert.Equal("card.key-reused", CardDecider.RemedyAfterCampaign(byCampaign, Remedy(proof, Key(user)), serials, true, Now, Clerk).Error?.Code);
        // Invariant 19: new keys that did not sign the challenge, or signed by another key, are not accepted.
        Assert.Equal("card.key-not-proven", CardDecider.RemedyAfterCampaign(byCampaign,
            new RemedyAfterCampaign("U-1", challenge, proof, Key(newUser), Key(newSignature)), serials, true, Now, Clerk).Error?.Code);
        Assert.Equal("card.key-not-proven", CardDecider.RemedyAfterCampaign(byCampaign, Remedy(proof, Key(newUser)) with
            { SignatureKeySignature = newUser.SignData(challenge, HashAlgorithmName.SHA256) }, serials, true, Now, Clerk).Error?.Code);
    }

    [Fact]
    public void A_campaign_id_is_never_read_out_of_a_reason_typed_by_a_person()
    {
        using var user = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signature = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newUser = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var active = Active(user, signature);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var remedy = new RemedyAfterCampaign("U-1", challenge, user.SignData(challenge, HashAlgorithmName.SHA256), Key(newUser), Key(newUser),
            newUser.SignData(challenge, HashAlgorithmName.SHA256), newUser.SignData(challenge, HashAlgorithmName.SHA256));
        var forged = AggregateState.Fold(active, [new CardSuspended(Id, $"campaign {Campaign:D}: lost on the train", Now, new Actor("cc-1", "call-centre"))]);
        var legacy = AggregateState.Fold(active, [new CardSuspended(Id, $"campaign {Campaign:D}: chip vulnerability", Now, new Actor(CardState.LegacyCampaignSubject, "operator"))]);

        Assert.Null(forged.CampaignToVerify);
        Assert.Equal("card.not-suspended-by-campaign", CardDecider.RemedyAfterCampaign(forged, remedy, new("U-2", "S-2"), campaignCovers: true, Now, Clerk).Error?.Code);
        // A legacy campaign suspension is only a claim: it counts when the campaign's own stream lists the card.
        Assert.Null(legacy.SuspendingCampaign);
        Assert.Equal(Campaign, legacy.CampaignToVerify);
        Assert.Equal("card.campaign-does-not-cover", CardDecider.RemedyAfterCampaign(legacy, remedy, new("U-2", "S-2"), campaignCovers: false, Now, Clerk).Error?.Code);
        Assert.Null(CardDecider.RemedyAfterCampaign(legacy, remedy, new("U-2", "S-2"), campaignCovers: true, Now, Clerk).Error);
        Assert.Equal("card.already-suspended", CardDecider.SuspendForCampaign(forged, new SuspendCardForCampaign(Campaign, "x"), Now, FanOut).Error?.Code);
        Assert.Equal("card.invalid-campaign", CardDecider.SuspendForCampaign(active, new SuspendCardForCampaign(Guid.Empty, "x"), Now, FanOut).Error?.Code);
    }
}
