namespace Myna.Api.Auth;

/// <summary>The roles a token may carry (claim "role"), one per kind of caller in the domain brief.</summary>
public static class Roles
{
    public const string Resident = "resident";
    public const string Municipality = "municipality";
    public const string CallCentre = "call-centre";
    public const string Insurer = "insurer";
    public const string Terminal = "terminal";
    public const string Agency = "agency";
    public const string Auditor = "auditor";
    public const string Operator = "operator";
    /// <summary>A registered third-party app (claim <see cref="MynaClaims.AppId"/>), reading under residents' consents.</summary>
    public const string App = "app";
    /// <summary>A convenience-store kiosk (claim <see cref="MynaClaims.Kiosk"/>).</summary>
    public const string Kiosk = "kiosk";

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
    public const string Municipality = "municipality";
    public const string Insurer = "insurer";
    public const string Institution = "institution";
    /// <summary>A reception terminal's id at its institution.</summary>
    public const string Terminal = "terminal_id";
    public const string Agency = "agency";
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
