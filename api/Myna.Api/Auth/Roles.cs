using Myna.GrainInterfaces.Common;

namespace Myna.Api.Auth;

/// <summary>The roles a token may carry (claim "role"), one per kind of caller in the domain brief; the names are the domain's <see cref="ActorRoles"/>.</summary>
public static class Roles
{
    public const string Resident = ActorRoles.Resident;
    public const string Municipality = ActorRoles.Municipality;
    public const string CallCentre = ActorRoles.CallCentre;
    public const string Insurer = ActorRoles.Insurer;
    public const string Terminal = ActorRoles.Terminal;
    public const string Agency = ActorRoles.Agency;
    public const string Auditor = ActorRoles.Auditor;
    public const string Operator = ActorRoles.Operator;
    /// <summary>A registered third-party app (claim <see cref="MynaClaims.AppId"/>), reading under residents' consents.</summary>
    public const string App = ActorRoles.App;
    /// <summary>A convenience-store kiosk (claim <see cref="MynaClaims.Kiosk"/>).</summary>
    public const string Kiosk = ActorRoles.Kiosk;

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Resident, Municipality, CallCentre, Insurer, Terminal, Agency, Auditor, Operator, App, Kiosk,
    };
}

/// <summary>Claims that scope a role: which municipality, insurer, institution or person a caller acts for.</summary>
public static class MynaClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Municipality = ActorRoles.Municipality;
    public const string Insurer = ActorRoles.Insurer;
    public const string Institution = "institution";
    /// <summary>A reception terminal's id at its institution.</summary>
    public const string Terminal = "terminal_id";
    public const string Agency = ActorRoles.Agency;
    public const string PersonId = "person_id";
    public const string Channel = "channel";
    /// <summary>A third-party app's registered id.</summary>
    public const string AppId = "app_id";
    /// <summary>The card a resident logged in to the portal with.</summary>
    public const string CardId = "card_id";
    /// <summary>The portal session a resident's access token belongs to.</summary>
    public const string SessionId = "sid";
    /// <summary>A convenience-store kiosk's registered id.</summary>
    public const string Kiosk = "kiosk_id";
}
