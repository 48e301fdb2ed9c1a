using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Myna.Api.Auth;
using Myna.CardSimulator;

namespace Myna.Benchmarks.Harness;

/// <summary>A patient with a number, an active card registered for insurance, its chip, and an enrolment.</summary>
public sealed record Patient(Guid PersonId, string CardId, string Serial, SimulatedCard Chip)
{
    public const string Pin = "4321";

    /// <summary>The chip signs one challenge at a time, like a real one.</summary>
    public byte[] Sign(byte[] nonce)
    {
        lock (Chip)
        {
            return Chip.Sign(ChipKey.UserAuthentication, Pin, nonce);
        }
    }
}

/// <summary>A registered institution with one reception terminal whose signing key the harness holds.</summary>
public sealed record Reception(string Institution, string TerminalId, ECDsa Key, AuthenticationHeaderValue Token);

/// <summary>Builds the eligibility-check world through the public API only, the way the API tests do.</summary>
public sealed class ClinicWorld(Deployment api)
{
    private static int _sequence = Environment.TickCount & 0xFFFF;

    private readonly AuthenticationHeaderValue _operator = api.Token(Roles.Operator);
    private readonly AuthenticationHeaderValue _clerk = api.Token(Roles.Municipality, new Dictionary<string, string> { [MynaClaims.Municipality] = "131016" });

    public List<Patient> Patients { get; } = [];

    public List<Reception> Receptions { get; } = [];

    public string InsurerNumber { get; private set; } = string.Empty;

    /// <summary>How the patients were seeded (for F1's description): patients per second and requests in flight.</summary>
    public double SeedRate { get; private set; }

    public int SeedConcurrency { get; private set; }

    private AuthenticationHeaderValue _insurer = null!;

    public async Task CreateAsync(int patients, int receptions, int concurrency)
    {
        await CreateInsurerAsync();
        // Terminals as production has them: each may ask 120 challenges a minute (AbuseLimits), so the offered
        // rate is spread over enough of them (3,000 checks/s needs 1,500), 20 terminals per institution.
        var institutions = new List<Reception>[(receptions + TerminalsPerInstitution - 1) / TerminalsPerInstitution];
        await Load.BatchAsync(institutions.Length, 8, async i =>
        {
            institutions[i] = await CreateInstitutionAsync(Math.Min(TerminalsPerInstitution, receptions - i * TerminalsPerInstitution));
            return true;
        }, Progress.Bar("seed: institutions and their terminals", institutions.Length));
        // Interleaved, so that consecutive checks come from different institutions.
        for (var t = 0; t < TerminalsPerInstitution; t++)
        {
            Receptions.AddRange(institutions.Where(i => i is not null && t < i.Count).Select(i => i[t]));
        }
        var made = new Patient?[patients];
        var (elapsed, failed) = await Load.BatchAsync(patients, concurrency, async i =>
        {
            made[i] = await CreatePatientAsync();
            return true;
        }, Progress.Bar("seed: insured patients through the API", patients));
        Patients.AddRange(made.Where(p => p is not null)!);
        SeedRate = Patients.Count / elapsed.TotalSeconds;
        SeedConcurrency = concurrency;
        Progress.Line($"seed: {Patients.Count:N0} patients in {elapsed.TotalSeconds:0.0} s ({SeedRate:0.0}/s, {concurrency} in flight), {failed} failed; 100,000 would take {100_000 / SeedRate / 60:0} min at this rate");
    }

    /// <summary>Bodies as the API reads them: enumerations by their kebab-case names (the API refuses numbers).</summary>
    private static readonly JsonSerializerOptions Body = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, AuthenticationHeaderValue token, string url, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body, options: Body) };
        request.Headers.Authorization = token;
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await SucceededAsync(response);
            var text = await response.Content.ReadAsStringAsync();
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>Like EnsureSuccessStatusCode, naming the route and the problem's stable code when it failed.</summary>
    public static async Task SucceededAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var code = string.Empty;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
        }
        throw new HttpRequestException($"{(int)response.StatusCode} {code} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}");
    }

    /// <summary>The PIN path: a challenge, the chip's signature over it, the check. True when answered eligible.</summary>
    public static Task<bool> CheckWithPinAsync(HttpClient http, Reception reception, Patient patient, bool registerCard = false) =>
        CheckWithPinAsync(http, reception, patient, registerCard, phases: null);

    /// <summary>The check, with <paramref name="phases"/> told how long its challenge request took and when its check request began and ended (UTC).</summary>
    public static async Task<bool> CheckWithPinAsync(HttpClient http, Reception reception, Patient patient, bool registerCard, Action<double, DateTime, DateTime>? phases)
    {
        var started = Stopwatch.GetTimestamp();
        var challenge = await JsonAsync(await PostAsync(http, reception.Token, "/v1/eligibility-checks/challenges", new { }));
        var challengeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var nonce = Convert.FromBase64String(challenge.GetProperty("nonce").GetString()!);
        var checkFrom = DateTime.UtcNow;
        using var response = await PostAsync(http, reception.Token, "/v1/eligibility-checks", new
        {
            challengeId = challenge.GetProperty("challengeId").GetString(),
            challenge = challenge.GetProperty("challenge").GetString(),
            method = "pin",
            certificateSerial = patient.Serial,
            chipSignature = Convert.ToBase64String(patient.Sign(nonce)),
            consents = Array.Empty<string>(),
            registerCardForInsurance = registerCard,
        });
        phases?.Invoke(challengeMs, checkFrom, DateTime.UtcNow);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("eligible").GetBoolean();
    }

    private async Task CreateInsurerAsync()
    {
        while (true)
        {
            var number = NewInsurerNumber();
            using var registered = await PostAsync(api.Http, _operator, $"/v1/insurers/{number}", new { name = "全国健康保険協会 東京支部" });
            if (registered.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                continue;
            }
            registered.EnsureSuccessStatusCode();
            InsurerNumber = number;
            _insurer = api.Token(Roles.Insurer, new Dictionary<string, string> { [MynaClaims.Insurer] = number });
            return;
        }
    }

    private const int TerminalsPerInstitution = 20;

    private async Task<List<Reception>> CreateInstitutionAsync(int terminals)
    {
        var code = "131" + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
        await SucceededAsync(await PostAsync(api.Http, _operator, $"/v1/institutions/{code}", new { name = "みどり内科クリニック", kind = "clinic", prefecture = "13", acceptsCard = true }));
        var made = new List<Reception>(terminals);
        for (var t = 1; t <= terminals; t++)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var terminal = $"desk-{t}";
            await SucceededAsync(await PostAsync(api.Http, _operator, $"/v1/institutions/{code}/terminals", new { terminalId = terminal, publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()) }));
            var token = api.Token(Roles.Terminal, new Dictionary<string, string> { [MynaClaims.Institution] = code, [MynaClaims.Terminal] = terminal });
            made.Add(new Reception(code, terminal, key, token));
        }
        return made;
    }

    private async Task<Patient> CreatePatientAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var http = api.Http;
        var person = (await JsonAsync(await PostAsync(http, _clerk, "/v1/persons", new
        {
            name = "保険 花子" + tag,
            address = "東京都千代田区霞が関1丁目2番3号 " + tag,
            dateOfBirth = "1980-05-06",
            sex = "female",
            reason = "birth",
        }))).GetProperty("id").GetString()!;
        var number = (await JsonAsync(await PostAsync(http, _clerk, $"/v1/persons/{person}/individual-number", new { }))).GetProperty("individualNumber").GetString()!;
        string card;
        using (var applied = await PostAsync(http, _clerk, "/v1/cards", new { personId = person, channel = "counter", faceAuthentication = false }))
        {
            await SucceededAsync(applied);
            card = applied.Headers.Location!.ToString();
        }
        await SucceededAsync(await PostAsync(http, _operator, $"{card}/production", new { chipBatch = "BENCH-1" }));
        await SucceededAsync(await PostAsync(http, _clerk, $"{card}/ready-for-pickup", new { }));
        var chip = SimulatedCard.WithPins(Patient.Pin, "signature-pass");
        // Invariant 19: each new key signs a key-proof challenge of this counter.
        var challenge = (await JsonAsync(await PostAsync(http, _clerk, $"{card}/counter-challenges", new { purpose = "key-proof" })))
            .GetProperty("challenge").GetString()!;
        object Proof(ChipKey key, string pin) =>
            new { challenge, signature = Convert.ToBase64String(chip.Sign(key, pin, Convert.FromBase64String(challenge))) };
        var handedOver = await JsonAsync(await PostAsync(http, _clerk, $"{card}/handover", new
        {
            pinsSet = true,
            userAuthenticationPublicKey = chip.PublicKey(ChipKey.UserAuthentication),
            signaturePublicKey = chip.PublicKey(ChipKey.Signature),
            userAuthenticationKeyProof = Proof(ChipKey.UserAuthentication, Patient.Pin),
            signatureKeyProof = Proof(ChipKey.Signature, "signature-pass"),
        }));
        var serial = handedOver.GetProperty("certificates").EnumerateArray()
            .First(c => c.GetProperty("kind").GetString() == "user-authentication").GetProperty("serial").GetString()!;
        await SucceededAsync(await PostAsync(http, _insurer, $"/v1/insurers/{InsurerNumber}/enrolments", new
        {
            individualNumber = number,
            insured = new { symbol = "1234", number = "5678", branch = "01" },
            validFrom = "2020-04-01",
            ceilingCategory = "under-seventy-c",
        }));
        // Flow 4 at reception: the first check registers the card for insurance (the production API takes resident
        // tokens from portal sessions only, so the harness does not mint one).
        var patient = new Patient(Guid.Parse(person), card.Split('/')[^1], serial, chip);
        if (!await CheckWithPinAsync(http, Receptions[Random.Shared.Next(Receptions.Count)], patient, registerCard: true))
        {
            throw new InvalidOperationException("The seeding check at reception did not register the card for insurance.");
        }
        return patient;
    }

    private static string NewInsurerNumber()
    {
        var body = Random.Shared.Next(1, 100).ToString("D2", CultureInfo.InvariantCulture)
            + Random.Shared.Next(1, 48).ToString("D2", CultureInfo.InvariantCulture)
            + (Interlocked.Increment(ref _sequence) % 1000).ToString("D3", CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var digit = body[body.Length - 1 - i] - '0';
            var product = digit * (i % 2 == 0 ? 2 : 1);
            sum += product / 10 + product % 10;
        }
        return body + ((10 - sum % 10) % 10).ToString(CultureInfo.InvariantCulture);
    }
}
