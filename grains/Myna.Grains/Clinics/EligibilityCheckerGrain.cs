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
using Orleans.Concurrency;

namespace Myna.Grains.Clinics;

/// <summary>
/// The online eligibility check (flow 5), the busiest call of the national system. A stateless worker: no
/// activation per check. The budget per check, after the API's one call:
/// <list type="bullet">
/// <item>the terminal from the silo's warm <see cref="TerminalRegistry"/>, the certificate's card from the warm
/// <see cref="ICertificateIndex"/>;</item>
/// <item>the sealed challenge opened here (HMAC: purpose, terminal, expiry), its id the check's id;</item>
/// <item>one call to the card (its view and the chip's signature, verified there), one to the person's insurance,
/// and one to the patient's ledger, whose batched append is durable before the answer leaves.</item>
/// </list>
/// The challenge is consumed in that one durable commit: the ledger's <c>eligibility_checked_v1</c> event and the
/// challenge's consumed row (<see cref="Myna.EventStore.Cards.ConsumedChallengeProjection"/>, an insert on its id)
/// commit together or not at all, so a check is answered only if it was the challenge's one use. A terminal's retry
/// of the same request (same command id) is answered from the ledger's receipt with the same check id; a second
/// use under another command, or for another patient, finds the row taken and is refused, never recorded.
/// </summary>
// Stateless and reentrant: one activation interleaves every call, so a call awaiting PostgreSQL never holds up
// the next (a non-reentrant worker caps a silo at one call per core in flight).
[StatelessWorker, Reentrant]
public sealed class EligibilityCheckerGrain(
    ICertificateIndex certificates, IQualificationDirectory documents, ChallengeSealer sealer, TerminalRegistry terminals,
    Myna.EventStore.Maintenance.BackgroundBudget background, TimeProvider clock, ILogger<EligibilityCheckerGrain> logger)
    : Grain, IEligibilityCheckerGrain
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

    private DateOnly Today => JapanCalendar.Today(clock);

    public Task<Result<EligibilityAnswer>> Check(CommandContext context, Guid challengeId, CheckEligibility command)
    {
        // A reception desk is waiting: background scans pace themselves while it is (isolation).
        background.ForegroundActive();
        return RunAsync(context, challengeId, command);
    }

    private async Task<Result<EligibilityAnswer>> RunAsync(CommandContext context, Guid checkId, CheckEligibility command)
    {
        if (EligibilityRules.ValidateRequest(command) is { } invalid)
        {
            return invalid;
        }
        var institution = await terminals.FindAsync(command.Institution);
        if (institution?.Terminals.FirstOrDefault(t => t.TerminalId == command.TerminalId && t.Active) is not { } terminal)
        {
            return UnknownTerminal;
        }
        if (!institution.AcceptsCard)
        {
            return NotAccepting;
        }
        // The sealed challenge must have been issued to this terminal for an eligibility check; it is consumed with
        // the ledger entry (below), once.
        var audience = SealedChallenge.Audiences.Terminal(command.Institution, command.TerminalId);
        if (command.Challenge is not { } sealedPayload)
        {
            return SealedChallenge.Invalid;
        }
        // Opened once: for this purpose and terminal, and this check's own challenge (its id is the check's id).
        var opened = sealer.Check(sealedPayload, ChallengePurpose.EligibilityCheck, audience);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }
        if (opened.Value!.Id != checkId)
        {
            return SealedChallenge.Invalid;
        }
        var nonce = Result<byte[]>.Ok(sealedPayload);

        if (command.Method == VerificationMethod.ConfirmationDocument)
        {
            return await CheckDocumentAsync(context, checkId, command, terminal, nonce.Value!);
        }

        CardId cardId;
        if (command.Method == VerificationMethod.Pin)
        {
            if (await certificates.FindAsync(command.CertificateSerial!) is not { } found)
            {
                return UnknownCertificate;
            }
            cardId = found;
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

        // One call to the card: its view and, by PIN, the chip's signature over the challenge verified there.
        var card = await GrainFactory.GetCard(cardId).ForEligibilityCheck(
            command.Method == VerificationMethod.Pin ? command.CertificateSerial : null, nonce.Value!, command.ChipSignature);
        if (!card.IsSuccess)
        {
            return card.Error!;
        }
        var view = card.Value!.Card;
        var authentication = card.Value.Authentication;
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

        // Invariant 11: every check, successful or not, is on the patient's ledger before anyone sees the answer. The
        // append consumes the challenge: a replay is refused here (challenge invalid), with nothing recorded.
        var eligible = reason is null;
        var recorded = await GrainFactory.GetLedger(view.PersonId).RecordEligibilityCheck(context.FollowUp("ledger"),
            new RecordEligibilityCheck(checkId, cardId, command.Institution, command.TerminalId, command.Method, command.StaffId,
                eligible, reason, qualification?.Insurer, command.Consents));
        if (!recorded.IsSuccess)
        {
            logger.LogInformation("Eligibility check {Check}: the ledger refused the entry ({Code})", checkId, recorded.Error!.Code);
            return recorded.Error!;
        }
        if (authentication?.Code == "auth.signature-invalid")
        {
            return authentication;
        }
        return Result<EligibilityAnswer>.Ok(eligible
            ? EligibilityRules.Answer(checkId, insurance, qualification, null, command.Consents, recorded.Value!.ConsentValidUntil)
            : EligibilityRules.Answer(checkId, null, null, reason, [], null), replayed: recorded.Replayed);
    }

    /// <summary>
    /// The path without a card: staff checked an eligibility confirmation document and the terminal attests
    /// it. The document index is a hint; the person's stream decides whether the document is valid.
    /// </summary>
    private async Task<Result<EligibilityAnswer>> CheckDocumentAsync(CommandContext context, Guid checkId, CheckEligibility command, TerminalView terminal, byte[] nonce)
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
        var recorded = await GrainFactory.GetLedger(person).RecordEligibilityCheck(context.FollowUp("ledger"),
            new RecordEligibilityCheck(checkId, null, command.Institution, command.TerminalId, command.Method, command.StaffId,
                reason is null, reason, qualification?.Insurer, command.Consents, documentNumber));
        if (!recorded.IsSuccess)
        {
            return recorded.Error!;
        }
        return Result<EligibilityAnswer>.Ok(reason is null
            ? EligibilityRules.Answer(checkId, summary.Value, qualification, null, command.Consents, recorded.Value!.ConsentValidUntil)
            : EligibilityRules.Answer(checkId, null, null, reason, [], null), replayed: recorded.Replayed);
    }
}
