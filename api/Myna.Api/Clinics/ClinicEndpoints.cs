using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Insurance;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Clinics;

public sealed record RegisterInstitutionRequest(string? Name, InstitutionKind? Kind, string? Prefecture, bool? AcceptsCard);

public sealed record CardAcceptanceRequest(bool? AcceptsCard);

public sealed record RegisterTerminalRequest(string? TerminalId, string? PublicKey);

public sealed record TerminalResponse(string TerminalId, bool Active);

public sealed record InstitutionResponse(string Code, string Name, InstitutionKind Kind, string Prefecture, bool AcceptsCard, IReadOnlyList<TerminalResponse> Terminals, long Version)
{
    public static InstitutionResponse From(InstitutionView v) =>
        new(v.Code, v.Name, v.Kind, v.Prefecture, v.AcceptsCard, v.Terminals.Select(t => new TerminalResponse(t.TerminalId, t.Active)).ToList(), v.Version);
}

public sealed record InstitutionListingResponse(string Code, string Name, InstitutionKind Kind, string Prefecture);

public sealed record InstitutionPage(IReadOnlyList<InstitutionListingResponse> Items, string? Next);

/// <summary>
/// A sealed eligibility-check challenge for this terminal: <see cref="Challenge"/> (repeated in <see cref="Nonce"/>) is
/// the payload, base64, exactly the bytes the chip signs (README, "Signing format"); send it back with the check.
/// </summary>
public sealed record EligibilityChallengeResponse(Guid ChallengeId, string Nonce, DateTimeOffset ExpiresAt, string Challenge, string Purpose, string Audience);

/// <summary>What the reception terminal sends. The PIN never leaves the chip: only the chip's signature does.</summary>
public sealed record EligibilityCheckRequest(
    Guid? ChallengeId, VerificationMethod? Method, Guid? CardId, string? CertificateSerial, string? ChipSignature,
    string? TerminalSignature, string? StaffId, IReadOnlyList<ClinicConsentScope>? Consents, bool? RegisterCardForInsurance,
    string? DocumentNumber, string? Challenge = null);

/// <summary>The answer at reception: no Individual Number, no person id; the ceiling category only with consent.</summary>
public sealed record EligibilityCheckResponse(
    Guid CheckId, bool Eligible, string? Reason, string? PatientName, DateOnly? DateOfBirth, string? InsurerNumber,
    string? Symbol, string? InsuredNumber, string? Branch, DateOnly? ValidFrom, DateOnly? ValidUntil, string? CeilingCategory,
    IReadOnlyList<ClinicConsentScope> ConsentsGiven, DateTimeOffset? ConsentValidUntil)
{
    public static EligibilityCheckResponse From(EligibilityAnswer a) =>
        new(a.CheckId, a.Eligible, a.Reason, a.PatientName, a.DateOfBirth, a.Insurer?.Value, a.Insured?.Symbol, a.Insured?.Number,
            a.Insured?.Branch, a.ValidFrom, a.ValidUntil, a.Ceiling is { } c ? CeilingCategoryNames.KebabName(c) : null, a.ConsentsGiven, a.ConsentValidUntil);
}

public sealed record ClinicConsentResponse(Guid ConsentId, string Institution, IReadOnlyList<ClinicConsentScope> Scopes, VerificationMethod Method,
    string? StaffId, DateTimeOffset GivenAt, DateTimeOffset ValidUntil, bool Active);

public sealed record LedgerEntryResponse(long Version, DateTimeOffset At, string AccessorKind, string Accessor, string What, string Purpose, bool Refused);

public sealed record CardInsuranceRegistrationRequest(InsuranceRegistrationChannel? Channel);

/// <summary>
/// Medical institutions, pharmacies and their reception terminals; the online eligibility check; the public
/// "Myna reception" list; and the resident's own view of clinic consents and clinic reads of their data.
/// </summary>
public static class ClinicEndpoints
{
    public const int MaxPage = 200;

    public static IEndpointRouteBuilder MapClinicEndpoints(this IEndpointRouteBuilder app)
    {
        var institutions = app.MapGroup("/v1/institutions").WithTags("Medical institutions");
        institutions.MapGet("/", List).WithName("ListCardAcceptingInstitutions").AllowAnonymous();
        institutions.MapPost("/{code}", Register).WithName("RegisterInstitution").RequireAuthorization(Policies.Operator);
        institutions.MapGet("/{code}", Get).WithName("GetInstitution").RequireAuthorization(Policies.Operator);
        institutions.MapPut("/{code}/card-acceptance", Acceptance).WithName("SetCardAcceptance").RequireAuthorization(Policies.Operator);
        institutions.MapPost("/{code}/terminals", RegisterTerminal).WithName("RegisterTerminal").RequireAuthorization(Policies.Operator);
        institutions.MapPost("/{code}/terminals/{terminalId}/retirement", RetireTerminal).WithName("RetireTerminal").RequireAuthorization(Policies.Operator);

        var checks = app.MapGroup("/v1/eligibility-checks").WithTags("Eligibility checks").RequireAuthorization(Policies.Terminal);
        checks.MapPost("/challenges", Challenge).WithName("IssueEligibilityChallenge");
        checks.MapPost("/", Check).WithName("CheckEligibility");

        var own = app.MapGroup("/v1/persons/{personId:guid}").WithTags("Eligibility checks").RequireAuthorization(Policies.Holders);
        own.MapGet("/clinic-consents", Consents).WithName("GetOwnClinicConsents");
        own.MapGet("/clinic-ledger", Ledger).WithName("GetOwnClinicLedger");

        var cards = app.MapGroup("/v1/cards/{cardId:guid}/insurance-registration").WithTags("Cards").RequireAuthorization(Policies.Holders);
        cards.MapPost("/", RegisterCard).WithName("RegisterCardForInsurance");
        cards.MapPost("/cancellation", CancelCard).WithName("CancelCardInsuranceRegistration");
        return app;
    }

    private static async Task<Results<Ok<InstitutionPage>, ProblemHttpResult>> List(string? prefecture, string? after, int? limit, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (!InstitutionCodes.IsPrefecture(prefecture))
        {
            errors.Add("prefecture", "A 2-digit prefecture code from 01 to 47.");
        }
        if (after is not null && !InstitutionCodes.IsInstitutionCode(after))
        {
            errors.Add("after", "The last institution code of the previous page.");
        }
        if (limit is < 1 or > MaxPage)
        {
            errors.Add("limit", $"1 to {MaxPage}.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var size = limit ?? 50;
        var rows = await grains.GetInstitutionDirectory().AcceptingCard(prefecture!, after, size);
        return TypedResults.Ok(new InstitutionPage(
            rows.Select(r => new InstitutionListingResponse(r.Code, r.Name, r.Kind, r.Prefecture)).ToList(),
            rows.Count == size ? rows[^1].Code : null));
    }

    private static Task<Results<Created<InstitutionResponse>, Ok<InstitutionResponse>, ProblemHttpResult>> Register(string code, RegisterInstitutionRequest request, HttpContext http) =>
        OnInstitution(code, http, created: true,
            errors =>
            {
                errors.Require(request.Name, "name");
                errors.Require(request.Kind, "kind");
                errors.Require(request.Prefecture, "prefecture");
            },
            (grain, context) => grain.Register(context, new RegisterInstitution(request.Name!, request.Kind!.Value, request.Prefecture!, request.AcceptsCard ?? true)));

    private static Task<Results<Created<InstitutionResponse>, Ok<InstitutionResponse>, ProblemHttpResult>> Acceptance(string code, CardAcceptanceRequest request, HttpContext http) =>
        OnInstitution(code, http, created: false, errors => errors.Require(request.AcceptsCard, "acceptsCard"),
            (grain, context) => grain.SetCardAcceptance(context, new SetCardAcceptance(request.AcceptsCard!.Value)));

    private static Task<Results<Created<InstitutionResponse>, Ok<InstitutionResponse>, ProblemHttpResult>> RegisterTerminal(string code, RegisterTerminalRequest request, HttpContext http) =>
        OnInstitution(code, http, created: false,
            errors =>
            {
                errors.Require(request.TerminalId, "terminalId");
                errors.Require(request.PublicKey, "publicKey");
            },
            (grain, context) => grain.RegisterTerminal(context, new RegisterTerminal(request.TerminalId!, request.PublicKey!)));

    private static Task<Results<Created<InstitutionResponse>, Ok<InstitutionResponse>, ProblemHttpResult>> RetireTerminal(string code, string terminalId, HttpContext http) =>
        OnInstitution(code, http, created: false, _ => { }, (grain, context) => grain.RetireTerminal(context, new RetireTerminal(terminalId)));

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> Get(string code, IClusterClient grains)
    {
        if (!InstitutionCodes.IsInstitutionCode(code))
        {
            return InvalidCode();
        }
        var result = await grains.GetInstitution(code).Get();
        return result.IsSuccess ? TypedResults.Ok(InstitutionResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<EligibilityChallengeResponse>, ProblemHttpResult>> Challenge(HttpContext http, IClusterClient grains)
    {
        var context = http.CommandContext();
        // The issuer seals it for this registered terminal only (invariant 18).
        var issued = await grains.GetChallengeIssuer(context.Scope.Terminal ?? string.Empty).IssueForTerminal(context);
        if (!issued.IsSuccess)
        {
            return issued.Error!.ToProblem();
        }
        var payload = Convert.ToBase64String(issued.Value!.Payload);
        return TypedResults.Ok(new EligibilityChallengeResponse(issued.Value.ChallengeId, payload, issued.Value.ExpiresAt, payload, issued.Value.Purpose, issued.Value.Audience));
    }

    private static async Task<Results<Ok<EligibilityCheckResponse>, ProblemHttpResult>> Check(EligibilityCheckRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (request.ChallengeId is null || request.ChallengeId == Guid.Empty)
        {
            errors.Add("challengeId", "Required.");
        }
        errors.Require(request.Method, "method");
        if (request.CertificateSerial is { } serial && (serial.Length is 0 or > 64 || !serial.All(char.IsAsciiLetterOrDigit)))
        {
            errors.Add("certificateSerial", "A certificate serial is 1 to 64 letters and digits.");
        }
        var sealedChallenge = Auth.ChipFields.Challenge(request.Challenge);
        if (sealedChallenge is null)
        {
            errors.Add("challenge", "The sealed challenge as issued (base64), at most 1,024 bytes.");
        }
        var chip = Auth.ChipFields.OptionalSignature(request.ChipSignature, "chipSignature", errors);
        var attestation = Auth.ChipFields.OptionalSignature(request.TerminalSignature, "terminalSignature", errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var command = new CheckEligibility(
            http.User.FindFirstValue(MynaClaims.Institution)!, http.User.FindFirstValue(MynaClaims.Terminal)!, request.Method!.Value,
            request.CardId is { } card ? new CardId(card) : null, request.CertificateSerial, chip, attestation, request.StaffId,
            request.Consents ?? [], request.RegisterCardForInsurance ?? false, request.DocumentNumber, sealedChallenge);
        var result = await grains.GetEligibilityChecker(command).Check(context, request.ChallengeId!.Value, command);
        return result.IsSuccess ? TypedResults.Ok(EligibilityCheckResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<ClinicConsentResponse>>, ProblemHttpResult>> Consents(PersonId personId, HttpContext http, IClusterClient grains)
    {
        if (NotOwn(personId, http) is { } refused)
        {
            return refused;
        }
        var consents = await grains.GetLedger(personId).GetClinicConsents();
        return TypedResults.Ok<IReadOnlyList<ClinicConsentResponse>>(consents
            .Select(c => new ClinicConsentResponse(c.ConsentId, c.Institution, c.Scopes, c.Method, c.StaffId, c.GivenAt, c.ValidUntil, c.Active))
            .ToList());
    }

    private static async Task<Results<Ok<IReadOnlyList<LedgerEntryResponse>>, ProblemHttpResult>> Ledger(PersonId personId, long? from, int? limit, HttpContext http, IClusterClient grains)
    {
        if (NotOwn(personId, http) is { } refused)
        {
            return refused;
        }
        if (from is < 1 || limit is < 1 or > MaxPage)
        {
            return DomainError.Validation("request.invalid", $"from is a version (1 or more), limit 1 to {MaxPage}.").ToProblem();
        }
        var entries = await grains.GetLedger(personId).GetEntries(from ?? 1, limit ?? 50);
        return TypedResults.Ok<IReadOnlyList<LedgerEntryResponse>>(entries
            .Select(e => new LedgerEntryResponse(e.Version, e.At, e.AccessorKind, e.Accessor, e.What, e.Purpose, e.Refused))
            .ToList());
    }

    private static async Task<Results<Ok<Cards.CardResponse>, ProblemHttpResult>> RegisterCard(CardId cardId, CardInsuranceRegistrationRequest request, HttpContext http, IClusterClient grains)
    {
        if (request.Channel is not (InsuranceRegistrationChannel.Portal or InsuranceRegistrationChannel.BankAtm))
        {
            return DomainError.Validation("request.invalid", "channel is portal or bank-atm; at a clinic the terminal registers the card during a check.").ToProblem();
        }
        return await OnOwnCard(cardId, http, grains, (card, context) => card.RegisterForInsurance(context, new Myna.GrainInterfaces.Cards.RegisterCardForInsurance(request.Channel.Value)));
    }

    private static Task<Results<Ok<Cards.CardResponse>, ProblemHttpResult>> CancelCard(CardId cardId, InsurerStatusRequest request, HttpContext http, IClusterClient grains) =>
        OnOwnCard(cardId, http, grains, (card, context) => card.CancelInsuranceRegistration(context, new Myna.GrainInterfaces.Cards.CancelCardInsuranceRegistration(request.Reason ?? "withdrawn by the holder")));

    private static async Task<Results<Ok<Cards.CardResponse>, ProblemHttpResult>> OnOwnCard(
        CardId cardId, HttpContext http, IClusterClient grains,
        Func<Myna.GrainInterfaces.Cards.ICardGrain, CommandContext, Task<Result<Myna.GrainInterfaces.Cards.CardView>>> call)
    {
        var grain = grains.GetCard(cardId);
        var card = await grain.GetCard();
        if (!card.IsSuccess || card.Value!.PersonId.Value.ToString("D") != http.User.FindFirstValue(MynaClaims.PersonId))
        {
            return DomainError.NotFound("card.not-found", "No card of yours exists under this id.").ToProblem();
        }
        var context = http.CommandContext();
        var result = await call(grain, context);
        return result.IsSuccess ? TypedResults.Ok(Cards.CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Created<InstitutionResponse>, Ok<InstitutionResponse>, ProblemHttpResult>> OnInstitution(
        string code, HttpContext http, bool created, Action<RequestErrors> validate,
        Func<IInstitutionGrain, CommandContext, Task<Result<InstitutionView>>> call)
    {
        if (!InstitutionCodes.IsInstitutionCode(code))
        {
            return InvalidCode();
        }
        var errors = new RequestErrors();
        validate(errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var result = await call(http.RequestServices.GetRequiredService<IClusterClient>().GetInstitution(code), context);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        return created
            ? TypedResults.Created($"/v1/institutions/{code}", InstitutionResponse.From(result.Value!))
            : TypedResults.Ok(InstitutionResponse.From(result.Value!));
    }

    private static ProblemHttpResult? NotOwn(PersonId personId, HttpContext http) =>
        http.User.FindFirstValue(MynaClaims.PersonId) == personId.ToString()
            ? null
            : DomainError.NotFound("person.not-found", "No record of yours exists under this id.").ToProblem();

    private static ProblemHttpResult InvalidCode() =>
        DomainError.Validation("institution.invalid-code", "An institution code has 10 digits and starts with a prefecture 01 to 47.").ToProblem();
}
