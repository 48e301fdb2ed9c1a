using System.Text;

namespace Myna.IntegrationTests.Api.Authorization;

/// <summary>Who passes the API's first gate (the endpoint's authorization policy).</summary>
public enum Gate
{
    /// <summary>No token needed: public, or authenticated by what the body carries (a chip signature, a refresh token).</summary>
    Anonymous,
    /// <summary>Any valid token, whatever its role; the handler or the aggregate scopes the answer.</summary>
    AnyRole,
    /// <summary>Only the listed roles (with their scope claims, where the policy asks for them).</summary>
    Roles,
}

/// <summary>Whose object a caller that passed the gate may act on (invariant 16): the second, object-level gate.</summary>
public enum ScopeRule
{
    /// <summary>No object scope: a public read, or a national role (operator, auditor, call centre).</summary>
    None,
    /// <summary>The person or card is on the caller's municipality's resident record.</summary>
    OwnMunicipality,
    /// <summary>A municipality clerk on their own municipality's record; the call centre nationally; the holder on their own card.</summary>
    OwnMunicipalityOrHolder,
    /// <summary>The insurer number in the route (and the qualification) is the caller's own insurer.</summary>
    OwnInsurer,
    /// <summary>The check, challenge or lookup belongs to the caller's institution and terminal.</summary>
    OwnInstitutionTerminal,
    /// <summary>The agency code, submission or procedure belongs to the caller's agency.</summary>
    OwnAgency,
    /// <summary>Only the tax agency (agency claim <c>tax-office</c>).</summary>
    TaxAgency,
    /// <summary>The kiosk session was opened by the caller's kiosk.</summary>
    OwnKiosk,
    /// <summary>The resident's own person, card or session (claim person_id); others answer 404 or 403.</summary>
    Self,
    /// <summary>The resident themselves, or a principal who appointed the caller as proxy with the right.</summary>
    SelfOrProxy,
    /// <summary>The call centre nationally; a resident only on their own card.</summary>
    SelfOrCallCentre,
    /// <summary>The app in the token, and only under the resident's consent to that app.</summary>
    OwnApp,
    /// <summary>Anonymous, authenticated by a chip signature over a purpose-bound challenge in the body.</summary>
    ChipSignature,
    /// <summary>Anonymous, authenticated by a portal refresh token in the body.</summary>
    RefreshToken,
    /// <summary>Anonymous; the holder's name only with the document's code and the holder's date of birth in the body.</summary>
    HolderDateOfBirth,
    /// <summary>Mapped only in Development with Auth:DevTokens=true.</summary>
    DevelopmentOnly,
}

/// <summary>One route as the API maps it: method and pattern (as in the EndpointDataSource), gate, roles and scope.</summary>
public sealed record RouteRule(string Method, string Pattern, Gate Gate, IReadOnlyList<string> Roles, ScopeRule Scope)
{
    public string Key => Method + " " + Pattern;

    public bool Allows(string role) => Gate != Gate.Roles || Roles.Contains(role);
}

/// <summary>
/// THE authorisation matrix (issue 16, part 7): every route the API maps, the roles its policy lets
/// through and the object scope the aggregate or handler enforces. <see cref="AuthorizationMatrixTests"/>
/// fails when a mapped route is missing here, when a row is no longer mapped, when a row's roles differ
/// from the endpoint's policy, and when any role outside a row passes the gate.
/// </summary>
public static class RouteTable
{
    private const string Municipality = Myna.Api.Auth.Roles.Municipality;
    private const string CallCentre = Myna.Api.Auth.Roles.CallCentre;
    private const string Resident = Myna.Api.Auth.Roles.Resident;
    private const string Insurer = Myna.Api.Auth.Roles.Insurer;
    private const string Terminal = Myna.Api.Auth.Roles.Terminal;
    private const string Agency = Myna.Api.Auth.Roles.Agency;
    private const string Auditor = Myna.Api.Auth.Roles.Auditor;
    private const string Operator = Myna.Api.Auth.Roles.Operator;
    private const string App = Myna.Api.Auth.Roles.App;
    private const string Kiosk = Myna.Api.Auth.Roles.Kiosk;

    /// <summary>Methods-less endpoints (health checks, metrics) answer any method: written as "*".</summary>
    public const string AnyMethod = "*";

    public static IReadOnlyList<RouteRule> Rows { get; } = Build();

    public static IReadOnlyDictionary<string, RouteRule> ByKey { get; } = Rows.ToDictionary(r => r.Key, StringComparer.Ordinal);

    private static RouteRule Open(string method, string pattern, ScopeRule scope = ScopeRule.None) =>
        new(method, pattern, Gate.Anonymous, [], scope);

    private static RouteRule AnyRole(string method, string pattern, ScopeRule scope = ScopeRule.None) =>
        new(method, pattern, Gate.AnyRole, [], scope);

    private static RouteRule Only(string method, string pattern, ScopeRule scope, params string[] roles) =>
        new(method, pattern, Gate.Roles, roles, scope);

    private static List<RouteRule> Build()
    {
        var rows = new List<RouteRule>
        {
            // Hosting: health, metrics, OpenAPI, the API reference, development tokens.
            Open(AnyMethod, "/health"),
            Open(AnyMethod, "/alive"),
            Open("GET", "/.well-known/jwks.json"),
            Open("GET", "/openapi/{documentName}.json"),
            Open("GET", "/scalar/{documentName?}"),
            Open("GET", "/scalar/favicon.svg"),
            Open("GET", "/scalar/scalar.aspnetcore.js"),
            Open("GET", "/scalar/scalar.js"),
            Open("POST", "/dev/tokens", ScopeRule.DevelopmentOnly),

            // Persons: the municipality counter.
            Only("POST", "/v1/persons/", ScopeRule.OwnMunicipality, Municipality),
            Only("GET", "/v1/persons/{personId}", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/individual-number", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/individual-number/replacement", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/individual-number/replacement/approval", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/moves", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/move-outs", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/move-outs/cancellation", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/move-ins", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/me/move-outs", ScopeRule.Self, Resident),
            Only("POST", "/v1/persons/{personId}/name-changes", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/closure", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/disability-certificates", ScopeRule.OwnMunicipality, Municipality),
            Only("PUT", "/v1/persons/{personId}/disability-certificates/{certificateNumber}", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/disability-certificates/{certificateNumber}/expiry", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/income-summaries", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/personal-data-erasure", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/personal-data-erasure/approval", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/identity-verifications", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/lookup", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/bulk-registrations", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/bulk-registration-jobs", ScopeRule.OwnMunicipality, Municipality),
            Only("GET", "/v1/persons/bulk-registration-jobs/{jobId:guid}", ScopeRule.OwnMunicipality, Municipality),
            Only("PUT", "/v1/persons/{personId:guid}/protection-measure/", ScopeRule.OwnMunicipality, Municipality),
            Only("DELETE", "/v1/persons/{personId:guid}/protection-measure/", ScopeRule.OwnMunicipality, Municipality),

            // Audit.
            Only("GET", "/v1/audit/streams/{kind}/{id}/events", ScopeRule.None, Auditor),
            Only("GET", "/v1/audit/streams/{kind}/{id}/state", ScopeRule.None, Auditor),
            Only("GET", "/v1/audit/streams/{kind}/{id}/timelines", ScopeRule.None, Auditor),
            Only("GET", "/v1/audit/streams/{kind}/{id}/verification", ScopeRule.None, Auditor),
            Only("GET", "/v1/audit/correlations/{correlationId:guid}/events", ScopeRule.None, Auditor),
            Only("GET", "/v1/audit/verification", ScopeRule.None, Auditor),
            Only("POST", "/v1/audit/checkpoints", ScopeRule.None, Auditor, Operator),

            // Information sharing between agencies.
            Only("POST", "/v1/agency/codes", ScopeRule.OwnAgency, Agency),
            Only("POST", "/v1/agency/requests", ScopeRule.OwnAgency, Agency),
            Only("POST", "/v1/agency/identity-verifications", ScopeRule.OwnAgency, Agency),

            // Cards.
            Only("POST", "/v1/cards/", ScopeRule.OwnMunicipality, Municipality),
            Only("GET", "/v1/cards/{cardId}", ScopeRule.OwnMunicipalityOrHolder, Municipality, CallCentre, Resident),
            Open("POST", "/v1/cards/remote-certificate-reissues", ScopeRule.ChipSignature),
            Only("POST", "/v1/cards/{cardId}/production", ScopeRule.None, Operator),
            Only("POST", "/v1/cards/{cardId}/ready-for-pickup", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/handover", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/counter-challenges", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/identity-verifications", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/suspension", ScopeRule.SelfOrCallCentre, CallCentre, Resident),
            Only("POST", "/v1/cards/{cardId}/certificate-renewals", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/conversion", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/smartphones", ScopeRule.Self, Resident),
            Only("POST", "/v1/cards/{cardId}/smartphones/unlink", ScopeRule.Self, Resident),
            Only("POST", "/v1/cards/{cardId}/driving-licence", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/driving-licence/unlink", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/resumption", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/abolition", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/pin-locks", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/pin-resets", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId}/address-updates", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/cards/{cardId:guid}/insurance-registration/", ScopeRule.Self, Resident),
            Only("POST", "/v1/cards/{cardId:guid}/insurance-registration/cancellation", ScopeRule.Self, Resident),

            // Certificate authentication (relying parties).
            Open("POST", "/v1/auth/challenges"),
            Open("POST", "/v1/auth/challenge-responses", ScopeRule.ChipSignature),
            AnyRole("GET", "/v1/certificates/{serial}/status"),

            // Operations.
            Only("POST", "/v1/operations/suspension-campaigns/", ScopeRule.None, Operator),
            Only("GET", "/v1/operations/suspension-campaigns/{campaignId:guid}", ScopeRule.None, Operator),
            Only("POST", "/v1/operations/suspension-campaigns/{campaignId:guid}/approval", ScopeRule.None, Operator),
            Only("POST", "/v1/operations/index-rebuilds/{index}", ScopeRule.None, Operator),
            Only("POST", "/v1/operations/rebuild-jobs/", ScopeRule.None, Auditor, Operator),
            Only("GET", "/v1/operations/rebuild-jobs/{jobId:guid}", ScopeRule.None, Auditor, Operator),
            Only("POST", "/v1/operations/key-rotations/", ScopeRule.None, Operator),
            Only("GET", "/v1/operations/key-rotations/current", ScopeRule.None, Operator),

            // Health insurers and qualifications.
            Only("POST", "/v1/insurers/{insurerNumber}", ScopeRule.None, Operator),
            Only("POST", "/v1/insurers/{insurerNumber}/suspension", ScopeRule.None, Operator),
            Only("POST", "/v1/insurers/{insurerNumber}/resumption", ScopeRule.None, Operator),
            Only("POST", "/v1/insurers/{insurerNumber}/merger", ScopeRule.None, Operator),
            Only("GET", "/v1/insurers/{insurerNumber}", ScopeRule.OwnInsurer, Operator, Insurer),
            Only("POST", "/v1/insurers/{insurerNumber}/enrolments", ScopeRule.OwnInsurer, Insurer),
            Only("POST", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/loss", ScopeRule.OwnInsurer, Insurer),
            Only("POST", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/voiding", ScopeRule.OwnInsurer, Insurer),
            Only("POST", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/confirmation-documents", ScopeRule.OwnInsurer, Insurer),
            Only("PUT", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/ceiling-category", ScopeRule.OwnInsurer, Insurer),
            Only("POST", "/v1/insurers/{insurerNumber}/medical-feeds", ScopeRule.OwnInsurer, Insurer),
            Only("GET", "/v1/persons/{personId:guid}/insurance", ScopeRule.Self, Resident),
            Open("GET", "/v1/high-cost-ceilings/{category}"),

            // Medical institutions, terminals and eligibility checks.
            Open("GET", "/v1/institutions/"),
            Only("POST", "/v1/institutions/{code}", ScopeRule.None, Operator),
            Only("GET", "/v1/institutions/{code}", ScopeRule.None, Operator),
            Only("PUT", "/v1/institutions/{code}/card-acceptance", ScopeRule.None, Operator),
            Only("POST", "/v1/institutions/{code}/terminals", ScopeRule.None, Operator),
            Only("POST", "/v1/institutions/{code}/terminals/{terminalId}/retirement", ScopeRule.None, Operator),
            Only("POST", "/v1/eligibility-checks/challenges", ScopeRule.OwnInstitutionTerminal, Terminal),
            Only("POST", "/v1/eligibility-checks/", ScopeRule.OwnInstitutionTerminal, Terminal),
            Only("POST", "/v1/eligibility-checks/{checkId:guid}/medical-information-reads", ScopeRule.OwnInstitutionTerminal, Terminal),
            Only("GET", "/v1/persons/{personId:guid}/clinic-consents", ScopeRule.Self, Resident),
            Only("GET", "/v1/persons/{personId:guid}/clinic-ledger", ScopeRule.Self, Resident),
            Only("GET", "/v1/persons/{personId:guid}/medical-information", ScopeRule.Self, Resident),

            // Disaster mode.
            Only("POST", "/v1/disasters/", ScopeRule.None, Operator),
            Only("GET", "/v1/disasters/{disasterId:guid}", ScopeRule.None, Operator),
            Only("POST", "/v1/disasters/{disasterId:guid}/end", ScopeRule.None, Operator),
            Only("POST", "/v1/disaster-lookups", ScopeRule.OwnInstitutionTerminal, Terminal),

            // Income information.
            Only("POST", "/v1/income-feeds", ScopeRule.TaxAgency, Agency),

            // Online procedures.
            Open("GET", "/v1/procedures/catalogue"),
            Only("POST", "/v1/persons/{personId:guid}/procedures/", ScopeRule.Self, Resident),
            Only("GET", "/v1/persons/{personId:guid}/procedures/", ScopeRule.Self, Resident),
            Only("GET", "/v1/persons/{personId:guid}/procedures/{submissionId:guid}", ScopeRule.Self, Resident),
            Only("POST", "/v1/persons/{personId:guid}/procedures/{submissionId:guid}/resubmission", ScopeRule.Self, Resident),
            Only("GET", "/v1/agency-procedures/", ScopeRule.OwnAgency, Agency),
            Only("GET", "/v1/agency-procedures/{submissionId:guid}", ScopeRule.OwnAgency, Agency),
            Only("POST", "/v1/agency-procedures/{submissionId:guid}/acceptance", ScopeRule.OwnAgency, Agency),
            Only("POST", "/v1/agency-procedures/{submissionId:guid}/return", ScopeRule.OwnAgency, Agency),
            Only("POST", "/v1/agency-procedures/{submissionId:guid}/decision", ScopeRule.OwnAgency, Agency),

            // Convenience-store kiosks.
            Only("POST", "/v1/kiosks/{kioskId}", ScopeRule.None, Operator),
            Only("GET", "/v1/kiosks/{kioskId}", ScopeRule.None, Operator),
            Only("POST", "/v1/kiosks/{kioskId}/withdrawal", ScopeRule.None, Operator),
            Only("POST", "/v1/kiosk-sessions/", ScopeRule.OwnKiosk, Kiosk),
            Only("POST", "/v1/kiosk-sessions/{sessionId:guid}/card", ScopeRule.OwnKiosk, Kiosk),
            Only("POST", "/v1/kiosk-sessions/{sessionId:guid}/certificates", ScopeRule.OwnKiosk, Kiosk),
            Open("GET", "/v1/document-verifications/{code}"),
            Open("POST", "/v1/document-verifications/{code}", ScopeRule.HolderDateOfBirth),

            // Resident portal: login and third-party apps.
            Open("POST", "/v1/portal/sessions/", ScopeRule.ChipSignature),
            Open("POST", "/v1/portal/sessions/refresh", ScopeRule.RefreshToken),
            Only("DELETE", "/v1/portal/sessions/current", ScopeRule.Self, Resident),
            Only("POST", "/v1/apps/{appId}", ScopeRule.None, Operator),
            AnyRole("GET", "/v1/apps/{appId}"),
            Only("GET", "/v1/app-access/residents/{code}/{item}", ScopeRule.OwnApp, App),
        };

        // The resident portal: /v1/me (the logged-in resident) and /v1/residents/{personId} (self or a principal).
        foreach (var (prefix, scope) in new[] { ("/v1/me", ScopeRule.Self), ("/v1/residents/{personId:guid}", ScopeRule.SelfOrProxy) })
        {
            rows.AddRange(
            [
                Only("GET", prefix + "/", scope, Resident),
                Only("POST", prefix + "/individual-number/reveal", scope, Resident),
                Only("GET", prefix + "/access-log", scope, Resident),
                Only("GET", prefix + "/income-information", scope, Resident),
                Only("GET", prefix + "/notifications", scope, Resident),
                Only("GET", prefix + "/consents", scope, Resident),
                Only("POST", prefix + "/app-consents", scope, Resident),
                Only("POST", prefix + "/app-consents/{consentId:guid}/revocation", scope, Resident),
                Only("GET", prefix + "/proxies", scope, Resident),
                Only("POST", prefix + "/proxies", scope, Resident),
                Only("DELETE", prefix + "/proxies/{proxyPersonId:guid}", scope, Resident),
                Only("POST", prefix + "/cards/{cardId:guid}/loss-report", scope, Resident),
                Only("POST", prefix + "/cards/{cardId:guid}/insurance-registration", scope, Resident),
                Only("POST", prefix + "/card-applications", scope, Resident),
                Only("POST", prefix + "/confirmation-document-requests", scope, Resident),
            ]);
        }
        return rows;
    }

    /// <summary>Every role a token may carry: the gate test tries each one the row does not allow.</summary>
    public static IReadOnlyList<string> AllRoles { get; } = [.. Myna.Api.Auth.Roles.All.Order(StringComparer.Ordinal)];

    /// <summary>The README section: one markdown table rendered from <see cref="Rows"/>.</summary>
    public static string Markdown()
    {
        var text = new StringBuilder();
        text.Append("| Method | Path | Roles | Scope rule |\n");
        text.Append("|---|---|---|---|\n");
        foreach (var row in Rows.OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal))
        {
            var roles = row.Gate switch
            {
                Gate.Anonymous => "anonymous",
                Gate.AnyRole => "any role",
                _ => string.Join(", ", row.Roles),
            };
            text.Append("| ").Append(row.Method).Append(" | `").Append(row.Pattern).Append("` | ").Append(roles)
                .Append(" | ").Append(row.Scope).Append(" |\n");
        }
        return text.ToString();
    }
}
