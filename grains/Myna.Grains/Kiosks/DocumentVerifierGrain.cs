using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Orleans.Concurrency;
using Myna.Domain.Kiosks;
using Myna.EventStore.Clinics;
using Myna.EventStore.Kiosks;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Grains.Kiosks;

/// <summary>Anyone holding a printed certificate can check its code: who, what, when, where; never the content.</summary>
[StatelessWorker]
public sealed class DocumentVerifierGrain(IIssuedDocumentRegistry registry) : Grain, IDocumentVerifierGrain
{
    private static readonly DomainError UnknownCode =
        DomainError.NotFound("document.verification-unknown", "No certificate was issued with this verification code.");

    public async Task<Result<DocumentVerification>> Verify(string verificationCode) =>
        await FindAsync(verificationCode) is { } found
            ? Result<DocumentVerification>.Ok(found.Document with { HolderName = null })
            : UnknownCode;

    public async Task<Result<DocumentVerification>> VerifyHolder(string verificationCode, DateOnly dateOfBirth)
    {
        // The name only to whoever also knows the holder's date of birth, checked against the person's record now
        // (an erased record matches nobody); a wrong date is the same answer as an unknown code.
        if (await FindAsync(verificationCode) is not { } found
            || await registry.FindHolderAsync(found.Hash) is not { } holder
            || await GrainFactory.GetPerson(holder).GetBasicFour() is not { } items
            || items.DateOfBirth != dateOfBirth)
        {
            return UnknownCode;
        }
        return Result<DocumentVerification>.Ok(found.Document);
    }

    private async Task<(DocumentVerification Document, string Hash)?> FindAsync(string? verificationCode)
    {
        var code = KioskIssuanceRules.Normalise(verificationCode ?? string.Empty);
        if (code.Length != 16)
        {
            return null;
        }
        var hash = KioskIssuanceRules.HashCode(code);
        return await registry.FindAsync(hash) is { } found ? (found, hash) : null;
    }
}
