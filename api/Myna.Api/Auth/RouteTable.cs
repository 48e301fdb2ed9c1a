using System.Text;

namespace Myna.Api.Auth;

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

    /// <summary>The OpenAPI summary when the endpoint itself declares none.</summary>
    public string? Summary { get; init; }

    /// <summary>The domain error codes the handler and the aggregate it calls can answer (the API's own codes are derived).</summary>
    public IReadOnlyList<string> DomainCodes { get; init; } = [];

    public bool Allows(string role) => Gate != Gate.Roles || Roles.Contains(role);

    /// <summary>This row with its OpenAPI summary.</summary>
    public RouteRule Says(string summary) => this with { Summary = summary };

    /// <summary>This row with the domain error codes it can answer.</summary>
    public RouteRule Codes(params string[] codes) => this with { DomainCodes = [.. DomainCodes, .. codes] };
}

/// <summary>
/// THE authorisation matrix (issue 16, part 7): every route the API maps, the roles its policy lets
/// through and the object scope the aggregate or handler enforces. The matrix tests (AuthorizationMatrixTests)
/// fails when a mapped route is missing here, when a row is no longer mapped, when a row's roles differ
/// from the endpoint's policy, and when any role outside a row passes the gate.
/// </summary>
public static partial class RouteTable
{
    private const string Municipality = Roles.Municipality;
    private const string CallCentre = Roles.CallCentre;
    private const string Resident = Roles.Resident;
    private const string Insurer = Roles.Insurer;
    private const string Terminal = Roles.Terminal;
    private const string Agency = Roles.Agency;
    private const string Auditor = Roles.Auditor;
    private const string Operator = Roles.Operator;
    private const string App = Roles.App;
    private const string Kiosk = Roles.Kiosk;

    /// <summary>Methods-less endpoints (health checks, metrics) answer any method: written as "*".</summary>
    public const string AnyMethod = "*";

    /// <summary>What a chip-signature login can answer: the sealed challenge, then the certificate and its signature.</summary>
    private static readonly string[] ChipLogin =
        ["auth.challenge-invalid", "auth.challenge-wrong-purpose", "auth.signature-invalid", "auth.certificate-revoked", "auth.certificate-unknown"];

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
            Open("GET", "/.well-known/jwks.json").Says("The public keys that verify the portal's access tokens (JWKS)"),
            Open("GET", "/openapi/{documentName}.json"),
            Open("GET", "/scalar/{documentName?}"),
            Open("GET", "/scalar/favicon.svg"),
            Open("GET", "/scalar/scalar.aspnetcore.js"),
            Open("GET", "/scalar/scalar.js"),
            Open("POST", "/dev/tokens", ScopeRule.DevelopmentOnly).Says("Development only: issue a token for any role and scope"),

            // Persons: the municipality counter.
            Only("POST", "/v1/persons/", ScopeRule.OwnMunicipality, Municipality).Says("Register a person on the municipality's resident record"),
            Only("GET", "/v1/persons/{personId}", ScopeRule.OwnMunicipality, Municipality).Says("Read a person's record (the municipality's own residents)"),
            Only("POST", "/v1/persons/{personId}/individual-number", ScopeRule.OwnMunicipality, Municipality).Says("Assign the Individual Number to a registered person"),
            Only("POST", "/v1/persons/{personId}/individual-number/replacement", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/individual-number/replacement/approval", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/moves", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/move-outs", ScopeRule.OwnMunicipality, Municipality).Says("Record a move out of the municipality"),
            Only("POST", "/v1/persons/{personId}/move-outs/cancellation", ScopeRule.OwnMunicipality, Municipality).Says("Cancel a recorded move out"),
            Only("POST", "/v1/move-ins", ScopeRule.OwnMunicipality, Municipality).Says("Record a move into the municipality"),
            Only("POST", "/v1/me/move-outs", ScopeRule.Self, Resident)
                .Codes("person.invalid-id", "person.not-found", "person.record-closed", "person.invalid-destination", "person.invalid-planned-move-on", "access.not-the-holder"),
            Only("POST", "/v1/persons/{personId}/name-changes", ScopeRule.OwnMunicipality, Municipality).Says("Record a change of name"),
            Only("POST", "/v1/persons/{personId}/closure", ScopeRule.OwnMunicipality, Municipality).Says("Close the resident record (death or loss of residence)"),
            Only("POST", "/v1/persons/{personId}/disability-certificates", ScopeRule.OwnMunicipality, Municipality).Says("Record a disability certificate"),
            Only("PUT", "/v1/persons/{personId}/disability-certificates/{certificateNumber}", ScopeRule.OwnMunicipality, Municipality).Says("Update a disability certificate"),
            Only("POST", "/v1/persons/{personId}/disability-certificates/{certificateNumber}/expiry", ScopeRule.OwnMunicipality, Municipality).Says("Record that a disability certificate expired"),
            Only("POST", "/v1/persons/{personId}/income-summaries", ScopeRule.OwnMunicipality, Municipality).Says("Record a resident-tax income summary for a fiscal year"),
            Only("POST", "/v1/persons/{personId}/personal-data-erasure", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/personal-data-erasure/approval", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/{personId}/identity-verifications", ScopeRule.OwnMunicipality, Municipality).Says("Record an identity verification at the counter"),
            Only("POST", "/v1/persons/lookup", ScopeRule.OwnMunicipality, Municipality).Says("Find a person of the municipality by Individual Number (logged)"),
            Only("POST", "/v1/persons/bulk-registrations", ScopeRule.OwnMunicipality, Municipality),
            Only("POST", "/v1/persons/bulk-registration-jobs", ScopeRule.OwnMunicipality, Municipality),
            Only("GET", "/v1/persons/bulk-registration-jobs/{jobId:guid}", ScopeRule.OwnMunicipality, Municipality),
            Only("PUT", "/v1/persons/{personId:guid}/protection-measure/", ScopeRule.OwnMunicipality, Municipality).Says("Start a protection measure (e.g. for a victim of domestic violence)"),
            Only("DELETE", "/v1/persons/{personId:guid}/protection-measure/", ScopeRule.OwnMunicipality, Municipality).Says("End a protection measure"),

            // Audit.
            Only("GET", "/v1/audit/streams/{kind}/{id}/events", ScopeRule.None, Auditor).Says("Read a stream's events with their hashes"),
            Only("GET", "/v1/audit/streams/{kind}/{id}/replay", ScopeRule.None, Auditor).Says("Replay a stream's events, version after version, in one answer"),
            Only("GET", "/v1/audit/streams/{kind}/{id}/state", ScopeRule.None, Auditor).Says("A stream's state as of a time or version"),
            Only("GET", "/v1/audit/streams/{kind}/{id}/timelines", ScopeRule.None, Auditor).Says("Compare a stream's recorded and effective timelines"),
            Only("GET", "/v1/audit/streams/{kind}/{id}/verification", ScopeRule.None, Auditor).Says("Verify a stream's hash chain"),
            Only("GET", "/v1/audit/correlations/{correlationId:guid}/events", ScopeRule.None, Auditor).Says("Every event written under one correlation id"),
            Only("GET", "/v1/audit/verification", ScopeRule.None, Auditor).Says("Verify every stream's hash chain against the checkpoints"),
            Only("POST", "/v1/audit/checkpoints", ScopeRule.None, Auditor, Operator).Says("Write an integrity checkpoint of every stream's hash chain"),

            // Information sharing between agencies.
            Only("POST", "/v1/agency/codes", ScopeRule.OwnAgency, Agency).Says("Issue the agency's own code for a person (never the number)"),
            Only("POST", "/v1/agency/requests", ScopeRule.OwnAgency, Agency).Says("Ask another agency for a person's information by agency code"),
            Only("POST", "/v1/agency/identity-verifications", ScopeRule.OwnAgency, Agency).Says("Verify a person's identity for an agency"),

            // Cards.
            Only("POST", "/v1/cards/", ScopeRule.OwnMunicipality, Municipality).Says("Apply for a card at the municipality"),
            Only("GET", "/v1/cards/{cardId}", ScopeRule.OwnMunicipalityOrHolder, Municipality, CallCentre, Resident).Says("Read a card: status, certificates and links"),
            Open("POST", "/v1/cards/remote-certificate-reissues", ScopeRule.ChipSignature).Says("Reissue certificates remotely after a suspension campaign (chip-signed)"),
            Only("POST", "/v1/cards/{cardId}/production", ScopeRule.None, Operator).Says("Record that the card was produced"),
            Only("POST", "/v1/cards/{cardId}/ready-for-pickup", ScopeRule.OwnMunicipality, Municipality).Says("Record that the card is ready for pickup"),
            Only("POST", "/v1/cards/{cardId}/handover", ScopeRule.OwnMunicipality, Municipality).Says("Hand the card over to its holder at the counter"),
            Only("POST", "/v1/cards/{cardId}/counter-challenges", ScopeRule.OwnMunicipality, Municipality).Says("Issue a counter challenge for the card to sign"),
            Only("POST", "/v1/cards/{cardId}/identity-verifications", ScopeRule.OwnMunicipality, Municipality).Says("Record the holder's identity verification for the card"),
            Only("POST", "/v1/cards/{cardId}/suspension", ScopeRule.SelfOrCallCentre, CallCentre, Resident).Says("Suspend the card (reported lost)"),
            Only("POST", "/v1/cards/{cardId}/certificate-renewals", ScopeRule.OwnMunicipality, Municipality).Says("Renew the card's electronic certificates"),
            Only("POST", "/v1/cards/{cardId}/conversion", ScopeRule.OwnMunicipality, Municipality).Says("Convert the card (e.g. a face-authentication card to one with PINs)"),
            Only("POST", "/v1/cards/{cardId}/smartphones", ScopeRule.Self, Resident).Says("Link a smartphone to the card (the holder)"),
            Only("POST", "/v1/cards/{cardId}/smartphones/unlink", ScopeRule.Self, Resident).Says("Unlink a smartphone from the card (the holder)"),
            Only("POST", "/v1/cards/{cardId}/driving-licence", ScopeRule.OwnMunicipality, Municipality).Says("Link a driving licence to the card"),
            Only("POST", "/v1/cards/{cardId}/driving-licence/unlink", ScopeRule.OwnMunicipality, Municipality).Says("Unlink the driving licence from the card"),
            Only("POST", "/v1/cards/{cardId}/resumption", ScopeRule.OwnMunicipality, Municipality).Says("Resume a suspended card at the counter"),
            Only("POST", "/v1/cards/{cardId}/abolition", ScopeRule.OwnMunicipality, Municipality).Says("Abolish the card"),
            Only("POST", "/v1/cards/{cardId}/pin-locks", ScopeRule.OwnMunicipality, Municipality).Says("Record that a PIN was locked"),
            Only("POST", "/v1/cards/{cardId}/pin-resets", ScopeRule.OwnMunicipality, Municipality).Says("Reset a locked PIN at the counter"),
            Only("POST", "/v1/cards/{cardId}/address-updates", ScopeRule.OwnMunicipality, Municipality).Says("Record that the card's printed address was updated"),
            Only("POST", "/v1/cards/{cardId:guid}/insurance-registration/", ScopeRule.Self, Resident).Says("Register the card as a health insurance card (the holder)"),
            Only("POST", "/v1/cards/{cardId:guid}/insurance-registration/cancellation", ScopeRule.Self, Resident).Says("Cancel the card's registration as a health insurance card"),

            // Certificate authentication (relying parties).
            Open("POST", "/v1/auth/challenges").Says("Issue a sealed, purpose-bound challenge for a card to sign").Codes("challenge.invalid-purpose", "challenge.invalid-audience", "challenge.purpose-not-allowed"),
            Open("POST", "/v1/auth/challenge-responses", ScopeRule.ChipSignature).Says("Verify a card's signature over a challenge (certificate authentication)").Codes(ChipLogin),
            AnyRole("GET", "/v1/certificates/{serial}/status").Says("The revocation status of an electronic certificate"),

            // Operations.
            Only("POST", "/v1/operations/suspension-campaigns/", ScopeRule.None, Operator).Says("Start a suspension campaign over a range of cards"),
            Only("GET", "/v1/operations/suspension-campaigns/{campaignId:guid}", ScopeRule.None, Operator).Says("Read a suspension campaign"),
            Only("POST", "/v1/operations/suspension-campaigns/{campaignId:guid}/approval", ScopeRule.None, Operator).Says("Approve a suspension campaign (a second operator)"),
            Only("POST", "/v1/operations/index-rebuilds/{index}", ScopeRule.None, Operator).Says("Rebuild a lookup index from the events"),
            Only("POST", "/v1/operations/rebuild-jobs/", ScopeRule.None, Auditor, Operator).Says("Start a projection rebuild job"),
            Only("GET", "/v1/operations/rebuild-jobs/{jobId:guid}", ScopeRule.None, Auditor, Operator).Says("Read a projection rebuild job"),
            Only("POST", "/v1/operations/key-rotations/", ScopeRule.None, Operator).Says("Start a rotation of the personal-data encryption keys"),
            Only("GET", "/v1/operations/key-rotations/current", ScopeRule.None, Operator).Says("The current key rotation"),

            // Health insurers and qualifications.
            Only("POST", "/v1/insurers/{insurerNumber}", ScopeRule.None, Operator).Says("Register a health insurer").Codes("insurer.invalid-number", "insurer.already-registered"),
            Only("POST", "/v1/insurers/{insurerNumber}/suspension", ScopeRule.None, Operator).Says("Suspend a health insurer").Codes("insurer.invalid-number", "insurer.not-found"),
            Only("POST", "/v1/insurers/{insurerNumber}/resumption", ScopeRule.None, Operator).Says("Resume a suspended health insurer").Codes("insurer.invalid-number", "insurer.not-found"),
            Only("POST", "/v1/insurers/{insurerNumber}/merger", ScopeRule.None, Operator).Says("Merge a health insurer into another").Codes("insurer.invalid-number", "insurer.not-found"),
            Only("GET", "/v1/insurers/{insurerNumber}", ScopeRule.OwnInsurer, Operator, Insurer).Says("Read a health insurer").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("POST", "/v1/insurers/{insurerNumber}/enrolments", ScopeRule.OwnInsurer, Insurer).Says("Enrol a member (find the person and record the qualification)").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("POST", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/loss", ScopeRule.OwnInsurer, Insurer).Says("Record that a member lost the qualification").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("POST", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/voiding", ScopeRule.OwnInsurer, Insurer).Says("Void a qualification recorded in error").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("POST", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/confirmation-documents", ScopeRule.OwnInsurer, Insurer).Says("Issue an eligibility confirmation document").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("PUT", "/v1/insurers/{insurerNumber}/qualifications/{qualificationId:guid}/ceiling-category", ScopeRule.OwnInsurer, Insurer).Says("Change a qualification's high-cost ceiling category").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("POST", "/v1/insurers/{insurerNumber}/medical-feeds", ScopeRule.OwnInsurer, Insurer).Says("Feed a batch of medical records (prescriptions, check-ups)").Codes("insurer.invalid-number", "insurer.not-found", "insurer.other-insurer"),
            Only("GET", "/v1/persons/{personId:guid}/insurance", ScopeRule.Self, Resident).Says("The resident's own health insurance qualifications").Codes("person.not-found"),
            Open("GET", "/v1/high-cost-ceilings/{category}").Says("The monthly high-cost medical expense ceiling of a category"),

            // Medical institutions, terminals and eligibility checks.
            Open("GET", "/v1/institutions/").Says("The medical institutions that accept the card"),
            Only("POST", "/v1/institutions/{code}", ScopeRule.None, Operator).Says("Register a medical institution"),
            Only("GET", "/v1/institutions/{code}", ScopeRule.None, Operator).Says("Read a medical institution"),
            Only("PUT", "/v1/institutions/{code}/card-acceptance", ScopeRule.None, Operator).Says("Set whether a medical institution accepts the card"),
            Only("POST", "/v1/institutions/{code}/terminals", ScopeRule.None, Operator).Says("Register a card-reader terminal of an institution"),
            Only("POST", "/v1/institutions/{code}/terminals/{terminalId}/retirement", ScopeRule.None, Operator).Says("Retire a card-reader terminal"),
            Only("POST", "/v1/eligibility-checks/challenges", ScopeRule.OwnInstitutionTerminal, Terminal).Says("Issue a challenge for the patient's card to sign at the terminal"),
            Only("POST", "/v1/eligibility-checks/", ScopeRule.OwnInstitutionTerminal, Terminal).Says("Check a patient's health insurance with the card"),
            Only("POST", "/v1/eligibility-checks/{checkId:guid}/medical-information-reads", ScopeRule.OwnInstitutionTerminal, Terminal).Says("Read a patient's medical information at the clinic, with consent"),
            Only("GET", "/v1/persons/{personId:guid}/clinic-consents", ScopeRule.Self, Resident).Says("The consents the resident gave at clinic receptions").Codes("person.not-found"),
            Only("GET", "/v1/persons/{personId:guid}/clinic-ledger", ScopeRule.Self, Resident).Says("Which clinics checked the resident's insurance").Codes("person.not-found"),
            Only("GET", "/v1/persons/{personId:guid}/medical-information", ScopeRule.Self, Resident).Says("The resident's own medical information").Codes("person.not-found"),

            // Disaster mode.
            Only("POST", "/v1/disasters/", ScopeRule.None, Operator).Says("Declare a disaster over an area"),
            Only("GET", "/v1/disasters/{disasterId:guid}", ScopeRule.None, Operator).Says("Read a disaster"),
            Only("POST", "/v1/disasters/{disasterId:guid}/end", ScopeRule.None, Operator).Says("End a disaster"),
            Only("POST", "/v1/disaster-lookups", ScopeRule.OwnInstitutionTerminal, Terminal).Says("Look up a patient's insurance without the card during a disaster"),

            // Income information.
            Only("POST", "/v1/income-feeds", ScopeRule.TaxAgency, Agency),

            // Online procedures.
            Open("GET", "/v1/procedures/catalogue").Says("The online procedures a resident can submit"),
            Only("POST", "/v1/persons/{personId:guid}/procedures/", ScopeRule.Self, Resident).Says("Submit an online procedure").Codes("person.not-found", "procedure.unknown-kind", "procedure.exists", "procedure.items-missing"),
            Only("GET", "/v1/persons/{personId:guid}/procedures/", ScopeRule.Self, Resident).Says("The resident's own submitted procedures").Codes("person.not-found"),
            Only("GET", "/v1/persons/{personId:guid}/procedures/{submissionId:guid}", ScopeRule.Self, Resident).Says("Read one of the resident's submitted procedures").Codes("person.not-found", "procedure.not-found"),
            Only("POST", "/v1/persons/{personId:guid}/procedures/{submissionId:guid}/resubmission", ScopeRule.Self, Resident).Says("Resubmit a returned procedure").Codes("person.not-found", "procedure.not-found", "procedure.not-returned", "procedure.items-missing"),
            Only("GET", "/v1/agency-procedures/", ScopeRule.OwnAgency, Agency).Says("The agency's inbox of submitted procedures"),
            Only("GET", "/v1/agency-procedures/{submissionId:guid}", ScopeRule.OwnAgency, Agency).Says("Read a submitted procedure addressed to the agency").Codes("procedure.not-found"),
            Only("POST", "/v1/agency-procedures/{submissionId:guid}/acceptance", ScopeRule.OwnAgency, Agency).Says("Accept a submitted procedure").Codes("procedure.not-found", "procedure.wrong-status"),
            Only("POST", "/v1/agency-procedures/{submissionId:guid}/return", ScopeRule.OwnAgency, Agency).Says("Return a submitted procedure for correction").Codes("procedure.not-found", "procedure.invalid-reason", "procedure.wrong-status"),
            Only("POST", "/v1/agency-procedures/{submissionId:guid}/decision", ScopeRule.OwnAgency, Agency).Says("Decide a submitted procedure").Codes("procedure.not-found", "procedure.invalid-decision", "procedure.wrong-status"),

            // Convenience-store kiosks.
            Only("POST", "/v1/kiosks/{kioskId}", ScopeRule.None, Operator).Says("Register a convenience-store kiosk"),
            Only("GET", "/v1/kiosks/{kioskId}", ScopeRule.None, Operator).Says("Read a convenience-store kiosk"),
            Only("POST", "/v1/kiosks/{kioskId}/withdrawal", ScopeRule.None, Operator).Says("Withdraw a convenience-store kiosk"),
            Only("POST", "/v1/kiosk-sessions/", ScopeRule.OwnKiosk, Kiosk).Says("Open a kiosk session"),
            Only("POST", "/v1/kiosk-sessions/{sessionId:guid}/card", ScopeRule.OwnKiosk, Kiosk).Says("Bind the resident's card to the kiosk session (chip-signed)"),
            Only("POST", "/v1/kiosk-sessions/{sessionId:guid}/certificates", ScopeRule.OwnKiosk, Kiosk).Says("Issue a certificate document at the kiosk"),
            Open("GET", "/v1/document-verifications/{code}").Says("Check that an issued certificate document is genuine"),
            Open("POST", "/v1/document-verifications/{code}", ScopeRule.HolderDateOfBirth).Says("Check an issued document and see the holder's name (with the holder's date of birth)"),

            // Resident portal: login and third-party apps.
            Open("POST", "/v1/portal/sessions/", ScopeRule.ChipSignature)
                .Codes(ChipLogin).Codes("portal.face-authentication-card", "card.suspended", "card.lapsed", "certificate.expired", "portal.session-exists"),
            Open("POST", "/v1/portal/sessions/refresh", ScopeRule.RefreshToken).Codes("portal.session-invalid", "portal.session-expired",
                "portal.refresh-token-reused", "portal.session-not-found", "card.suspended", "certificate.expired", "certificate.revoked", "certificate.unknown"),
            Only("DELETE", "/v1/portal/sessions/current", ScopeRule.Self, Resident).Codes("portal.no-session", "portal.session-not-found"),
            Only("POST", "/v1/apps/{appId}", ScopeRule.None, Operator),
            AnyRole("GET", "/v1/apps/{appId}"),
            Only("GET", "/v1/app-access/residents/{code}/{item}", ScopeRule.OwnApp, App),
        };

        // The resident portal: /v1/me (the logged-in resident) and /v1/residents/{personId} (self or a principal).
        // PortalAccess answers person.not-found for another's record; a proxy without the right meets proxy.right-missing,
        // and a proxy on a person-only route portal.self-only.
        foreach (var (prefix, scope) in new[] { ("/v1/me", ScopeRule.Self), ("/v1/residents/{personId:guid}", ScopeRule.SelfOrProxy) })
        {
            string[] view = scope == ScopeRule.Self ? ["person.not-found"] : ["person.not-found", "proxy.right-missing"];
            string[] selfOnly = scope == ScopeRule.Self ? ["person.not-found"] : ["person.not-found", "portal.self-only"];
            string[] card = ["card.not-found", "access.not-the-holder", "card.invalid-transition"];
            rows.AddRange(
            [
                Only("GET", prefix + "/", scope, Resident).Codes(view),
                Only("POST", prefix + "/individual-number/reveal", scope, Resident).Codes(selfOnly).Codes("individual-number.not-assigned"),
                Only("GET", prefix + "/access-log", scope, Resident).Codes(view),
                Only("GET", prefix + "/income-information", scope, Resident).Codes(view),
                Only("GET", prefix + "/notifications", scope, Resident).Codes(view),
                Only("GET", prefix + "/consents", scope, Resident).Codes(view),
                Only("POST", prefix + "/app-consents", scope, Resident).Codes(view)
                    .Codes("portal.invalid-items", "portal.invalid-valid-until", "app.not-found", "consent.item-not-allowed", "consent.already-granted"),
                Only("POST", prefix + "/app-consents/{consentId:guid}/revocation", scope, Resident).Codes(view).Codes("consent.not-found"),
                Only("GET", prefix + "/proxies", scope, Resident).Codes(view),
                Only("POST", prefix + "/proxies", scope, Resident).Codes(selfOnly).Codes("proxy.self", "portal.invalid-rights", "proxy.person-not-found"),
                Only("DELETE", prefix + "/proxies/{proxyPersonId:guid}", scope, Resident).Codes(selfOnly).Codes("proxy.not-found"),
                Only("POST", prefix + "/cards/{cardId:guid}/loss-report", scope, Resident).Codes(view).Codes(card).Codes("card.already-suspended"),
                Only("POST", prefix + "/cards/{cardId:guid}/insurance-registration", scope, Resident).Codes(selfOnly).Codes(card)
                    .Codes("card.face-authentication-clinic-only", "card.not-active", "card.suspended", "card.lapsed", "card.expired"),
                Only("POST", prefix + "/card-applications", scope, Resident).Codes(selfOnly)
                    .Codes("card.invalid-channel", "card.invalid-date-of-birth", "card.already-applied"),
                Only("POST", prefix + "/confirmation-document-requests", scope, Resident).Codes(selfOnly)
                    .Codes("access.not-the-holder", "insurance.qualification-not-found", "insurer.not-found", "insurer.suspended"),
            ]);
        }
        // The aggregate decides access first on every command and read of a card or a person of a municipality's record.
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Gate == Gate.Roles && row.Pattern.StartsWith("/v1/cards/{cardId", StringComparison.Ordinal))
            {
                rows[i] = row.Codes("card.not-found", "card.invalid-transition", "access.other-municipality", "access.role-not-allowed", "access.not-the-holder");
            }
            else if (row.Roles.Contains(Municipality) && row.Pattern.StartsWith("/v1/persons/{personId", StringComparison.Ordinal))
            {
                rows[i] = row.Method == "GET" ? row.Codes("person.not-found", "person.other-municipality")
                    : row.Codes("person.not-found", "person.other-municipality", "person.record-closed");
            }
        }
        return rows;
    }

    /// <summary>Every role a token may carry: the gate test tries each one the row does not allow.</summary>
    public static IReadOnlyList<string> AllRoles { get; } = [.. Roles.All.Order(StringComparer.Ordinal)];

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
