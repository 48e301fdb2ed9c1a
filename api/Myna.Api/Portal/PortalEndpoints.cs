using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Auth;
using Myna.Api.Cards;
using Myna.Api.Clinics;
using Myna.Api.Errors;
using Myna.Api.Insurance;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;

namespace Myna.Api.Portal;

public sealed record NotificationResponse(string Kind, DateTimeOffset At, string Detail);

public sealed record AppConsentResponse(
    Guid ConsentId, string AppId, string AppName, IReadOnlyList<AppItem> Items, DateTimeOffset GrantedAt, DateTimeOffset ValidUntil,
    DateTimeOffset? RevokedAt, bool Active, string GrantedBy, string? GrantedOnBehalfOf, string? AppUserCode = null)
{
    public static AppConsentResponse From(AppConsentView v, string? code = null) =>
        new(v.ConsentId, v.AppId, v.AppName, v.Items, v.GrantedAt, v.ValidUntil, v.RevokedAt, v.Active, v.GrantedBy, v.GrantedOnBehalfOf, code);
}

public sealed record ConsentsResponse(IReadOnlyList<AppConsentResponse> Apps, IReadOnlyList<ClinicConsentResponse> Clinics);

public sealed record ProxyResponse(Guid ProxyPersonId, IReadOnlyList<ProxyRight> Rights, DateTimeOffset AppointedAt)
{
    public static ProxyResponse From(ProxyView p) => new(p.Proxy.Value, p.Rights, p.AppointedAt);
}

public sealed record DisabilityCertificateResponse(string CertificateNumber, DisabilityKind Kind, string Grade, string Issuer, DateOnly ValidFrom, DateOnly? ValidUntil, bool Expired);

/// <summary>
/// What the state holds about the resident: the basic four items, the number masked to its last four digits
/// (see the reveal endpoint), cards and certificates, insurance, disability certificates, consents, proxies and notifications.
/// </summary>
public sealed record SelfInformationResponse(
    Guid PersonId, string Name, string Address, DateOnly DateOfBirth, Sex Sex, string? IndividualNumber, bool NumberMasked,
    string Municipality, bool RecordClosed, IReadOnlyList<CardResponse> Cards, InsuranceResponse? Insurance,
    IReadOnlyList<DisabilityCertificateResponse> DisabilityCertificates, ConsentsResponse Consents, IReadOnlyList<ProxyResponse> Proxies,
    IReadOnlyList<NotificationResponse> Notifications, DateTimeOffset? LastLoginAt);

public sealed record RevealResponse(string IndividualNumber);

public sealed record AccessLogResponse(IReadOnlyList<LedgerEntryResponse> Entries, long? Next);

public sealed record GrantConsentRequest(string? AppId, IReadOnlyList<AppItem>? Items, DateTimeOffset? ValidUntil);

public sealed record AppointProxyRequest(Guid? ProxyPersonId, IReadOnlyList<ProxyRight>? Rights);

public sealed record PortalCardApplicationRequest(ApplicationChannel? Channel, bool? FaceAuthentication, bool? Reissue);

public sealed record ConfirmationDocumentAsk(Guid? QualificationId);

/// <summary>
/// The resident portal ("Mynaportal"): every resource twice, under <c>/v1/me</c> (the caller) and under
/// <c>/v1/residents/{personId}</c> (the caller, or a principal they are proxy for, with the right). All go
/// through <see cref="PortalAccess"/>; reads are rate limited per token and per IP.
/// </summary>
public static class PortalEndpoints
{
    public const int MaxPage = 200;

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/v1/me"), string.Empty, "the logged-in resident");
        Map(app.MapGroup("/v1/residents/{personId:guid}"), "ForPerson", "the resident themselves, or a principal the caller is proxy for");
        return app;
    }

    private static void Map(RouteGroupBuilder group, string suffix, string whose)
    {
        group.WithTags("Resident portal").RequireAuthorization(Policies.Residents);

        group.MapGet(string.Empty, SelfInformation).WithName("GetSelfInformation" + suffix).AsPortalRead()
            .WithSummary($"Self-information of {whose} (number masked)")
            .WithDescription("Basic four items, the Individual Number masked to its last four digits, cards and certificates with status and expiry, insurance, disability certificates, consents, proxies and notifications. A proxy needs the view right; the read is on the principal's ledger.")
            .WithExamples(null, Examples.SelfInformation);
        group.MapPost("/individual-number/reveal", Reveal).WithName("RevealIndividualNumber" + suffix)
            .WithSummary("Show the full Individual Number (recorded on the ledger; the person only)")
            .WithExamples(null, new RevealResponse("123456789018"));
        group.MapGet("/access-log", AccessLog).WithName("GetAccessLog" + suffix).AsPortalRead()
            .WithSummary($"Who looked at the data of {whose}: newest first, keyset-paged")
            .WithDescription("Every read by a clinic (institution), agency, app or proxy and every number reveal (resident). Filter with kind=institution,agency,app,proxy,resident and from/to (recorded time, ISO 8601); page with before=next.")
            .WithExamples(null, Examples.AccessLog);
        group.MapGet("/income-information", Income).WithName("GetIncomeInformation" + suffix).AsPortalRead()
            .WithSummary($"Income and taxation summaries of {whose}, newest fiscal year first")
            .WithDescription("Fed yearly by the tax agency or recorded by the municipality that assessed resident tax; the latest assessment of a year is the one shown.")
            .WithExamples(null, Examples.Income);
        group.MapGet("/notifications", Notifications).WithName("GetNotifications" + suffix).AsPortalRead()
            .WithSummary("Notifications: card and certificate expiry and renewal windows, insurance changes, logins from a new place, expiring consents")
            .WithExamples(null, Examples.Notifications);
        group.MapGet("/consents", Consents).WithName("GetConsents" + suffix).AsPortalRead()
            .WithSummary("Third-party app consents and consents given at clinic reception")
            .WithExamples(null, new ConsentsResponse([Examples.Consent], []));
        group.MapPost("/app-consents", Grant).WithName("GrantAppConsent" + suffix)
            .WithSummary("Let a registered app read some items until an expiry (a proxy needs manage-consents)")
            .WithDescription("Items must be a subset of what the app is registered for; the expiry is at most a year away. A new grant to the same app supersedes the previous one. The answer carries appUserCode, the only handle the app gets for this resident.")
            .WithExamples(new GrantConsentRequest("kakeibo-app", [AppItem.InsuranceQualifications], DateTimeOffset.Parse("2027-05-31T00:00:00+09:00", System.Globalization.CultureInfo.InvariantCulture)), Examples.Consent);
        group.MapPost("/app-consents/{consentId:guid}/revocation", Revoke).WithName("RevokeAppConsent" + suffix)
            .WithSummary("Revoke an app consent: the app's very next read is refused")
            .WithExamples(null, Examples.Consent with { Active = false, RevokedAt = DateTimeOffset.Parse("2026-12-01T10:00:00+09:00", System.Globalization.CultureInfo.InvariantCulture) });
        group.MapGet("/proxies", Proxies).WithName("GetProxies" + suffix).AsPortalRead()
            .WithSummary("The proxies appointed and their rights")
            .WithExamples(null, new[] { Examples.Proxy });
        group.MapPost("/proxies", Appoint).WithName("AppointProxy" + suffix)
            .WithSummary("Appoint another resident as proxy with rights (view, card-loss, manage-consents); the person only")
            .WithDescription("The proxy is named by their person id (shown on their own self-information). Appointing again replaces the rights. Card changes do not affect proxies.")
            .WithExamples(new AppointProxyRequest(Examples.Proxy.ProxyPersonId, [ProxyRight.View, ProxyRight.CardLoss]), Examples.Proxy);
        group.MapDelete("/proxies/{proxyPersonId:guid}", Remove).WithName("RemoveProxy" + suffix)
            .WithSummary("Remove a proxy; the person alone decides")
            .WithExamples(null, Array.Empty<ProxyResponse>());
        group.MapPost("/cards/{cardId:guid}/loss-report", ReportLoss).WithName("ReportCardLost" + suffix)
            .WithSummary("Report the card lost: it is suspended at once (a proxy needs card-loss)")
            .WithExamples(null, Examples.Card with { Status = CardStatus.Suspended });
        group.MapPost("/cards/{cardId:guid}/insurance-registration", RegisterForInsurance).WithName("RegisterOwnCardForInsurance" + suffix)
            .WithSummary("Register the card as a health insurance card (a face-authentication card only at a clinic terminal)")
            .WithExamples(null, Examples.Card with { RegisteredForInsuranceVia = "portal" });
        group.MapPost("/card-applications", ApplyForCard).WithName("ApplyForCardOnline" + suffix)
            .WithSummary("Apply for a card online (smartphone or pc); the person only")
            .WithExamples(new PortalCardApplicationRequest(ApplicationChannel.Smartphone, false, false), Examples.Card with { Status = CardStatus.Applied, IssuedOn = null, ExpiresOn = null, Certificates = [] });
        group.MapPost("/confirmation-document-requests", RequestConfirmationDocument).WithName("RequestConfirmationDocument" + suffix)
            .WithSummary("Ask for an eligibility confirmation document (資格確認書); the insurer's rules decide and it is issued at once")
            .WithExamples(new ConfirmationDocumentAsk(null), Examples.Document);
    }

    private static RouteHandlerBuilder AsPortalRead(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(PortalReadMetadata.Instance).RequireRateLimiting(PortalRateLimiting.Reads);

    private static async Task<Results<Ok<SelfInformationResponse>, ProblemHttpResult>> SelfInformation(HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.View, "self-information");
        if (caller is null)
        {
            return refused!;
        }
        var person = grains.GetPerson(caller.Person);
        var profile = await person.GetProfile();
        if (!profile.IsSuccess)
        {
            return profile.Error!.ToProblem();
        }
        var insurance = await person.GetInsurance();
        var overview = await grains.GetPortal(caller.Person).GetOverview();
        var clinics = await grains.GetLedger(caller.Person).GetClinicConsents();
        var cards = await CardsAsync(grains, insurance);
        var p = profile.Value!;
        return TypedResults.Ok(new SelfInformationResponse(
            p.Id.Value, p.Items.Name, p.Items.Address, p.Items.DateOfBirth, p.Items.Sex,
            p.IndividualNumber?.Masked, true, p.Municipality.Value, p.ClosedBecause is not null,
            cards.Select(CardResponse.From).ToList(),
            insurance.IsSuccess ? Insurance(insurance.Value!) : null,
            p.DisabilityCertificates.Select(c => new DisabilityCertificateResponse(c.CertificateNumber, c.Kind, c.Grade, c.Issuer, c.ValidFrom, c.ValidUntil, c.Expired)).ToList(),
            ConsentsOf(overview, clinics),
            overview.Proxies.Select(ProxyResponse.From).ToList(),
            await NotificationsOf(grains, caller.Person, cards, insurance),
            overview.LastLoginAt));
    }

    private static async Task<Results<Ok<RevealResponse>, ProblemHttpResult>> Reveal(HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.SelfOnly, "individual-number");
        if (caller is null)
        {
            return refused!;
        }
        var profile = await grains.GetPerson(caller.Person).GetProfile();
        if (!profile.IsSuccess)
        {
            return profile.Error!.ToProblem();
        }
        if (profile.Value!.IndividualNumber is not { } number)
        {
            return DomainError.Rule("individual-number.not-assigned", "No Individual Number is assigned yet.").ToProblem();
        }
        var context = caller.Context(http);
        // On the ledger first: the number is shown only once its reveal is durable.
        var recorded = await grains.GetLedger(caller.Person).RecordNumberReveal(context, new RecordNumberReveal(caller.SessionId));
        return recorded.IsSuccess ? TypedResults.Ok(new RevealResponse(number.Digits)) : recorded.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AccessLogResponse>, ProblemHttpResult>> AccessLog(
        long? before, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? limit, HttpContext http, IClusterClient grains)
    {
        var errors = new RequestErrors();
        var kinds = kind?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (kinds.Any(k => !AccessorKinds.All.Contains(k)))
        {
            errors.Add("kind", "Comma-separated accessor kinds: " + string.Join(", ", AccessorKinds.All) + ".");
        }
        if (before is < 1)
        {
            errors.Add("before", "The next value of the previous page.");
        }
        if (limit is < 1 or > MaxPage)
        {
            errors.Add("limit", $"1 to {MaxPage}.");
        }
        if (from is { } f && to is { } t && t <= f)
        {
            errors.Add("to", "After from.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.View, "access-log");
        if (caller is null)
        {
            return refused!;
        }
        var page = await grains.GetLedger(caller.Person).Query(new LedgerQuery(before, kinds, from, to, limit ?? 50));
        return TypedResults.Ok(new AccessLogResponse(
            page.Entries.Select(e => new LedgerEntryResponse(e.Version, e.At, e.AccessorKind, e.Accessor, e.What, e.Purpose, e.Refused)).ToList(),
            page.Next));
    }

    private static async Task<Results<Ok<IReadOnlyList<NotificationResponse>>, ProblemHttpResult>> Notifications(HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.View, "notifications");
        if (caller is null)
        {
            return refused!;
        }
        var insurance = await grains.GetPerson(caller.Person).GetInsurance();
        return TypedResults.Ok(await NotificationsOf(grains, caller.Person, await CardsAsync(grains, insurance), insurance));
    }

    private static async Task<Results<Ok<IReadOnlyList<IncomeSummaryView>>, ProblemHttpResult>> Income(HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.View, "income-information");
        if (caller is null)
        {
            return refused!;
        }
        var profile = await grains.GetPerson(caller.Person).GetProfile();
        return profile.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<IncomeSummaryView>>(profile.Value!.IncomeSummaries.OrderByDescending(y => y.FiscalYear).ToList())
            : profile.Error!.ToProblem();
    }

    private static async Task<Results<Ok<ConsentsResponse>, ProblemHttpResult>> Consents(HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.View, "consents");
        if (caller is null)
        {
            return refused!;
        }
        return TypedResults.Ok(ConsentsOf(await grains.GetPortal(caller.Person).GetOverview(), await grains.GetLedger(caller.Person).GetClinicConsents()));
    }

    private static async Task<Results<Created<AppConsentResponse>, ProblemHttpResult>> Grant(GrantConsentRequest request, HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.ManageConsents, "grant-app-consent");
        if (caller is null)
        {
            return refused!;
        }
        var errors = new RequestErrors();
        errors.Require(request.AppId, "appId");
        if (request.Items is not { Count: > 0 })
        {
            errors.Add("items", "One or more of: basic-four-items, insurance-qualifications, disability-certificates, income-summary.");
        }
        errors.Require(request.ValidUntil, "validUntil");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = caller.Context(http);
        var consentId = CommandContext.DerivedId(context.CommandId, "app-consent");
        var granted = await grains.GetPortal(caller.Person).GrantAppConsent(context,
            new GrantAppConsent(consentId, request.AppId!, request.Items!, request.ValidUntil!.Value));
        if (!granted.IsSuccess)
        {
            return granted.Error!.ToProblem();
        }
        var code = await grains.GetAppGateway().CodeFor(granted.Value!.AppId, caller.Person);
        return TypedResults.Created($"{BasePath(caller)}/app-consents/{consentId:D}", AppConsentResponse.From(granted.Value, code.Value));
    }

    private static async Task<Results<Ok<AppConsentResponse>, ProblemHttpResult>> Revoke(Guid consentId, HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.ManageConsents, "revoke-app-consent");
        if (caller is null)
        {
            return refused!;
        }
        var context = caller.Context(http);
        var revoked = await grains.GetPortal(caller.Person).RevokeAppConsent(context, new RevokeAppConsent(consentId));
        return revoked.IsSuccess ? TypedResults.Ok(AppConsentResponse.From(revoked.Value!)) : revoked.Error!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<ProxyResponse>>, ProblemHttpResult>> Proxies(HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.View, "proxies");
        if (caller is null)
        {
            return refused!;
        }
        var overview = await grains.GetPortal(caller.Person).GetOverview();
        return TypedResults.Ok<IReadOnlyList<ProxyResponse>>(overview.Proxies.Select(ProxyResponse.From).ToList());
    }

    private static async Task<Results<Ok<ProxyResponse>, ProblemHttpResult>> Appoint(AppointProxyRequest request, HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.SelfOnly, "appoint-proxy");
        if (caller is null)
        {
            return refused!;
        }
        var errors = new RequestErrors();
        if (request.ProxyPersonId is null || request.ProxyPersonId == Guid.Empty)
        {
            errors.Add("proxyPersonId", "Required: the proxy's person id.");
        }
        if (request.Rights is not { Count: > 0 })
        {
            errors.Add("rights", "One or more of: view, card-loss, manage-consents.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var context = caller.Context(http);
        var appointed = await grains.GetPortal(caller.Person).AppointProxy(context, new AppointProxy(new PersonId(request.ProxyPersonId!.Value), request.Rights!));
        return appointed.IsSuccess ? TypedResults.Ok(ProxyResponse.From(appointed.Value!)) : appointed.Error!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<ProxyResponse>>, ProblemHttpResult>> Remove(Guid proxyPersonId, HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.SelfOnly, "remove-proxy");
        if (caller is null)
        {
            return refused!;
        }
        var context = caller.Context(http);
        var removed = await grains.GetPortal(caller.Person).RemoveProxy(context, new RemoveProxy(new PersonId(proxyPersonId)));
        return removed.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<ProxyResponse>>(removed.Value!.Select(ProxyResponse.From).ToList())
            : removed.Error!.ToProblem();
    }

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> ReportLoss(Guid cardId, HttpContext http, IClusterClient grains) =>
        OnOwnCard(cardId, http, grains, PortalNeed.CardLoss, "card-loss-report",
            // Reuses the call centre's suspension: effective at once, resumption only in person.
            (card, context) => card.Suspend(context, new SuspendCard("lost (reported in the portal)")));

    private static Task<Results<Ok<CardResponse>, ProblemHttpResult>> RegisterForInsurance(Guid cardId, HttpContext http, IClusterClient grains) =>
        OnOwnCard(cardId, http, grains, PortalNeed.SelfOnly, "card-insurance-registration",
            (card, context) => card.RegisterForInsurance(context, new RegisterCardForInsurance(InsuranceRegistrationChannel.Portal)));

    private static async Task<Results<Created<CardResponse>, ProblemHttpResult>> ApplyForCard(PortalCardApplicationRequest request, HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.SelfOnly, "card-application");
        if (caller is null)
        {
            return refused!;
        }
        if (request.Channel is not (ApplicationChannel.Smartphone or ApplicationChannel.Pc))
        {
            var errors = new RequestErrors();
            errors.Add("channel", "smartphone or pc: other channels apply on paper, at a photo booth or at the counter.");
            return errors.ToProblem();
        }
        var context = caller.Context(http);
        // A retried application (same Idempotency-Key) lands on the same card.
        var cardId = new CardId(CommandContext.DerivedId(context.CommandId, "card"));
        var result = await grains.GetCard(cardId).Apply(context, new Myna.GrainInterfaces.Cards.ApplyForCard(
            caller.Person, request.Channel.Value, request.FaceAuthentication ?? false, false, request.Reissue ?? false));
        return result.IsSuccess ? TypedResults.Created($"/v1/cards/{cardId}", CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    /// <summary>
    /// Direct issuance: the insurer grain applies the insurer's own rules (registered, not suspended, the
    /// qualification is theirs) with the reason "requested", as it does for an insurer's own request.
    /// </summary>
    private static async Task<Results<Created<ConfirmationDocumentResponse>, ProblemHttpResult>> RequestConfirmationDocument(
        ConfirmationDocumentAsk request, HttpContext http, IClusterClient grains)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, PortalNeed.SelfOnly, "confirmation-document-request");
        if (caller is null)
        {
            return refused!;
        }
        var context = caller.Context(http);
        // The resident's portal grain picks the qualification (the one named, or today's in Japan) and asks its insurer.
        var issued = await grains.GetPortal(caller.Person).RequestConfirmationDocument(context, request.QualificationId);
        return issued.IsSuccess
            ? TypedResults.Created($"{BasePath(caller)}/insurance", ConfirmationDocumentResponse.From(issued.Value!))
            : issued.Error!.ToProblem();
    }

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> OnOwnCard(
        Guid cardId, HttpContext http, IClusterClient grains, PortalNeed need, string what, Func<ICardGrain, CommandContext, Task<Result<CardView>>> call)
    {
        var (caller, refused) = await PortalAccess.ResolveAsync(http, grains, need, what);
        if (caller is null)
        {
            return refused!;
        }
        var grain = grains.GetCard(new CardId(cardId));
        var card = await grain.GetCard();
        if (!card.IsSuccess || card.Value!.PersonId != caller.Person)
        {
            return DomainError.NotFound("card.not-found", "No card of this person exists under this id.").ToProblem();
        }
        var context = caller.Context(http);
        var result = await call(grain, context);
        return result.IsSuccess ? TypedResults.Ok(CardResponse.From(result.Value!)) : result.Error!.ToProblem();
    }

    private static async Task<IReadOnlyList<CardView>> CardsAsync(IClusterClient grains, Result<InsuranceSummary> insurance)
    {
        if (insurance is not { IsSuccess: true, Value.ActiveCard: { } active })
        {
            return [];
        }
        var card = await grains.GetCard(active).GetCard();
        return card.IsSuccess ? [card.Value!] : [];
    }

    private static async Task<IReadOnlyList<NotificationResponse>> NotificationsOf(IClusterClient grains, PersonId person, IReadOnlyList<CardView> cards, Result<InsuranceSummary> insurance) =>
        (await grains.GetPortal(person).GetNotifications(cards, insurance.IsSuccess ? insurance.Value : null))
            .Select(n => new NotificationResponse(n.Kind, n.At, n.Detail)).ToList();

    private static ConsentsResponse ConsentsOf(PortalOverview overview, IReadOnlyList<ClinicConsentView> clinics) =>
        new(overview.Consents.Select(c => AppConsentResponse.From(c)).ToList(),
            clinics.Select(c => new ClinicConsentResponse(c.ConsentId, c.Institution, c.Scopes, c.Method, c.StaffId, c.GivenAt, c.ValidUntil, c.Active)).ToList());

    private static InsuranceResponse Insurance(InsuranceSummary s) =>
        new(s.Name, s.DateOfBirth, s.RecordClosed, s.Qualifications.Select(QualificationResponse.From).ToList(),
            s.Documents.Select(ConfirmationDocumentResponse.From).ToList());

    private static string BasePath(PortalCaller caller) => caller.AsProxy ? $"/v1/residents/{caller.Person}" : "/v1/me";
}
