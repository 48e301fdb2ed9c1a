using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Kiosks;

namespace Myna.Api.Kiosks;

public sealed record ServiceHoursRequest(string? Opens, string? Closes);

public sealed record RegisterKioskRequest(string? Store, string? Prefecture, ServiceHoursRequest? Hours);

public sealed record WithdrawKioskRequest(string? Reason);

public sealed record KioskResponse(string KioskId, string Store, string Prefecture, string? Opens, string? Closes, bool Active, long Version)
{
    public static KioskResponse From(KioskView v) =>
        new(v.KioskId, v.Store, v.Prefecture, v.Hours?.Opens.ToString("HH:mm", CultureInfo.InvariantCulture),
            v.Hours?.Closes.ToString("HH:mm", CultureInfo.InvariantCulture), v.Active, v.Version);
}

public sealed record KioskSessionResponse(Guid SessionId, string Nonce, DateTimeOffset ExpiresAt);

public sealed record BindCardRequest(string? CertificateSerial, string? Signature);

public sealed record KioskBindingResponse(Guid SessionId, Guid CardId);

public sealed record KioskCertificateRequest(KioskDocumentKind? Kind, int? FiscalYear);

public sealed record HolderResponse(string Name, string Address, DateOnly DateOfBirth, Sex Sex);

/// <summary>The printed document. No Individual Number: a kiosk copy never carries it.</summary>
public sealed record KioskDocumentResponse(
    Guid DocumentId, KioskDocumentKind Kind, string IssuedBy, DateTimeOffset IssuedAt, string Kiosk, HolderResponse Holder,
    int? FiscalYear, long? TotalIncomeYen, long? TaxableIncomeYen, string VerificationCode, string ContentDigest)
{
    public static KioskDocumentResponse From(KioskDocument d) =>
        new(d.DocumentId, d.Kind, d.IssuedBy.Value, d.IssuedAt, d.Kiosk, new HolderResponse(d.Holder.Name, d.Holder.Address, d.Holder.DateOfBirth, d.Holder.Sex),
            d.FiscalYear, d.TotalIncomeYen, d.TaxableIncomeYen, d.VerificationCode, d.ContentDigest);
}

/// <summary>A confirmed document. <see cref="HolderName"/> only for a verifier who presented the holder's date of birth.</summary>
public sealed record DocumentVerificationResponse(Guid DocumentId, KioskDocumentKind Kind, string? HolderName, string IssuedBy, DateTimeOffset IssuedAt, string Kiosk, string ContentDigest);

/// <summary>The holder's date of birth, as the verifier reads it on the document or hears it from the holder.</summary>
public sealed record HolderCheckRequest(DateOnly? DateOfBirth);

public sealed record ProtectionMeasureRequest(ProtectionReason? Reason);

/// <summary>
/// Convenience-store issuance: operators register kiosks; a kiosk opens a session, binds the card that
/// signs the session's nonce, and prints one certificate; anyone checks a printed verification code.
/// Municipalities place records under a protection measure, which stops kiosk issuance.
/// </summary>
public static class KioskEndpoints
{
    public static IEndpointRouteBuilder MapKioskEndpoints(this IEndpointRouteBuilder app)
    {
        var kiosks = app.MapGroup("/v1/kiosks").WithTags("Convenience-store kiosks").RequireAuthorization(Policies.Operator);
        kiosks.MapPost("/{kioskId}", Register).WithName("RegisterKiosk");
        kiosks.MapGet("/{kioskId}", Get).WithName("GetKiosk");
        kiosks.MapPost("/{kioskId}/withdrawal", Withdraw).WithName("WithdrawKiosk");

        var sessions = app.MapGroup("/v1/kiosk-sessions").WithTags("Convenience-store kiosks").RequireAuthorization(Policies.Kiosk);
        sessions.MapPost("/", Open).WithName("OpenKioskSession");
        sessions.MapPost("/{sessionId:guid}/card", Bind).WithName("BindCardToKioskSession");
        sessions.MapPost("/{sessionId:guid}/certificates", Issue).WithName("IssueKioskCertificate");

        app.MapGet("/v1/document-verifications/{code}", Verify)
            .WithTags("Convenience-store kiosks").WithName("VerifyIssuedDocument").AllowAnonymous()
            .WithDescription("Confirms the document (kind, issuer, kiosk, time, content digest) without naming the holder.");
        app.MapPost("/v1/document-verifications/{code}", VerifyHolder)
            .WithTags("Convenience-store kiosks").WithName("VerifyIssuedDocumentHolder").AllowAnonymous()
            .WithDescription("The same with the holder's name, for a verifier who presents the holder's date of birth; a wrong date is 404 like an unknown code.");

        var protection = app.MapGroup("/v1/persons/{personId:guid}/protection-measure").WithTags("Persons").RequireAuthorization(Policies.Municipality);
        protection.MapPut("/", StartProtection).WithName("StartProtectionMeasure");
        protection.MapDelete("/", EndProtection).WithName("EndProtectionMeasure");
        return app;
    }

    private static async Task<Results<Ok<KioskResponse>, ProblemHttpResult>> Register(string kioskId, RegisterKioskRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Store, "store");
        errors.Require(request.Prefecture, "prefecture");
        ServiceHours? hours = null;
        if (request.Hours is { } h)
        {
            if (TimeOnly.TryParseExact(h.Opens, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var opens)
                && TimeOnly.TryParseExact(h.Closes, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var closes))
            {
                hours = new ServiceHours(opens, closes);
            }
            else
            {
                errors.Add("hours", "Opening and closing times as HH:mm (Japan time).");
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        return ToResponse(await grains.GetKiosk(kioskId).Register(context, new RegisterKiosk(request.Store!, request.Prefecture!, hours)));
    }

    private static async Task<Results<Ok<KioskResponse>, ProblemHttpResult>> Get(string kioskId, IClusterClient grains) =>
        ToResponse(await grains.GetKiosk(kioskId).Get());

    private static async Task<Results<Ok<KioskResponse>, ProblemHttpResult>> Withdraw(string kioskId, WithdrawKioskRequest request, HttpContext http, IClusterClient grains)
    {
        var context = http.CommandContext();
        return ToResponse(await grains.GetKiosk(kioskId).Withdraw(context, new WithdrawKiosk(request.Reason ?? string.Empty)));
    }

    private static async Task<Results<Created<KioskSessionResponse>, ProblemHttpResult>> Open(HttpContext http, IClusterClient grains)
    {
        var opened = await grains.GetKioskSession(Guid.NewGuid()).Open(Kiosk(http.User));
        if (!opened.IsSuccess)
        {
            return opened.Error!.ToProblem();
        }
        var session = opened.Value!;
        return TypedResults.Created($"/v1/kiosk-sessions/{session.SessionId:D}",
            new KioskSessionResponse(session.SessionId, Convert.ToBase64String(session.Nonce), session.ExpiresAt));
    }

    private static async Task<Results<Ok<KioskBindingResponse>, ProblemHttpResult>> Bind(Guid sessionId, BindCardRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        if (!ChipFields.IsSerial(request.CertificateSerial))
        {
            errors.Add("certificateSerial", "A certificate serial is 1 to 64 letters and digits.");
        }
        var signature = ChipFields.Signature(request.Signature);
        if (signature is null)
        {
            errors.Add("signature", "The chip's signature over the session nonce, base64, at most 256 bytes.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var bound = await grains.GetKioskSession(sessionId).BindCard(Kiosk(http.User), request.CertificateSerial!, signature!);
        return bound.IsSuccess
            ? TypedResults.Ok(new KioskBindingResponse(bound.Value!.SessionId, bound.Value.Card.Value))
            : bound.Error!.ToProblem();
    }

    private static async Task<Results<Ok<KioskDocumentResponse>, ProblemHttpResult>> Issue(Guid sessionId, KioskCertificateRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Kind, "kind");
        if (request.Kind == KioskDocumentKind.TaxationCertificate && request.FiscalYear is not (>= 2000 and <= 2100))
        {
            errors.Add("fiscalYear", "A taxation certificate needs its fiscal year (2000 to 2100).");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var kind = request.Kind!.Value;
        var issued = await grains.GetKioskSession(sessionId).Request(context, Kiosk(http.User),
            new KioskRequest(kind, kind == KioskDocumentKind.TaxationCertificate ? request.FiscalYear : null));
        return issued.IsSuccess ? TypedResults.Ok(KioskDocumentResponse.From(issued.Value!)) : issued.Error!.ToProblem();
    }

    private static async Task<Results<Ok<DocumentVerificationResponse>, ProblemHttpResult>> Verify(string code, IClusterClient grains) =>
        code.Length > 40 ? InvalidVerificationCode() : ToVerificationResponse(await grains.GetDocumentVerifier().Verify(code));

    private static async Task<Results<Ok<DocumentVerificationResponse>, ProblemHttpResult>> VerifyHolder(string code, HolderCheckRequest request, IClusterClient grains)
    {
        if (code.Length > 40)
        {
            return InvalidVerificationCode();
        }
        if (request.DateOfBirth is not { } dateOfBirth)
        {
            return DomainError.Validation("request.invalid", "dateOfBirth (the holder's date of birth, YYYY-MM-DD) is required.").ToProblem();
        }
        return ToVerificationResponse(await grains.GetDocumentVerifier().VerifyHolder(code, dateOfBirth));
    }

    private static ProblemHttpResult InvalidVerificationCode() =>
        DomainError.Validation("document.invalid-verification-code", "A verification code is 16 letters and digits, dashes allowed.").ToProblem();

    private static Results<Ok<DocumentVerificationResponse>, ProblemHttpResult> ToVerificationResponse(Result<DocumentVerification> found)
    {
        if (!found.IsSuccess)
        {
            return found.Error!.ToProblem();
        }
        var v = found.Value!;
        return TypedResults.Ok(new DocumentVerificationResponse(v.DocumentId, v.Kind, v.HolderName, v.IssuedBy.Value, v.IssuedAt, v.Kiosk, v.ContentDigest));
    }

    private static Task<Results<Ok<ProtectionMeasureResponse>, ProblemHttpResult>> StartProtection(PersonId personId, ProtectionMeasureRequest request, HttpContext http)
    {
        var errors = new RequestErrors();
        errors.Require(request.Reason, "reason");
        return OnProtection(personId, http, errors, (person, context, municipality) =>
            person.StartProtectionMeasure(context, new StartProtectionMeasure(request.Reason!.Value, municipality)));
    }

    private static Task<Results<Ok<ProtectionMeasureResponse>, ProblemHttpResult>> EndProtection(PersonId personId, HttpContext http) =>
        OnProtection(personId, http, new RequestErrors(), (person, context, municipality) =>
            person.EndProtectionMeasure(context, new EndProtectionMeasure(municipality)));

    private static async Task<Results<Ok<ProtectionMeasureResponse>, ProblemHttpResult>> OnProtection(
        PersonId personId, HttpContext http, RequestErrors errors, Func<IPersonGrain, CommandContext, MunicipalityCode, Task<Result<PersonProfile>>> call)
    {
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var grains = http.RequestServices.GetRequiredService<IClusterClient>();
        var municipality = new MunicipalityCode(http.User.FindFirstValue(MynaClaims.Municipality) ?? string.Empty);
        var result = await call(grains.GetPerson(personId), context, municipality);
        return result.IsSuccess ? TypedResults.Ok(new ProtectionMeasureResponse(personId.Value, result.Value!.Version)) : result.Error!.ToProblem();
    }

    private static Results<Ok<KioskResponse>, ProblemHttpResult> ToResponse(Result<KioskView> result) =>
        result.IsSuccess ? TypedResults.Ok(KioskResponse.From(result.Value!)) : result.Error!.ToProblem();

    private static string Kiosk(ClaimsPrincipal user) => user.FindFirstValue(MynaClaims.Kiosk) ?? string.Empty;
}

public sealed record ProtectionMeasureResponse(Guid PersonId, long Version);
