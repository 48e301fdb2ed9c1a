using Myna.Domain.Persons;
using Myna.EventStore.Services;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Services;
using Orleans.Concurrency;

namespace Myna.Grains.Services;

/// <summary>Anyone holding a printed certificate can check its code: who, what, when, where; never the content.</summary>
[StatelessWorker]
public sealed class DocumentVerifierGrain(IIssuedDocumentRegistry registry) : Grain, IDocumentVerifierGrain
{
    private static readonly DomainError UnknownCode =
        DomainError.NotFound("document.verification-unknown", "No certificate was issued with this verification code.");

    public async Task<Result<DocumentVerification>> Verify(string verificationCode)
    {
        var code = KioskIssuanceRules.Normalise(verificationCode ?? string.Empty);
        if (code.Length != 16)
        {
            return UnknownCode;
        }
        return await registry.FindAsync(KioskIssuanceRules.HashCode(code)) is { } found
            ? Result<DocumentVerification>.Ok(found)
            : UnknownCode;
    }
}
