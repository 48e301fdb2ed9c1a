using System.Globalization;
using Myna.Api.Cards;
using Myna.Api.Clinics;
using Myna.Api.Insurance;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;

namespace Myna.Api.Portal;

/// <summary>Example payloads for the OpenAPI document: realistic shapes, invented values (the number is a test number).</summary>
internal static class Examples
{
    private static readonly Guid Person = Guid.Parse("0193a5b0-0000-7000-8000-000000000001");
    private static readonly Guid CardId = Guid.Parse("0193a5b0-0000-7000-8000-00000000c0de");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-27T09:00:00+09:00", CultureInfo.InvariantCulture);

    /// <summary>
    /// A sealed portal-login challenge as POST /v1/auth/challenges returns it (base64 of the signed text): version, purpose,
    /// audience, expiry five minutes after <see cref="Now"/>, a 32-byte nonce and a 32-byte MAC (base64url, canonical).
    /// </summary>
    public const string PortalLoginChallenge = "bXluYS1jaGFsbGVuZ2UvMQpwb3J0YWwtbG9naW4KcG9ydGFsCjE3OTU3Mzc5MDAKQUFFQ0F3UUZCZ2NJQ1FvTERBME9EeEFSRWhNVUZSWVhHQmthR3h3ZEhoOApFeGFtcGxlTWFjRXhhbXBsZU1hY0V4YW1wbGVNYWNFeGFtcGxlTWFjRXhF";

    /// <summary>The shape of a chip signature: IEEE P1363 r||s, 64 bytes for P-256, base64 (not DER).</summary>
    public const string P1363Signature = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

    public static readonly PortalTokenResponse Tokens = new("Bearer", "eyJhbGciOiJIUzI1NiIs...", Now.AddMinutes(15),
        "0193a5b0000070008000000000000001.0193a5b0000070008000000000005e55.ZXhhbXBsZS1yZWZyZXNoLXNlY3JldC0zMi1ieXRlcyE",
        Now.AddHours(12), Person, CardId, Guid.Parse("0193a5b0-0000-7000-8000-000000005e55"), false);

    public static readonly CardResponse Card = new(CardId, Person, CardStatus.Active, false, new DateOnly(2024, 4, 1), new DateOnly(2024, 5, 10),
        new DateOnly(2034, 5, 1), new DateOnly(2034, 2, 1), 0, null,
        [new CertificateResponse(CertificateKind.UserAuthentication, "UA0193A5B0C0DE", new DateOnly(2029, 5, 1), "good")],
        [], 7, null, false, [], "portal", [new CardNoticeResponse("certificate-renewal-window", new DateOnly(2029, 5, 1), false)]);

    public static readonly QualificationResponse Qualification = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000a1"), "01130012", "1234", "5678", "01",
        new DateOnly(2024, 4, 1), null, "under-seventy-c", LinkBasis.IndividualNumber, null);

    public static readonly ConfirmationDocumentResponse Document = new("ABCDEFGH23456723", Qualification.QualificationId, "01130012",
        new DateOnly(2026, 11, 27), new DateOnly(2031, 11, 26), ConfirmationDocumentReason.Requested);

    public static readonly AppConsentResponse Consent = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000c1"), "kakeibo-app", "家計簿アプリ",
        [AppItem.InsuranceQualifications], Now, Now.AddMonths(6), null, true, Person.ToString(), null, "abcdefghijklmnopqrstuvwxyz234567");

    public static readonly ProxyResponse Proxy = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000b2"), [ProxyRight.View, ProxyRight.CardLoss], Now);

    public static readonly NotificationResponse[] Notifications =
    [
        new("login.new-place", Now.AddHours(-2), "a login with card 0193a5b0-0000-7000-8000-00000000c0de from a place not seen before"),
        new("card.certificate-renewal-window", Now.AddDays(-3), "card 0193a5b0-0000-7000-8000-00000000c0de: certificate-renewal-window (2027-02-01)"),
    ];

    public static readonly SelfInformationResponse SelfInformation = new(Person, "山田 太郎", "東京都千代田区千代田1-1", new DateOnly(1990, 4, 1), Sex.Male,
        "********9018", true, "131016", false, [Card],
        new InsuranceResponse("山田 太郎", new DateOnly(1990, 4, 1), false, [Qualification], []),
        [], new ConsentsResponse([Consent], []), [Proxy], Notifications, Now.AddHours(-2));

    public static readonly AccessLogResponse AccessLog = new(
    [
        new LedgerEntryResponse(12, Now.AddMinutes(-5), "app", "家計簿アプリ (kakeibo-app)", "insurance-qualifications", "consent 0193a5b0-0000-7000-8000-0000000000c1", false),
        new LedgerEntryResponse(11, Now.AddHours(-1), "agency", "welfare-office", "disability-certificates", "disability allowance", false),
        new LedgerEntryResponse(10, Now.AddDays(-1), "institution", "1310012345", "eligibility-check:eligible", "reception (pin)", false),
    ], 10);

    public static readonly IncomeSummaryView[] Income = [new(2025, 5_300_000, 3_200_000), new(2024, 4_900_000, 2_900_000)];

    public static readonly AppResponse App = new("kakeibo-app", "家計簿アプリ", [AppItem.InsuranceQualifications, AppItem.IncomeSummary], Now);

    public static readonly AppDataResponse AppData = new("abcdefghijklmnopqrstuvwxyz234567", AppItem.InsuranceQualifications, null, [Qualification], null, null);
}
