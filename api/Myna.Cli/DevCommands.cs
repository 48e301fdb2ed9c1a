using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Myna.Cli;

/// <summary>The API answered 404 to <c>POST /dev/tokens</c>: it does not run in Development, so nothing can be seeded.</summary>
internal sealed class DevelopmentOnlyException(string message) : Exception(message);

/// <summary>
/// <c>myna dev-resident</c> and <c>myna dev-clinic-check</c>: a resident for the reference portal, seeded through the
/// public API with tokens minted by <c>POST /dev/tokens</c> (Development only). A README reader cannot make a chip's
/// signatures with curl; the portal's setup page hands the card over with keys kept in the browser, and these two
/// commands do everything before and after that. The Individual Number is read once to enrol the person with the
/// development insurer and never printed.
/// </summary>
public static class DevCommands
{
    /// <summary>The development insurer every seeded resident is enrolled with (a valid number, check digit 7).</summary>
    public const string Insurer = "01139997";

    /// <summary>The development clinic in Tokyo that runs the eligibility checks.</summary>
    public const string Clinic = "1319000001";

    public const string DefaultMunicipality = "131016";

    private const string StaffId = "dev-cli";

    internal static async Task<int> ResidentAsync(Api api, Arguments options, IAnsiConsole console, TextWriter output)
    {
        var municipality = options.Get("municipality") ?? DefaultMunicipality;
        var tokens = new DevTokens(api);
        var clerk = await tokens.Mint("dev-cli-clerk", "municipality", new() { ["municipality"] = municipality });
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var person = CliApp.Str(await api.SendAsync(HttpMethod.Post, "/v1/persons", new
        {
            name = "開発 花子" + tag,
            address = "東京都千代田区千代田1-1 " + tag,
            dateOfBirth = "1985-04-01",
            sex = "female",
            reason = "move-in",
        }, clerk), "id");
        // The number goes to the insurer's enrolment below, as an insurer's system sends it, and nowhere else.
        var number = CliApp.Str(await api.SendAsync(HttpMethod.Post, $"/v1/persons/{person}/individual-number", new { }, clerk), "individualNumber");
        var card = CliApp.Str(await api.SendAsync(HttpMethod.Post, "/v1/cards", new { personId = person, channel = "counter", faceAuthentication = false }, clerk), "id");
        var @operator = await tokens.Mint("dev-cli-operator", "operator");
        await api.SendAsync(HttpMethod.Post, $"/v1/cards/{card}/production", new { chipBatch = "DEV-CLI" }, @operator);
        var ready = await api.SendAsync(HttpMethod.Post, $"/v1/cards/{card}/ready-for-pickup", new { }, clerk);

        await Tolerating("insurer.already-registered", () => api.SendAsync(HttpMethod.Post, $"/v1/insurers/{Insurer}", new { name = "開発用 健康保険組合" }, @operator));
        var insurer = await tokens.Mint("dev-cli-insurer", "insurer", new() { ["insurer"] = Insurer });
        var enrolment = await api.SendAsync(HttpMethod.Post, $"/v1/insurers/{Insurer}/enrolments", new
        {
            individualNumber = number,
            insured = new { symbol = "9000", number = RandomNumberGenerator.GetInt32(100_000_000).ToString("D8", CultureInfo.InvariantCulture), branch = "01" },
            validFrom = "2020-04-01",
            ceilingCategory = "under-seventy-c",
        }, insurer);

        var status = CliApp.Str(ready, "status");
        var next = $"open the portal's Development setup page for card {card}: it hands the card over with keys made in the browser "
            + $"(a clerk of {municipality}: counter challenge, key proofs, handover); then run myna dev-clinic-check --card {card} --person {person}";
        if (options.Has("json"))
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                personId = person,
                cardId = card,
                municipality,
                cardStatus = status,
                insurerNumber = Insurer,
                qualificationId = CliApp.Str(enrolment, "qualificationId"),
                next,
            }));
            return 0;
        }
        console.WriteLine($"person        {person}");
        console.WriteLine($"card          {card} ({status}, a PIN card waiting for its handover)");
        console.WriteLine($"municipality  {municipality}");
        console.WriteLine($"insurer       {Insurer} (qualification {CliApp.Str(enrolment, "qualificationId")})");
        console.WriteLine($"next: {next}");
        return 0;
    }

    /// <summary>
    /// After the handover: the holder registers the card for insurance (through the portal's route, unless it already
    /// is), then a development clinic's fresh terminal checks eligibility by a staff visual check, which needs no chip.
    /// </summary>
    internal static async Task<int> ClinicCheckAsync(Api api, Arguments options, IAnsiConsole console)
    {
        var card = options.Get("card") is { } given && Guid.TryParse(given, out var id) ? id.ToString("D") : throw new UsageException("dev-clinic-check needs --card with the card's id");
        var tokens = new DevTokens(api);
        var person = options.Get("person");
        if (person is null)
        {
            var clerk = await tokens.Mint("dev-cli-clerk", "municipality", new() { ["municipality"] = options.Get("municipality") ?? DefaultMunicipality });
            person = CliApp.Str(await api.SendAsync(HttpMethod.Get, $"/v1/cards/{card}", null, clerk), "personId");
        }
        var resident = await tokens.Mint("dev-cli-resident", "resident", new() { ["person_id"] = person });
        var view = await api.SendAsync(HttpMethod.Get, $"/v1/cards/{card}", null, resident);
        if (CliApp.Str(view, "status") != "active")
        {
            throw new ApiException($"card {card} is {CliApp.Str(view, "status")}, not active: hand it over first (the portal's Development setup page)");
        }
        if (CliApp.Str(view, "registeredForInsuranceVia").Length == 0)
        {
            await api.SendAsync(HttpMethod.Post, $"/v1/cards/{card}/insurance-registration", new { channel = "portal" }, resident);
            console.WriteLine($"card {card} registered for insurance by its holder (channel portal)");
        }

        var @operator = await tokens.Mint("dev-cli-operator", "operator");
        await Tolerating("institution.already-registered", () => api.SendAsync(HttpMethod.Post, $"/v1/institutions/{Clinic}",
            new { name = "開発用 みどり内科クリニック", kind = "clinic", prefecture = "13", acceptsCard = true }, @operator));
        // A terminal of its own each run: its private key lives only in this process.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var terminalId = "dev-cli-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await api.SendAsync(HttpMethod.Post, $"/v1/institutions/{Clinic}/terminals",
            new { terminalId, publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()) }, @operator);
        var terminal = await tokens.Mint("dev-cli-terminal", "terminal", new() { ["institution"] = Clinic, ["terminal_id"] = terminalId });
        var challenge = await api.SendAsync(HttpMethod.Post, "/v1/eligibility-checks/challenges", new { }, terminal);
        var attestation = Encoding.UTF8.GetBytes($"myna-eligibility-attestation-v1\n{CliApp.Str(challenge, "nonce")}\n{card}\nVisualCheck\n{StaffId}");
        var answer = await api.SendAsync(HttpMethod.Post, "/v1/eligibility-checks", new
        {
            challengeId = CliApp.Str(challenge, "challengeId"),
            challenge = CliApp.Str(challenge, "challenge"),
            method = "visual-check",
            cardId = card,
            terminalSignature = Convert.ToBase64String(key.SignData(attestation, HashAlgorithmName.SHA256)),
            staffId = StaffId,
            consents = Array.Empty<string>(),
        }, terminal);

        var eligible = answer.TryGetProperty("eligible", out var e) && e.ValueKind == JsonValueKind.True;
        console.WriteLine($"eligibility check {CliApp.Str(answer, "checkId")} at clinic {Clinic} (terminal {terminalId}, staff visual check): "
            + (eligible ? $"eligible, insurer {CliApp.Str(answer, "insurerNumber")}, valid from {CliApp.Str(answer, "validFrom")}" : $"not eligible ({CliApp.Str(answer, "reason")})"));
        // What the resident sees in the portal: the newest institution entry of their own access log.
        var log = await api.SendAsync(HttpMethod.Get, "/v1/me/access-log?kind=institution&limit=1", null, resident);
        var entry = log.GetProperty("entries").EnumerateArray().FirstOrDefault();
        console.WriteLine(entry.ValueKind == JsonValueKind.Object
            ? $"the resident's access log (GET /v1/me/access-log): {CliApp.Str(entry, "what")} by institution {CliApp.Str(entry, "accessor")} at {CliApp.Str(entry, "at")}"
            : "the resident's access log (GET /v1/me/access-log) shows no institution's check yet");
        return eligible ? 0 : 2;
    }

    /// <summary>A registration that may already have been made by an earlier run: that conflict is the same outcome.</summary>
    private static async Task Tolerating(string conflict, Func<Task<JsonElement>> call)
    {
        try
        {
            await call();
        }
        catch (ApiException ex) when (ex.Status == 409 && ex.Code == conflict)
        {
            // Registered by an earlier run: use it as it is.
        }
    }

    /// <summary>Development tokens, one per role; a 404 means the API is not in Development.</summary>
    private sealed class DevTokens(Api api)
    {
        public async Task<string> Mint(string subject, string role, Dictionary<string, string>? scope = null)
        {
            try
            {
                var answer = await api.PostAsync("/dev/tokens", new { subject, role, scope, lifetimeMinutes = 30 });
                return CliApp.Str(answer, "accessToken");
            }
            catch (ApiException ex) when (ex.Status == 404)
            {
                throw new DevelopmentOnlyException(
                    "POST /dev/tokens answered 404: this API does not run in the Development environment (or Auth:DevTokens is false), "
                    + "and the development commands mint their tokens there. Run it with deploy/run.sh, or point --url at a Development API.");
            }
        }
    }
}
