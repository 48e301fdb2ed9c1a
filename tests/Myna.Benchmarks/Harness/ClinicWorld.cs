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

    private AuthenticationHeaderValue _insurer = null!;

    public async Task CreateAsync(int patients, int receptions, int concurrency)
    {
        await CreateInsurerAsync();
        for (var i = 0; i < receptions; i++)
        {
            Receptions.Add(await CreateReceptionAsync());
        }
        var made = new Patient?[patients];
        var (elapsed, failed) = await Load.BatchAsync(patients, concurrency, async i =>
        {
            made[i] = await CreatePatientAsync();
            return true;
        }, Progress.Bar("seed: insured patients through the API", patients));
        Patients.AddRange(made.Where(p => p is not null)!);
        Progress.Line($"seed: {Patients.Count} patients in {elapsed.TotalSeconds:0.0} s ({Patients.Count / elapsed.TotalSeconds:0.0}/s), {failed} failed");
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, AuthenticationHeaderValue token, string url, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body) };
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
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync();
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>The PIN path: a challenge, the chip's signature over it, the check. True when answered eligible.</summary>
    public static async Task<bool> CheckWithPinAsync(HttpClient http, Reception reception, Patient patient)
    {
        var challenge = await JsonAsync(await PostAsync(http, reception.Token, "/v1/eligibility-checks/challenges", new { }));
        var nonce = Convert.FromBase64String(challenge.GetProperty("nonce").GetString()!);
        using var response = await PostAsync(http, reception.Token, "/v1/eligibility-checks", new
        {
            challengeId = challenge.GetProperty("challengeId").GetString(),
            challenge = challenge.GetProperty("challenge").GetString(),
            method = "pin",
            certificateSerial = patient.Serial,
            chipSignature = Convert.ToBase64String(patient.Sign(nonce)),
            consents = Array.Empty<string>(),
            registerCardForInsurance = false,
        });
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

    private async Task<Reception> CreateReceptionAsync()
    {
        var code = "131" + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
        (await PostAsync(api.Http, _operator, $"/v1/institutions/{code}", new { name = "みどり内科クリニック", kind = "clinic", prefecture = "13", acceptsCard = true })).EnsureSuccessStatusCode();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string terminal = "desk-1";
        (await PostAsync(api.Http, _operator, $"/v1/institutions/{code}/terminals", new { terminalId = terminal, publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()) }))
            .EnsureSuccessStatusCode();
        var token = api.Token(Roles.Terminal, new Dictionary<string, string> { [MynaClaims.Institution] = code, [MynaClaims.Terminal] = terminal });
        return new Reception(code, terminal, key, token);
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
            applied.EnsureSuccessStatusCode();
            card = applied.Headers.Location!.ToString();
        }
        (await PostAsync(http, _operator, $"{card}/production", new { chipBatch = "BENCH-1" })).EnsureSuccessStatusCode();
        (await PostAsync(http, _clerk, $"{card}/ready-for-pickup", new { })).EnsureSuccessStatusCode();
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
        (await PostAsync(http, _insurer, $"/v1/insurers/{InsurerNumber}/enrolments", new
        {
            individualNumber = number,
            insured = new { symbol = "1234", number = "5678", branch = "01" },
            validFrom = "2020-04-01",
            ceilingCategory = "under-seventy-c",
        })).EnsureSuccessStatusCode();
        var holder = api.Token(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = person });
        (await PostAsync(http, holder, $"{card}/insurance-registration", new { channel = "portal" })).EnsureSuccessStatusCode();
        return new Patient(Guid.Parse(person), card.Split('/')[^1], serial, chip);
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
