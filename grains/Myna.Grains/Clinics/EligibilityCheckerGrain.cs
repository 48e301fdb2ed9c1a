using Microsoft.Extensions.Logging;
using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Myna.EventStore.Certificates;
using Myna.EventStore.Insurance;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.Grains.Cards;
using Myna.Domain.Calendar;

namespace Myna.Grains.Clinics;

/// <summary>
/// One online eligibility check (flow 5), keyed by the one-time challenge it consumes. It reads the card,
/// the person's insurance and the terminal from their warm grains (read-only calls that interleave), and
/// writes only the patient's ledger, whose batched append is durable before the answer leaves. The answer
/// stays in memory while the activation is idle for less than <see cref="RetryWindowMinutes"/>, so the
/// terminal's retry of the same request gets the same answer and the ledger gets one entry; a retry after
/// that finds the challenge used and is refused, never recorded twice.
/// </summary>
/// <remarks>
/// One activation per check: at a thousand checks a second, keeping each for the challenge's 5 minutes (or
/// Orleans' default 15) would hold hundreds of thousands of finished checks in memory. A terminal retries a
/// lost answer within seconds, so two minutes is ample.
/// </remarks>
[CollectionAgeLimit(Minutes = RetryWindowMinutes)]
public sealed class EligibilityCheckGrain(
    ICertificateIndex certificates, IQualificationDirectory documents, ChallengeSealer sealer, TimeProvider clock, ILogger<EligibilityCheckGrain> logger)
    : Grain, IEligibilityCheckGrain
{
    private static readonly DomainError UnknownTerminal = Myna.Domain.Authorization.Access.UnknownTerminal;
    private static readonly DomainError NotAccepting =
        DomainError.Rule("institution.not-accepting-card", "The institution is not registered as accepting the card.");
    private static readonly DomainError UnknownCertificate =
        DomainError.Unauthenticated("auth.certificate-unknown", "No certificate with this serial was issued.");
    private static readonly DomainError AttestationInvalid =
        DomainError.Unauthenticated("eligibility.attestation-invalid", "The terminal's attestation does not verify with its registered key.");
    private static readonly DomainError UnknownDocument =
        DomainError.NotFound("document.not-found", "No eligibility confirmation document with this number was issued.");
    private static readonly DomainError ChallengeUsed =
        DomainError.Unauthenticated("auth.challenge-invalid", "This challenge was used by another request; ask for a new one.");

    public const int RetryWindowMinutes = 2;

    private bool _consumed;
    private Guid? _commandId;
    private Result<EligibilityAnswer>? _outcome;

    private DateOnly Today => JapanCalendar.Today(clock);

    public async Task<Result<EligibilityAnswer>> Check(CommandContext context, CheckEligibility command)
    {
        if (_outcome is not null)
        {
            return _commandId == context.CommandId ? _outcome with { Replayed = true } : ChallengeUsed;
        }
        var outcome = await RunAsync(context, command);
        // Only a consumed challenge settles the check: a terminal that is not this challenge's (or not registered),
        // or a forged or wrong-purpose payload, leaves it untouched for the right one.
        if (_consumed)
        {
            _commandId = context.CommandId;
            _outcome = outcome;
        }
        return outcome;
    }

    private async Task<Result<EligibilityAnswer>> RunAsync(CommandContext context, CheckEligibility command)
    {
        if (EligibilityRules.ValidateRequest(command) is { } invalid)
        {
            return invalid;
        }
        var institution = await GrainFactory.GetInstitution(command.Institution).Get();
        if (!institution.IsSuccess || institution.Value!.Terminals.FirstOrDefault(t => t.TerminalId == command.TerminalId && t.Active) is not { } terminal)
        {
            return UnknownTerminal;
        }
        if (!institution.Value.AcceptsCard)
        {
            return NotAccepting;
        }
        // Consume the sealed challenge first (durably, once; only this command's retry may consume it again): whatever
        // happens next, it cannot be used again, and it was issued to this terminal for an eligibility check.
        var audience = SealedChallenge.Audiences.Terminal(command.Institution, command.TerminalId);
        if (command.Challenge is not { } sealedPayload)
        {
            return SealedChallenge.Invalid;
        }
        // Opened once: for this purpose and terminal, and this check's own challenge (its id is this grain's key).
        var opened = sealer.Check(sealedPayload, ChallengePurpose.EligibilityCheck, audience);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }
        if (opened.Value!.Id != this.GetPrimaryKey())
        {
            return SealedChallenge.Invalid;
        }
        var consumed = await sealer.ConsumeAsync(opened.Value, context.CommandId);
        if (!consumed.IsSuccess)
        {
            return consumed.Error!;
        }
        _consumed = true;
        var nonce = Result<byte[]>.Ok(sealedPayload);

        if (command.Method == VerificationMethod.ConfirmationDocument)
        {
            return await CheckDocumentAsync(context, command, terminal, nonce.Value!);
        }

        CardId cardId;
        DomainError? authentication = null;
        if (command.Method == VerificationMethod.Pin)
        {
            if (await certificates.FindAsync(command.CertificateSerial!) is not { } found)
            {
                return UnknownCertificate;
            }
            cardId = found;
            var verified = await GrainFactory.GetCard(cardId).VerifySignature(command.CertificateSerial!, nonce.Value!, command.ChipSignature!);
            authentication = verified.Error;
        }
        else
        {
            cardId = command.Card!.Value;
            var payload = EligibilityRules.AttestationPayload(nonce.Value!, cardId.ToString(), command.Method, command.StaffId);
            if (!CertificateAuthentication.Verify(terminal.PublicKey, payload, command.TerminalSignature!))
            {
                return AttestationInvalid;
            }
        }

        var card = await GrainFactory.GetCard(cardId).GetCard();
        if (!card.IsSuccess)
        {
            return card.Error!;
        }
        var view = card.Value!;
        if (authentication is null && command.RegisterCardForInsurance && view.RegisteredForInsuranceVia is null
            && EligibilityRules.CardRefusal(view, Today, command.Method) == "card.not-registered-for-insurance")
        {
            // Flow 4 at reception: the patient, just verified on this terminal, registers the card for insurance.
            var registered = await GrainFactory.GetCard(cardId).RegisterForInsurance(context.FollowUp("insurance-registration"),
                new RegisterCardForInsurance(InsuranceRegistrationChannel.ClinicTerminal));
            if (registered.IsSuccess)
            {
                view = registered.Value!;
            }
        }
        var checkId = this.GetPrimaryKey();
        var reason = authentication?.Code ?? EligibilityRules.CardRefusal(view, Today, command.Method);
        Myna.GrainInterfaces.Insurance.InsuranceSummary? insurance = null;
        Myna.GrainInterfaces.Insurance.InsuranceQualificationView? qualification = null;
        if (reason is null)
        {
            var summary = await GrainFactory.GetPerson(view.PersonId).GetInsurance();
            if (!summary.IsSuccess)
            {
                return summary.Error!;
            }
            insurance = summary.Value!;
            (qualification, reason) = EligibilityRules.Qualification(insurance, Today);
        }

        // Invariant 11: every check, successful or not, is on the patient's ledger before anyone sees the answer.
        var eligible = reason is null;
        var recorded = await GrainFactory.GetLedger(view.PersonId).RecordEligibilityCheck(context.FollowUp("ledger"),
            new RecordEligibilityCheck(checkId, cardId, command.Institution, command.TerminalId, command.Method, command.StaffId,
                eligible, reason, qualification?.Insurer, command.Consents));
        if (!recorded.IsSuccess)
        {
            logger.LogWarning("Eligibility check {Check}: the ledger refused the entry ({Code})", checkId, recorded.Error!.Code);
            return recorded.Error!;
        }
        if (authentication?.Code == "auth.signature-invalid")
        {
            return authentication;
        }
        return Result<EligibilityAnswer>.Ok(eligible
            ? EligibilityRules.Answer(checkId, insurance, qualification, null, command.Consents, recorded.Value!.ConsentValidUntil)
            : EligibilityRules.Answer(checkId, null, null, reason, [], null));
    }

    /// <summary>
    /// The path without a card: staff checked an eligibility confirmation document and the terminal attests
    /// it. The document index is a hint; the person's stream decides whether the document is valid.
    /// </summary>
    private async Task<Result<EligibilityAnswer>> CheckDocumentAsync(CommandContext context, CheckEligibility command, TerminalView terminal, byte[] nonce)
    {
        var documentNumber = command.DocumentNumber!;
        var payload = EligibilityRules.AttestationPayload(nonce, documentNumber, command.Method, command.StaffId);
        if (!CertificateAuthentication.Verify(terminal.PublicKey, payload, command.TerminalSignature!))
        {
            return AttestationInvalid;
        }
        if (await documents.FindDocumentAsync(documentNumber) is not { } person)
        {
            return UnknownDocument;
        }
        var summary = await GrainFactory.GetPerson(person).GetInsurance();
        if (!summary.IsSuccess)
        {
            return summary.Error!;
        }
        var (qualification, reason) = EligibilityRules.ByDocument(summary.Value!, documentNumber, Today);
        if (reason == "document.not-found")
        {
            return UnknownDocument;
        }
        var checkId = this.GetPrimaryKey();
        var recorded = await GrainFactory.GetLedger(person).RecordEligibilityCheck(context.FollowUp("ledger"),
            new RecordEligibilityCheck(checkId, null, command.Institution, command.TerminalId, command.Method, command.StaffId,
                reason is null, reason, qualification?.Insurer, command.Consents, documentNumber));
        if (!recorded.IsSuccess)
        {
            return recorded.Error!;
        }
        return Result<EligibilityAnswer>.Ok(reason is null
            ? EligibilityRules.Answer(checkId, summary.Value, qualification, null, command.Consents, recorded.Value!.ConsentValidUntil)
            : EligibilityRules.Answer(checkId, null, null, reason, [], null));
    }
}
