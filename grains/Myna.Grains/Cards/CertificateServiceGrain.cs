using Myna.EventStore.Certificates;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;

namespace Myna.Grains.Cards;

[StatelessWorker]
public sealed class CertificateServiceGrain(ICertificateIndex index, ChallengeSealer sealer) : Grain, ICertificateServiceGrain
{
    private static readonly DomainError UnknownCertificate =
        DomainError.Unauthenticated("auth.certificate-unknown", "No certificate with this serial was issued.");

    public async Task<Result<AuthenticatedHolder>> Authenticate(Guid challengeId, string serial, byte[] signature) =>
        // Take the challenge first: whatever happens next, it cannot be used again. A bound one is refused here.
        await VerifyAsync(await GrainFactory.GetChallenge(challengeId).Take(), serial, signature);

    public async Task<Result<AuthenticatedHolder>> AuthenticateFor(Guid challengeId, string audience, string serial, byte[] signature) =>
        await VerifyAsync(await GrainFactory.GetChallenge(challengeId).TakeFor(audience), serial, signature);

    private async Task<Result<AuthenticatedHolder>> VerifyAsync(Result<byte[]> challenge, string serial, byte[] signature)
    {
        if (!challenge.IsSuccess)
        {
            return challenge.Error!;
        }
        if (await index.FindAsync(serial) is not { } card)
        {
            return UnknownCertificate;
        }
        return await GrainFactory.GetCard(card).VerifySignature(serial, challenge.Value!, signature);
    }

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
        CommandContext context, Guid challengeId, string oldSerial, byte[] signature, string? userAuthenticationPublicKey, string? signaturePublicKey,
        byte[]? userAuthenticationKeySignature, byte[]? signatureKeySignature)
    {
        var challenge = await GrainFactory.GetChallenge(challengeId).Take();
        if (!challenge.IsSuccess)
        {
            return challenge.Error!;
        }
        if (await index.FindAsync(oldSerial) is not { } card)
        {
            return UnknownCertificate;
        }
        return await GrainFactory.GetCard(card).RemedyAfterCampaign(context,
            new RemedyAfterCampaign(oldSerial, challenge.Value!, signature, userAuthenticationPublicKey, signaturePublicKey,
                userAuthenticationKeySignature, signatureKeySignature));
    }

    public async Task<CertificateStatusView> Status(string serial) =>
        await index.FindAsync(serial) is { } card
            ? await GrainFactory.GetCard(card).CertificateStatus(serial)
            : new CertificateStatusView(serial, "unknown", null);
}
