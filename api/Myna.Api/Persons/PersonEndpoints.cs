using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Commands;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Api.Persons;

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
        group.MapPost("/{personId}/moves", RecordMove).WithName("RecordMove");
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
        if (!TryCommand(http, out var context, out var problem))
        {
            return problem;
        }

        // A retried registration (same Idempotency-Key) must land on the same person, not a new one.
        var personId = new PersonId(CommandContextFactory.DerivedId(context.CommandId, "person"));
        var command = new RegisterPerson(
            new BasicFourItems(request.Name!, request.Address!, request.DateOfBirth!.Value, request.Sex!.Value),
            Municipality(http.User), request.Reason!.Value);
        var result = await grains.GetPerson(personId).Register(context, command);
        return result.IsSuccess
            ? TypedResults.Created($"/v1/persons/{personId}", PersonResponse.From(result.Value!))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> Get(string personId, HttpContext http, IClusterClient grains)
    {
        if (!PersonId.TryParse(personId, out var id))
        {
            return InvalidPersonId();
        }
        var result = await grains.GetPerson(id).GetProfile();
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        // A municipality reads the residents on its own record.
        return result.Value!.Municipality == Municipality(http.User)
            ? TypedResults.Ok(PersonResponse.From(result.Value))
            : OtherMunicipality();
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> AssignNumber(string personId, HttpContext http, IClusterClient grains)
    {
        if (!PersonId.TryParse(personId, out var id))
        {
            return InvalidPersonId();
        }
        if (!TryCommand(http, out var context, out var problem))
        {
            return problem;
        }
        var result = await grains.GetPerson(id).AssignIndividualNumber(context, new AssignIndividualNumber(Municipality(http.User)));
        return result.IsSuccess ? TypedResults.Ok(PersonResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> RecordMove(
        string personId, RecordMoveRequest request, HttpContext http, IClusterClient grains)
    {
        if (!PersonId.TryParse(personId, out var id))
        {
            return InvalidPersonId();
        }
        var errors = new RequestErrors();
        errors.Require(request.NewAddress, "newAddress");
        errors.Require(request.MovedOn, "movedOn");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!TryCommand(http, out var context, out var problem))
        {
            return problem;
        }
        var result = await grains.GetPerson(id).RecordMove(context,
            new RecordMove(request.NewAddress!, Municipality(http.User), request.MovedOn!.Value));
        return result.IsSuccess ? TypedResults.Ok(PersonResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<NumberLookupResponse>, ProblemHttpResult>> LookupByNumber(
        NumberLookupRequest request, HttpContext http, IClusterClient grains)
    {
        if (!IndividualNumber.TryParse(request.IndividualNumber, out var number, out var error))
        {
            return error == IndividualNumberError.InvalidCheckDigit
                ? ApiProblems.Problem(400, "individual-number.invalid-check-digit", "The Individual Number's check digit is wrong.")
                : ApiProblems.Problem(400, "individual-number.invalid-format", "An Individual Number is exactly 12 digits.");
        }
        var person = await grains.GetNumberDirectory().Resolve(number);
        if (!person.IsSuccess)
        {
            return person.Error!.ToProblem();
        }
        var profile = await grains.GetPerson(person.Value).GetProfile();
        return profile.Value?.Municipality == Municipality(http.User)
            ? TypedResults.Ok(new NumberLookupResponse(person.Value.Value))
            : OtherMunicipality();
    }

    private static bool TryCommand(HttpContext http, out CommandContext context, out ProblemHttpResult problem)
    {
        if (CommandContextFactory.TryCreate(http, out context, out var error))
        {
            problem = null!;
            return true;
        }
        problem = ApiProblems.Problem(400, "idempotency-key.invalid", error!);
        return false;
    }

    private static MunicipalityCode Municipality(ClaimsPrincipal user) =>
        new(user.FindFirstValue(MynaClaims.Municipality) ?? string.Empty);

    private static ProblemHttpResult InvalidPersonId() =>
        ApiProblems.Problem(400, "person.invalid-id", "A person id is a UUID.");

    private static ProblemHttpResult OtherMunicipality() =>
        ApiProblems.Problem(403, "person.other-municipality", "The person is on another municipality's resident record.");
}
