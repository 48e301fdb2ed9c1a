using Myna.EventStore.Certificates;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Cards;

// Stateless and reentrant: one activation interleaves every call, so a call awaiting PostgreSQL never holds up
// the next (a non-reentrant worker caps a silo at one call per core in flight).
[StatelessWorker, Reentrant]
public sealed class CertificateServiceGrain(ICertificateIndex index, ChallengeSealer sealer) : Grain, ICertificateServiceGrain
{
    private static readonly DomainError UnknownCertificate =
        DomainError.Unauthenticated("auth.certificate-unknown", "No certificate with this serial was issued.");

    public async Task<Result<AuthenticatedHolder>> AuthenticateSealed(byte[] payload, string purpose, string audience, string serial, byte[] signature)
    {
        if (!Myna.Domain.Cards.SealedChallenge.TryParsePurpose(purpose, out var expected))
        {
            return Myna.Domain.Cards.SealedChallenge.WrongPurpose;
        }
        // Consume first: whatever happens next, this challenge is spent, and it was meant for here.
        var challenge = await sealer.ConsumeAsync(payload, expected, audience);
        if (!challenge.IsSuccess)
        {
            return challenge.Error!;
        }
        if (await index.FindAsync(serial) is not { } card)
        {
            return UnknownCertificate;
        }
        return await GrainFactory.GetCard(card).VerifySignature(serial, challenge.Value!.Payload, signature);
    }

    public async Task<Result<CardView>> RemedyAfterCampaign(
        CommandContext context, byte[] payload, string oldSerial, byte[] signature, string? userAuthenticationPublicKey, string? signaturePublicKey,
        byte[]? userAuthenticationKeySignature, byte[]? signatureKeySignature)
    {
        // The new keys' shape first: a key that is no key is the caller's own slip, refused before the challenge is spent
        // (it says nothing of the card). Whether the card needs a signature key is the card's to decide, after.
        if (!Myna.Domain.Cards.CertificateAuthentication.IsValidPublicKey(userAuthenticationPublicKey)
            || (signaturePublicKey is not null && !Myna.Domain.Cards.CertificateAuthentication.IsValidPublicKey(signaturePublicKey)))
        {
            return Myna.Domain.Cards.CardErrors.NoPublicKey;
        }
        // Consumed once, durably; only this command's own retry may present it again (the card answers that once).
        var challenge = await sealer.ConsumeAsync(payload, Myna.Domain.Cards.ChallengePurpose.KeyProof,
            Myna.Domain.Cards.SealedChallenge.Audiences.RemoteReissue, context.CommandId);
        if (!challenge.IsSuccess)
        {
            return challenge.Error!;
        }
        if (await index.FindAsync(oldSerial) is not { } card)
        {
            return UnknownCertificate;
        }
        return await GrainFactory.GetCard(card).RemedyAfterCampaign(context,
            new RemedyAfterCampaign(oldSerial, challenge.Value!.Payload, signature, userAuthenticationPublicKey, signaturePublicKey,
                userAuthenticationKeySignature, signatureKeySignature));
    }

    public async Task<CertificateStatusView> Status(string serial) =>
        await index.FindAsync(serial) is { } card
            ? await GrainFactory.GetCard(card).CertificateStatus(serial)
            : new CertificateStatusView(serial, "unknown", null);
}
