using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Cards;

public sealed record ApplyForCardRequest(Guid? PersonId, ApplicationChannel? Channel, bool? FaceAuthentication, bool? UnderGuardianship, bool? Reissue);

public sealed record ProducedRequest(string? ChipBatch);

/// <summary>A chip's signature over a sealed challenge: both base64 (the payload as issued; the IEEE P1363 r‖s signature).</summary>
public sealed record ChipProofRequest(string? Challenge, string? Signature);

public sealed record HandOverRequest(ProxyHandoverReason? ProxyReason, bool? PinsSet, string? UserAuthenticationPublicKey, string? SignaturePublicKey,
    ChipProofRequest? UserAuthenticationKeyProof, ChipProofRequest? SignatureKeyProof);

/// <summary>A sealed challenge for this counter: <c>key-proof</c> (a new chip key signs it) or <c>counter-presence</c> (the card's key signs it).</summary>
public sealed record CounterChallengeRequest(string? Purpose);

public sealed record CounterChallengeResponse(string Challenge, string Purpose, string Audience, DateTimeOffset ExpiresAt);

public sealed record IdentityCheckRequest(IReadOnlyList<Myna.GrainInterfaces.Persons.PresentedDocumentKind>? Documents);

public sealed record SuspendRequest(string? Reason);

public sealed record ResumeRequest(ChipProofRequest? CardPresence, string? NewSignaturePublicKey, ChipProofRequest? SignatureKeyProof);

public sealed record AbolishRequest(AbolitionReason? Reason);

public sealed record PinRequest(PinKind? Pin, ChipProofRequest? CardPresence);

public sealed record AddressUpdateRequest(ChipProofRequest? CardPresence);

public sealed record SmartphoneRequest(string? DeviceId);

public sealed record RenewalRequest(ChipProofRequest? CardPresence, string? UserAuthenticationPublicKey, string? SignaturePublicKey,
    ChipProofRequest? UserAuthenticationKeyProof, ChipProofRequest? SignatureKeyProof);

public sealed record DrivingLicenceRequest(string? LicenceNumber);

public sealed record ConversionRequest(bool? FaceAuthentication, ChipProofRequest? CardPresence, bool? PinsSet, string? UserAuthenticationPublicKey, string? SignaturePublicKey,
    ChipProofRequest? UserAuthenticationKeyProof, ChipProofRequest? SignatureKeyProof);

public sealed record LinkedCredentialResponse(string Kind, string Reference, string Status);

public sealed record CardNoticeResponse(string Kind, DateOnly Date, bool Sent);

/// <summary>
/// The remote certificate re-issue after a campaign: the old key and each new key sign the same sealed key-proof
/// challenge (<c>POST /v1/auth/challenges</c>, purpose <c>key-proof</c>, audience <c>remote-reissue</c>), sent back as issued.
/// </summary>
public sealed record RemoteReissueRequest(string? Challenge, string? CertificateSerial, string? Signature, string? UserAuthenticationPublicKey, string? SignaturePublicKey,
    string? UserAuthenticationKeySignature = null, string? SignatureKeySignature = null);

public sealed record CertificateResponse(CertificateKind Kind, string Serial, DateOnly ValidUntil, string Status);

/// <summary>
/// A card as counters and the call centre see it. No Individual Number, no PIN, no key material; the call
/// centre gets no person id (null).
/// </summary>
public sealed record CardResponse(
    Guid Id, Guid? PersonId, CardStatus Status, bool FaceAuthentication, DateOnly AppliedOn, DateOnly? IssuedOn,
    DateOnly? ExpiresOn, DateOnly? RenewalOpensOn, int FeeYen, AbolitionReason? AbolishedBecause,
    IReadOnlyList<CertificateResponse> Certificates, IReadOnlyList<PinKind> LockedPins, long Version,
    DateOnly? AddressUpdateDueBy, bool Lapsed, IReadOnlyList<LinkedCredentialResponse> LinkedCredentials,
    string? RegisteredForInsuranceVia, IReadOnlyList<CardNoticeResponse> Notices)
{
    public static CardResponse From(CardView v) => new(
        v.Id.Value, v.PersonId.Value == Guid.Empty ? null : v.PersonId.Value, v.Status, v.FaceAuthentication, v.AppliedOn, v.IssuedOn, v.ExpiresOn, v.RenewalOpensOn,
        v.FeeYen, v.AbolishedBecause, v.Certificates.Select(c => new CertificateResponse(c.Kind, c.Serial, c.ValidUntil, c.Status)).ToList(),
        v.LockedPins, v.Version, v.AddressUpdateDueBy, v.Lapsed,
        v.LinkedCredentials.Select(c => new LinkedCredentialResponse(c.Kind, c.Reference, c.Status)).ToList(),
        v.RegisteredForInsuranceVia switch
        {
            null => null,
            Myna.GrainInterfaces.Clinics.InsuranceRegistrationChannel.Portal => "portal",
            Myna.GrainInterfaces.Clinics.InsuranceRegistrationChannel.BankAtm => "bank-atm",
            _ => "clinic-terminal",
        },
        (v.Notices ?? []).Select(n => new CardNoticeResponse(n.Kind, n.Date, n.Sent)).ToList());
}

/// <summary>
/// The card's life: a counter applies, hands over, resumes and abolishes; the operator records production;
/// the call centre suspends at any hour. PINs never travel here: only the events around them.
/// </summary>
public static class CardEndpoints
{
    public static IEndpointRouteBuilder MapCardEndpoints(this IEndpointRouteBuilder app)
    {
        var cards = app.MapGroup("/v1/cards").WithTags("Cards");

        cards.MapPost("/", Apply).WithName("ApplyForCard").RequireAuthorization(Policies.Municipality);
        // The managing municipality's clerks, the call centre (without the person id), holders their own (decided by the card).
        cards.MapGet("/{cardId}", Get).WithName("GetCard").RequireAuthorization(Policies.CardViewers);
        // Authenticated by the chip itself (old key, PIN on the chip), like a login.
        cards.MapPost("/remote-certificate-reissues", RemoteReissue).WithName("ReissueCertificatesAfterCampaign").AllowAnonymous();
        cards.MapPost("/{cardId}/production", Produced).WithName("RecordCardProduced").RequireAuthorization(Policies.Operator);
        cards.MapPost("/{cardId}/ready-for-pickup", Ready).WithName("RecordCardReadyForPickup").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/handover", HandOver).WithName("HandOverCard").RequireAuthorization(Policies.Municipality);
        // The call centre at any hour, or the holders themselves from the portal (their own card only).
        cards.MapPost("/{cardId}/suspension", Suspend).WithName("SuspendCard").RequireAuthorization(Policies.LossReporters);
        cards.MapPost("/{cardId}/certificate-renewals", Renew).WithName("RenewCertificates").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/conversion", Convert).WithName("ConvertCard").RequireAuthorization(Policies.Municipality);
        // The holder puts the credential on their own phone, and takes it off.
        cards.MapPost("/{cardId}/smartphones", LinkSmartphone).WithName("LinkSmartphone").RequireAuthorization(Policies.Holders);
        cards.MapPost("/{cardId}/smartphones/unlink", UnlinkSmartphone).WithName("UnlinkSmartphone").RequireAuthorization(Policies.Holders);
        cards.MapPost("/{cardId}/driving-licence", LinkLicence).WithName("LinkDrivingLicence").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/driving-licence/unlink", UnlinkLicence).WithName("UnlinkDrivingLicence").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/resumption", Resume).WithName("ResumeCard").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/abolition", Abolish).WithName("AbolishCard").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/pin-locks", PinLocked).WithName("ReportPinLock").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/pin-resets", PinReset).WithName("ResetPin").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/address-updates", AddressUpdated).WithName("RecordCardAddressUpdate").RequireAuthorization(Policies.Municipality);
        // Invariant 19 at the counter: challenges for chip proofs, and the photo-ID check where the chip cannot sign.
        cards.MapPost("/{cardId}/counter-challenges", CounterChallenge).WithName("IssueCounterChallenge").RequireAuthorization(Policies.Municipality);
        cards.MapPost("/{cardId}/identity-verifications", IdentityCheck).WithName("RecordCardHolderIdentityVerification").RequireAuthorization(Policies.Municipality);
        return app;
    }

    private static async Task<Results<Created<CardResponse>, ProblemHttpResult>> Apply(ApplyForCardRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (request.PersonId is null || request.PersonId == Guid.Empty)
        {
            errors.Add("personId", "Required.");
        }
        errors.Require(request.Channel, "channel");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        // The card grain decides whether this clerk's municipality manages the person (403 access.other-municipality).
        var person = new PersonId(request.PersonId!.Value);
        // A retried application (same Idempotency-Key) lands on the same card.
        var cardId = new CardId(CommandContext.DerivedId(context.CommandId, "card"));
        var result = await grains.GetCard(cardId).Apply(context, new ApplyForCard(person, request.Channel!.Value,
            request.FaceAuthentication ?? false, request.UnderGuardianship ?? false, request.Reissue ?? false));
        return result.IsSuccess ? TypedResults.Created($"/v1/cards/{cardId}", CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> Get(CardId cardId, HttpContext http, IClusterClient grains)
    {
        var id = cardId;
        var context = http.CommandContext();
        // Decided by the card: the managing municipality's clerks, the call centre (no person id), the holder; a staff
        // read is on the holder's access ledger.
        var result = await grains.GetCard(id).Show(context);
        return result.IsSuccess ? TypedResults.Ok(CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> RemoteReissue(RemoteReissueRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        var challenge = ChipFields.Challenge(request.Challenge);
        if (challenge is null)
        {
            errors.Add("challenge", "The sealed key-proof challenge as issued (base64), at most 1,024 bytes.");
        }
        if (!ChipFields.IsSerial(request.CertificateSerial))
        {
            errors.Add("certificateSerial", "The old user-authentication certificate's serial (1 to 64 letters and digits).");
        }
        var signature = ChipFields.Signature(request.Signature);
        if (signature is null)
        {
            errors.Add("signature", "The chip's signature of the challenge, base64, at most 256 bytes.");
        }
        errors.Require(request.UserAuthenticationPublicKey, "userAuthenticationPublicKey");
        var userAuthenticationKeySignature = ChipFields.OptionalSignature(request.UserAuthenticationKeySignature, "userAuthenticationKeySignature", errors);
        var signatureKeySignature = ChipFields.OptionalSignature(request.SignatureKeySignature, "signatureKeySignature", errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await grains.GetCertificateService().RemedyAfterCampaign(context, challenge!, request.CertificateSerial!,
            signature!, request.UserAuthenticationPublicKey, request.SignaturePublicKey, userAuthenticationKeySignature, signatureKeySignature);
        return result.IsSuccess ? TypedResults.Ok(CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> Produced(CardId cardId, ProducedRequest request, HttpContext http) =>
        OnCard(cardId, http, errors => errors.Require(request.ChipBatch, "chipBatch"),
            (card, context) => card.MarkProduced(context, new MarkCardProduced(request.ChipBatch!)));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> Ready(CardId cardId, HttpContext http) =>
        OnCard(cardId, http, _ => { },
            (card, context) => card.MarkReadyForPickup(context, new MarkCardReadyForPickup(Municipality(http.User))));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> HandOver(CardId cardId, HandOverRequest request, HttpContext http) =>
        OnCard(cardId, http, errors =>
            {
                errors.Require(request.PinsSet, "pinsSet");
                Proof(request.UserAuthenticationKeyProof, "userAuthenticationKeyProof", errors);
                Proof(request.SignatureKeyProof, "signatureKeyProof", errors);
            },
            (card, context) => card.HandOver(context, new HandOverCard(request.ProxyReason, request.PinsSet!.Value,
                request.UserAuthenticationPublicKey, request.SignaturePublicKey,
                Proof(request.UserAuthenticationKeyProof, "userAuthenticationKeyProof", null), Proof(request.SignatureKeyProof, "signatureKeyProof", null))));

    /// <summary>
    /// A challenge for this clerk's counter (audience <c>counter:{municipality}</c>), only on a card the clerk's
    /// municipality manages; the chip signs the payload's exact bytes.
    /// </summary>
    private static async Task<Results<Ok<CounterChallengeResponse>, ProblemHttpResult>> CounterChallenge(
        CardId cardId, CounterChallengeRequest request, HttpContext http, IClusterClient grains)
    {
        var id = cardId;
        if (request.Purpose is not (ChallengeNames.KeyProof or ChallengeNames.CounterPresence) || request.Purpose is not { } purpose)
        {
            var errors = new RequestErrors();
            errors.Add("purpose", "key-proof or counter-presence.");
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var issued = await grains.GetChallengeIssuer().IssueForCounter(context, id, purpose);
        return issued.IsSuccess
            ? TypedResults.Ok(new CounterChallengeResponse(System.Convert.ToBase64String(issued.Value!.Payload), issued.Value.Purpose, issued.Value.Audience, issued.Value.ExpiresAt))
            : issued.Error!.ToProblem();
    }

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> IdentityCheck(CardId cardId, IdentityCheckRequest request, HttpContext http) =>
        OnCard(cardId, http, errors =>
            {
                if (request.Documents is not { Count: > 0 })
                {
                    errors.Add("documents", "The documents presented (e.g. passport, drivers-licence, residence-card).");
                }
            },
            (card, context) => card.RecordHolderIdentityVerification(context, new RecordHolderIdentityVerification(Municipality(http.User), request.Documents!)));

    /// <summary>Parses a chip proof (null when absent); a malformed one is a 400 on <paramref name="field"/>.</summary>
    private static ChipProof? Proof(ChipProofRequest? request, string field, RequestErrors? errors)
    {
        if (request is null)
        {
            return null;
        }
        if (ChipFields.Challenge(request.Challenge) is not { } challenge || ChipFields.Signature(request.Signature) is not { } signature)
        {
            errors?.Add(field, "{challenge, signature}: the challenge payload as issued and the chip's signature, both base64.");
            return null;
        }
        return new ChipProof(challenge, signature);
    }

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> Suspend(CardId cardId, SuspendRequest request, HttpContext http, IClusterClient grains) =>
        await OwnCard(cardId, http, grains) ?? await OnCard(cardId, http, _ => { }, (card, context) => card.Suspend(context, new SuspendCard(request.Reason ?? "lost")));

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> LinkSmartphone(CardId cardId, SmartphoneRequest request, HttpContext http, IClusterClient grains) =>
        await OwnCard(cardId, http, grains) ?? await OnCard(cardId, http, errors => errors.Require(request.DeviceId, "deviceId"),
            (card, context) => card.LinkSmartphone(context, new LinkSmartphone(request.DeviceId!)));

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> UnlinkSmartphone(CardId cardId, SmartphoneRequest request, HttpContext http, IClusterClient grains) =>
        await OwnCard(cardId, http, grains) ?? await OnCard(cardId, http, errors => errors.Require(request.DeviceId, "deviceId"),
            (card, context) => card.UnlinkSmartphone(context, new UnlinkSmartphone(request.DeviceId!)));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> Renew(CardId cardId, RenewalRequest request, HttpContext http) =>
        OnCard(cardId, http, errors =>
            {
                Proof(request.CardPresence, "cardPresence", errors);
                Proof(request.UserAuthenticationKeyProof, "userAuthenticationKeyProof", errors);
                Proof(request.SignatureKeyProof, "signatureKeyProof", errors);
            },
            (card, context) => card.RenewCertificates(context, new RenewCertificates(Proof(request.CardPresence, "cardPresence", null),
                request.UserAuthenticationPublicKey, request.SignaturePublicKey,
                Proof(request.UserAuthenticationKeyProof, "userAuthenticationKeyProof", null), Proof(request.SignatureKeyProof, "signatureKeyProof", null))));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> LinkLicence(CardId cardId, DrivingLicenceRequest request, HttpContext http) =>
        OnCard(cardId, http, errors => errors.Require(request.LicenceNumber, "licenceNumber"),
            (card, context) => card.LinkDrivingLicence(context, new LinkDrivingLicence(request.LicenceNumber!)));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> UnlinkLicence(CardId cardId, HttpContext http) =>
        OnCard(cardId, http, _ => { }, (card, context) => card.UnlinkDrivingLicence(context, new UnlinkDrivingLicence()));

    /// <summary>A resident acts only on their own card; someone else's answers as if it did not exist.</summary>
    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>?> OwnCard(CardId cardId, HttpContext http, IClusterClient grains)
    {
        if (!http.User.IsInRole(Roles.Resident))
        {
            return null;
        }
        var id = cardId;
        var card = await grains.GetCard(id).GetCard();
        if (card.IsSuccess && card.Value!.PersonId.Value.ToString() == http.User.FindFirstValue(MynaClaims.PersonId))
        {
            return null;
        }
        return DomainError.NotFound("card.not-found", "No card of yours exists under this id.").ToProblem();
    }

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> Convert(CardId cardId, ConversionRequest request, HttpContext http) =>
        OnCard(cardId, http, errors =>
            {
                errors.Require(request.FaceAuthentication, "faceAuthentication");
                Proof(request.CardPresence, "cardPresence", errors);
                Proof(request.UserAuthenticationKeyProof, "userAuthenticationKeyProof", errors);
                Proof(request.SignatureKeyProof, "signatureKeyProof", errors);
            },
            (card, context) => request.FaceAuthentication!.Value
                ? card.ConvertToFaceAuthentication(context, new ConvertToFaceAuthentication(Proof(request.CardPresence, "cardPresence", null)))
                : card.ConvertToPinCard(context, new ConvertToPinCard(request.PinsSet ?? false,
                    request.UserAuthenticationPublicKey, request.SignaturePublicKey,
                    Proof(request.UserAuthenticationKeyProof, "userAuthenticationKeyProof", null), Proof(request.SignatureKeyProof, "signatureKeyProof", null))));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> Resume(CardId cardId, ResumeRequest request, HttpContext http) =>
        OnCard(cardId, http, errors =>
            {
                Proof(request.CardPresence, "cardPresence", errors);
                Proof(request.SignatureKeyProof, "signatureKeyProof", errors);
            },
            (card, context) => card.Resume(context, new ResumeCard(Municipality(http.User), Proof(request.CardPresence, "cardPresence", null),
                request.NewSignaturePublicKey, Proof(request.SignatureKeyProof, "signatureKeyProof", null))));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> Abolish(CardId cardId, AbolishRequest request, HttpContext http) =>
        OnCard(cardId, http, errors => errors.Require(request.Reason, "reason"),
            (card, context) => card.Abolish(context, new AbolishCard(request.Reason!.Value)));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> PinLocked(CardId cardId, PinRequest request, HttpContext http) =>
        OnCard(cardId, http, errors => errors.Require(request.Pin, "pin"),
            (card, context) => card.ReportPinLock(context, new ReportPinLock(request.Pin!.Value)));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> PinReset(CardId cardId, PinRequest request, HttpContext http) =>
        OnCard(cardId, http, errors =>
            {
                errors.Require(request.Pin, "pin");
                Proof(request.CardPresence, "cardPresence", errors);
            },
            (card, context) => card.ResetPin(context, new ResetPin(request.Pin!.Value, Proof(request.CardPresence, "cardPresence", null))));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> AddressUpdated(CardId cardId, AddressUpdateRequest request, HttpContext http) =>
        OnCard(cardId, http, errors => Proof(request.CardPresence, "cardPresence", errors),
            (card, context) => card.RecordAddressUpdate(context, new RecordCardAddressUpdate(Municipality(http.User), Proof(request.CardPresence, "cardPresence", null))));

    /// <summary>The shared shape of a card command: parse the id, validate, command context, call, map.</summary>
    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> OnCard(
        CardId cardId, HttpContext http, Action<RequestErrors> validate, Func<ICardGrain, CommandContext, Task<Result<CardView>>> call)
    {
        var id = cardId;
        var errors = new RequestErrors();
        validate(errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var grains = http.RequestServices.GetRequiredService<IClusterClient>();
        var result = await call(grains.GetCard(id), context);
        return result.IsSuccess ? TypedResults.Ok(CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static MunicipalityCode Municipality(ClaimsPrincipal user) =>
        new(user.FindFirstValue(MynaClaims.Municipality) ?? string.Empty);
}
