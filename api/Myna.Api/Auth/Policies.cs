using Microsoft.AspNetCore.Authorization;
using Myna.GrainInterfaces.Common;

namespace Myna.Api.Auth;

/// <summary>Authorization policies: a role, and for scoped roles the claim that scopes them.</summary>
public static class Policies
{
    public const string Municipality = "municipality";
    public const string Auditor = "auditor";
    public const string Agency = "agency";
    public const string CallCentre = "call-centre";
    public const string Operator = "operator";
    public const string CardViewers = "card-viewers";
    public const string LossReporters = "loss-reporters";
    public const string Holders = "holders";
    public const string Insurer = "insurer";
    public const string Terminal = "terminal";
    public const string InsurerRegistry = "insurer-registry";
    public const string Residents = "residents";
    public const string Apps = "apps";
    public const string Kiosk = "kiosk";
    public const string AuditorOrOperator = "auditor-or-operator";

    public static AuthorizationBuilder AddMynaPolicies(this AuthorizationBuilder auth) => auth
        .AddPolicy(Municipality, p => p
            .RequireRole(Roles.Municipality)
            .RequireAssertion(c => MunicipalityCode.IsValid(c.User.FindFirst(MynaClaims.Municipality)?.Value)))
        .AddPolicy(Auditor, p => p.RequireRole(Roles.Auditor))
        .AddPolicy(CallCentre, p => p.RequireRole(Roles.CallCentre))
        .AddPolicy(Operator, p => p.RequireRole(Roles.Operator))
        .AddPolicy(CardViewers, p => p.RequireRole(Roles.Municipality, Roles.CallCentre, Roles.Resident))
        .AddPolicy(LossReporters, p => p.RequireRole(Roles.CallCentre, Roles.Resident))
        .AddPolicy(Holders, p => p.RequireRole(Roles.Resident))
        .AddPolicy(Insurer, p => p
            .RequireRole(Roles.Insurer)
            .RequireAssertion(c => !string.IsNullOrWhiteSpace(c.User.FindFirst(MynaClaims.Insurer)?.Value)))
        .AddPolicy(InsurerRegistry, p => p.RequireRole(Roles.Operator, Roles.Insurer))
        .AddPolicy(Terminal, p => p
            .RequireRole(Roles.Terminal)
            .RequireAssertion(c => !string.IsNullOrWhiteSpace(c.User.FindFirst(MynaClaims.Institution)?.Value)
                && !string.IsNullOrWhiteSpace(c.User.FindFirst(MynaClaims.Terminal)?.Value)))
        .AddPolicy(Residents, p => p
            .RequireRole(Roles.Resident)
            .RequireAssertion(c => Guid.TryParse(c.User.FindFirst(MynaClaims.PersonId)?.Value, out var id) && id != Guid.Empty))
        .AddPolicy(Apps, p => p
            .RequireRole(Roles.App)
            .RequireAssertion(c => !string.IsNullOrWhiteSpace(c.User.FindFirst(MynaClaims.AppId)?.Value)))
        .AddPolicy(Kiosk, p => p
            .RequireRole(Roles.Kiosk)
            .RequireAssertion(c => !string.IsNullOrWhiteSpace(c.User.FindFirst(MynaClaims.Kiosk)?.Value)))
        .AddPolicy(AuditorOrOperator, p => p.RequireRole(Roles.Auditor, Roles.Operator))
        .AddPolicy(Agency, p => p
            .RequireRole(Roles.Agency)
            .RequireAssertion(c => !string.IsNullOrWhiteSpace(c.User.FindFirst(MynaClaims.Agency)?.Value)));
}
