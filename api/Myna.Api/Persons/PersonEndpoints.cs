using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.Api.Portal;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Persons;

/// <summary>The municipality counter: residents, their numbers, certificates, income and identity checks.</summary>
public static class PersonEndpoints
{
    public static IEndpointRouteBuilder MapPersonEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/persons")
            .WithTags("Persons")
            .RequireAuthorization(Policies.Municipality);

        group.MapPost("/", Register).WithName("RegisterPerson");
        group.MapGet("/{personId}", Get).WithName("GetPerson");
        group.MapPost("/{personId}/individual-number", AssignNumber).WithName("AssignIndividualNumber");
        group.MapPost("/{personId}/individual-number/replacement", ReplaceNumber).WithName("ReplaceIndividualNumber")
            .WithSummary("Request a new number after a leak decision: 202, carried out once a second clerk approves");
        group.MapPost("/{personId}/individual-number/replacement/approval", ApproveReplacement).WithName("ApproveNumberReplacement")
            .WithSummary("A second clerk of the municipality (not the requester) approves the pending replacement");
        group.MapPost("/{personId}/moves", RecordMove).WithName("RecordMove")
            .WithSummary("A move within the managing municipality (a new address)");
        // Moves between municipalities are transfers (invariant 17): move-out here, move-in by the destination.
        group.MapPost("/{personId}/move-outs", RecordMoveOut).WithName("RecordMoveOut");
        group.MapPost("/{personId}/move-outs/cancellation", CancelMoveOut).WithName("CancelMoveOut");
        app.MapPost("/v1/move-ins", RecordMoveIn).WithTags("Persons").WithName("RecordMoveIn").RequireAuthorization(Policies.Municipality);
        app.MapPost("/v1/me/move-outs", ResidentMoveOut).WithTags("Resident portal").WithName("RecordOwnMoveOut").RequireAuthorization(Policies.Residents)
            .WithSummary("Record one's own move-out online: the answer's transferReference is for the new municipality's move-in")
            .WithExamples(new MoveOutRequest("272019", new DateOnly(2026, 12, 20)),
                new MoveOutResponse(Guid.Parse("0193a5b0-0000-7000-8000-000000000001"), "0193a5b0000070008000000000000001.r5Qm9vdHN0cmFwLXNlY3JldC1leGFtcGxl", "272019",
                    new DateOnly(2026, 12, 20), new DateOnly(2027, 1, 19)));
        group.MapPost("/{personId}/name-changes", Rename).WithName("RenamePerson");
        group.MapPost("/{personId}/closure", Close).WithName("CloseResidentRecord");
        group.MapPost("/{personId}/disability-certificates", RecordCertificate).WithName("RecordDisabilityCertificate");
        group.MapPut("/{personId}/disability-certificates/{certificateNumber}", UpdateCertificate).WithName("UpdateDisabilityCertificate");
        group.MapPost("/{personId}/disability-certificates/{certificateNumber}/expiry", ExpireCertificate).WithName("ExpireDisabilityCertificate");
        group.MapPost("/{personId}/income-summaries", RecordIncome).WithName("RecordIncomeSummary");
        group.MapPost("/{personId}/personal-data-erasure", Erase).WithName("ErasePersonalData")
            .WithSummary("Request the erasure of a closed resident record's personal data: 202, carried out once a second clerk approves");
        group.MapPost("/{personId}/personal-data-erasure/approval", ApproveErasure).WithName("ApprovePersonalDataErasure")
            .WithSummary("A second clerk of the municipality (not the requester) approves the pending erasure (crypto-shredding: the person's key is destroyed)");
        group.MapPost("/{personId}/identity-verifications", VerifyIdentity).WithName("VerifyIdentity");
        // The number travels in the body, never in a URL (URLs end up in access logs).
        group.MapPost("/lookup", LookupByNumber).WithName("LookupPersonByNumber");
        return app;
    }

    private static async Task<Results<Created<PersonResponse>, ProblemHttpResult>> Register(
        RegisterPersonRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Name, "name");
        errors.Require(request.Address, "address");
        errors.Require(request.DateOfBirth, "dateOfBirth");
        errors.Require(request.Sex, "sex");
        errors.Require(request.Reason, "reason");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();

        // A retried registration (same Idempotency-Key) must land on the same person, not a new one.
        var personId = new PersonId(CommandContext.DerivedId(context.CommandId, "person"));
        var command = new RegisterPerson(
            new BasicFourItems(request.Name!, request.Address!, request.DateOfBirth!.Value, request.Sex!.Value),
            Municipality(http.User), request.Reason!.Value);
        var result = await grains.GetPerson(personId).Register(context, command);
        return result.IsSuccess
            ? TypedResults.Created($"/v1/persons/{personId}", PersonResponse.From(result.Value!))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> Get(PersonId personId, HttpContext http, IClusterClient grains)
    {
        var id = personId;
        var result = await grains.GetPerson(id).GetProfile();
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        // A municipality reads the residents on its own record, and the read is on the resident's ledger (invariant 22).
        if (result.Value!.Municipality != Municipality(http.User))
        {
            return OtherMunicipality();
        }
        return await Commands.StaffReads.RecordAsync(http, grains, id, "resident-record", "municipality counter") is { } unrecorded
            ? unrecorded
            : TypedResults.Ok(PersonResponse.From(result.Value));
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> AssignNumber(PersonId personId, HttpContext http, IClusterClient grains) =>
        OnPerson(personId, http, new RequestErrors(), (grain, context) =>
            grain.AssignIndividualNumber(context, new AssignIndividualNumber(Municipality(http.User))));

    private static async Task<Results<Ok<PersonResponse>, Accepted<PersonResponse>, ProblemHttpResult>> ReplaceNumber(
        PersonId personId, ReplaceNumberRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.LeakDecisionReference, "leakDecisionReference");
        return AwaitingApproval(await OnPerson(personId, http, errors, (grain, context) =>
            grain.ReplaceIndividualNumber(context, new ReplaceIndividualNumber(request.LeakDecisionReference!, Municipality(http.User)))),
            PendingApproval.NumberReplacement, $"/v1/persons/{personId}/individual-number/replacement/approval");
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> ApproveReplacement(PersonId personId, HttpContext http) =>
        OnPerson(personId, http, new RequestErrors(), (grain, context) =>
            grain.ApproveNumberReplacement(context, new ApproveNumberReplacement(Municipality(http.User))));

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> ApproveErasure(PersonId personId, HttpContext http) =>
        OnPerson(personId, http, new RequestErrors(), (grain, context) =>
            grain.ApprovePersonalDataErasure(context, new ApprovePersonalDataErasure(Municipality(http.User))));

    /// <summary>A request of a two-person operation answers 202 while it waits for the second person, naming where to approve.</summary>
    private static Results<Ok<PersonResponse>, Accepted<PersonResponse>, ProblemHttpResult> AwaitingApproval(
        Results<Ok<PersonResponse>, ProblemHttpResult> result, string operation, string approvalPath) =>
        result.Result switch
        {
            Ok<PersonResponse> ok when ok.Value!.PendingApprovals.Any(p => p.Operation == operation) => TypedResults.Accepted(approvalPath, ok.Value),
            Ok<PersonResponse> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> RecordMove(
        PersonId personId, RecordMoveRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.NewAddress, "newAddress");
        errors.Require(request.MovedOn, "movedOn");
        return OnPerson(personId, http, errors, (grain, context) =>
            grain.RecordMove(context, new RecordMove(request.NewAddress!, Municipality(http.User), request.MovedOn!.Value)));
    }

    private static Task<Results<Created<MoveOutResponse>, ProblemHttpResult>> RecordMoveOut(
        PersonId personId, MoveOutRequest request, HttpContext http) =>
        MoveOut(personId, request, http);

    /// <summary>The resident records their own move-out online; the reference is theirs to take to the new municipality.</summary>
    private static Task<Results<Created<MoveOutResponse>, ProblemHttpResult>> ResidentMoveOut(MoveOutRequest request, HttpContext http) =>
        PersonId.TryParse(http.User.FindFirstValue(MynaClaims.PersonId), out var self)
            ? MoveOut(self, request, http)
            : Task.FromResult<Results<Created<MoveOutResponse>, ProblemHttpResult>>(InvalidPersonId());

    private static async Task<Results<Created<MoveOutResponse>, ProblemHttpResult>> MoveOut(PersonId personId, MoveOutRequest request, HttpContext http)
    {
        var id = personId;
        var errors = new RequestErrors();
        if (!MunicipalityCode.IsValid(request.DestinationMunicipality))
        {
            errors.Add("destinationMunicipality", "A municipality code has 6 digits.");
        }
        errors.Require(request.PlannedMoveOn, "plannedMoveOn");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var grains = http.RequestServices.GetRequiredService<IClusterClient>();
        var result = await grains.GetPerson(id).RecordMoveOut(context,
            new RecordMoveOut(new MunicipalityCode(request.DestinationMunicipality!), request.PlannedMoveOn!.Value));
        return result.IsSuccess
            ? TypedResults.Created($"/v1/persons/{id}", MoveOutResponse.From(result.Value!))
            : result.Error!.ToProblem();
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> CancelMoveOut(PersonId personId, HttpContext http) =>
        OnPerson(personId, http, new RequestErrors(), (grain, context) => grain.CancelMoveOut(context, new CancelMoveOut(Municipality(http.User))));

    /// <summary>
    /// The destination's move-in. A reference that is garbled, unknown, expired, cancelled, used or meant for
    /// another municipality answers the same 404: the reference tells nothing about anyone.
    /// </summary>
    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> RecordMoveIn(MoveInRequest request, HttpContext http)
    {
        var errors = new RequestErrors();
        errors.Require(request.TransferReference, "transferReference");
        errors.Require(request.NewAddress, "newAddress");
        errors.Require(request.MovedOn, "movedOn");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!TransferReference.TryParse(request.TransferReference, out var person, out var secret))
        {
            return TransferReference.NotFound.ToProblem();
        }
        var context = http.CommandContext();
        var grains = http.RequestServices.GetRequiredService<IClusterClient>();
        var result = await grains.GetPerson(person).RecordMoveIn(context,
            new RecordMoveIn(secret, request.NewAddress!, request.MovedOn!.Value, Municipality(http.User)));
        return result.IsSuccess ? TypedResults.Ok(PersonResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> Rename(
        PersonId personId, RenameRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.NewName, "newName");
        return OnPerson(personId, http, errors, (grain, context) =>
            grain.Rename(context, new RenamePerson(request.NewName!, Municipality(http.User))));
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> Close(
        PersonId personId, CloseRecordRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Reason, "reason");
        errors.Require(request.EffectiveOn, "effectiveOn");
        return OnPerson(personId, http, errors, (grain, context) =>
            grain.CloseRecord(context, new CloseResidentRecord(request.Reason!.Value, request.EffectiveOn!.Value, Municipality(http.User))));
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> RecordCertificate(
        PersonId personId, RecordDisabilityCertificateRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.CertificateNumber, "certificateNumber");
        errors.Require(request.Kind, "kind");
        errors.Require(request.Grade, "grade");
        errors.Require(request.Issuer, "issuer");
        errors.Require(request.ValidFrom, "validFrom");
        return OnPerson(personId, http, errors, (grain, context) => grain.RecordDisabilityCertificate(context,
            new RecordDisabilityCertificate(request.CertificateNumber!, request.Kind!.Value, request.Grade!, request.Issuer!,
                request.ValidFrom!.Value, request.ValidUntil, Municipality(http.User))));
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> UpdateCertificate(
        PersonId personId, string certificateNumber, UpdateDisabilityCertificateRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.Grade, "grade");
        return OnPerson(personId, http, errors, (grain, context) => grain.UpdateDisabilityCertificate(context,
            new UpdateDisabilityCertificate(certificateNumber, request.Grade!, request.ValidUntil, Municipality(http.User))));
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> ExpireCertificate(
        PersonId personId, string certificateNumber, ExpireDisabilityCertificateRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.ExpiredOn, "expiredOn");
        return OnPerson(personId, http, errors, (grain, context) => grain.ExpireDisabilityCertificate(context,
            new ExpireDisabilityCertificate(certificateNumber, request.ExpiredOn!.Value, Municipality(http.User))));
    }

    private static Task<Results<Ok<PersonResponse>, ProblemHttpResult>> RecordIncome(
        PersonId personId, RecordIncomeSummaryRequest request, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        errors.Require(request.FiscalYear, "fiscalYear");
        errors.Require(request.TotalIncomeYen, "totalIncomeYen");
        errors.Require(request.TaxableIncomeYen, "taxableIncomeYen");
        return OnPerson(personId, http, errors, (grain, context) => grain.RecordIncomeSummary(context,
            new RecordIncomeSummary(request.FiscalYear!.Value, request.TotalIncomeYen!.Value, request.TaxableIncomeYen!.Value, Municipality(http.User))));
    }

    private static async Task<Results<Ok<IdentityVerificationResponse>, ProblemHttpResult>> VerifyIdentity(
        PersonId personId, IdentityVerificationRequest request, HttpContext http, IClusterClient grains)
    {
        var id = personId;
        var errors = new RequestErrors();
        var command = request.ToCommand(errors);
        if (command is null)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var person = grains.GetPerson(id);
        if (await ManagedElsewhere(person, http.User) is { } refused)
        {
            return refused;
        }
        var result = await person.VerifyIdentity(context, command);
        return result.IsSuccess ? TypedResults.Ok(IdentityVerificationResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<NumberLookupResponse>, ProblemHttpResult>> LookupByNumber(
        NumberLookupRequest request, HttpContext http, IClusterClient grains)
    {
        if (!ApiProblems.TryParseNumber(request.IndividualNumber, out var number, out var invalid))
        {
            return invalid;
        }
        var lookup = await grains.GetNumberDirectory().Resolve(number);
        if (!lookup.IsSuccess)
        {
            Commands.LookupAudit.Record(http, "number", "not found");
            return lookup.Error!.ToProblem();
        }
        var found = lookup.Value!;
        // Invariant 16: another municipality's resident answers exactly as a number never issued.
        if (await ManagedElsewhere(grains.GetPerson(found.PersonId), http.User) is not null)
        {
            Commands.LookupAudit.Record(http, "number", "not found");
            return NumberNotFound();
        }
        // A hit is a read of the person's record: on their ledger before the answer leaves (invariant 22).
        if (await Commands.StaffReads.RecordAsync(http, grains, found.PersonId, "number-lookup", "municipality counter") is { } unrecorded)
        {
            return unrecorded;
        }
        Commands.LookupAudit.Record(http, "number", "found");
        // A replaced number still answers, flagged, for the person who held it: never for anybody else.
        return TypedResults.Ok(new NumberLookupResponse(found.PersonId.Value, found.Status));
    }

    /// <summary>The shared shape of a clerk's command on one person: parse, validate, command context, call, map.</summary>
    private static async Task<Results<Ok<PersonResponse>, Accepted<PersonResponse>, ProblemHttpResult>> Erase(
        PersonId personId, ErasePersonalDataRequest request, HttpContext http)
    {
        var errors = new RequestErrors();
        errors.Require(request.LegalBasis, "legalBasis");
        return AwaitingApproval(await OnPerson(personId, http, errors, (grain, context) => grain.ErasePersonalData(context,
            new ErasePersonalData(request.LegalBasis!, Municipality(http.User)))),
            PendingApproval.Erasure, $"/v1/persons/{personId}/personal-data-erasure/approval");
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> OnPerson(
        PersonId personId, HttpContext http, RequestErrors errors, Func<IPersonGrain, CommandContext, Task<Result<PersonProfile>>> call)
    {
        var id = personId;
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = http.CommandContext();
        var grains = http.RequestServices.GetRequiredService<IClusterClient>();
        var result = await call(grains.GetPerson(id), context);
        return result.IsSuccess ? TypedResults.Ok(PersonResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<ProblemHttpResult?> ManagedElsewhere(IPersonGrain person, ClaimsPrincipal user)
    {
        var profile = await person.GetProfile();
        if (!profile.IsSuccess)
        {
            return profile.Error!.ToProblem();
        }
        return profile.Value!.Municipality == Municipality(user) ? null : OtherMunicipality();
    }

    private static MunicipalityCode Municipality(ClaimsPrincipal user) =>
        new(user.FindFirstValue(MynaClaims.Municipality) ?? string.Empty);

    private static ProblemHttpResult InvalidPersonId() => RouteIds.Problem(typeof(PersonId));

    private static ProblemHttpResult NumberNotFound() =>
        DomainError.NotFound("individual-number.not-found", "No person holds this Individual Number.").ToProblem();

    private static ProblemHttpResult OtherMunicipality() =>
        DomainError.Forbidden("person.other-municipality", "The person is on another municipality's resident record.").ToProblem();
}
