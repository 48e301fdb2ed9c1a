using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Myna.Api.Auth;
using Myna.CardSimulator;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>A patient with a number, an active card whose chip the simulator holds, and a unique set of basic four items.</summary>
internal sealed record Patient(string PersonId, string Number, string CardUrl, string CardId, string Serial, SimulatedCard Chip, string Name, string Address)
{
    public const string Pin = "4321";
}

/// <summary>A registered institution with one reception terminal whose signing key the test holds.</summary>
internal sealed record Reception(string Institution, string TerminalId, ECDsa Key, HttpClient Client);

/// <summary>Builds the world an eligibility check needs, through the public API only.</summary>
internal sealed class ClinicWorld(ApiFixture fixture)
{
    private static int _sequence = Environment.TickCount & 0xFFFF;

    public HttpClient Operator { get; } = fixture.ClientFor(Roles.Operator);

    public HttpClient Clerk { get; } = fixture.Municipality();

    /// <summary>A fresh valid 8-digit insurer number (random scheme and prefecture) with the real check digit.</summary>
    public static string NewInsurerNumber()
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

    public async Task<(string Number, HttpClient Client)> Insurer()
    {
        string number;
        HttpResponseMessage registered;
        do
        {
            number = NewInsurerNumber();
            registered = await Operator.PostJson($"/v1/insurers/{number}", new { name = "全国健康保険協会 東京支部" });
        }
        while (registered.StatusCode == System.Net.HttpStatusCode.Conflict);
        registered.EnsureSuccessStatusCode();
        return (number, fixture.ClientFor(Roles.Insurer, new Dictionary<string, string> { [MynaClaims.Insurer] = number }));
    }

    public async Task<Reception> Reception(string prefecture = "13", bool acceptsCard = true)
    {
        string code;
        HttpResponseMessage registered;
        do
        {
            // A random code can meet one registered earlier (this database outlives a run): draw again.
            code = prefecture + "1" + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
            registered = await Operator.PostJson($"/v1/institutions/{code}", new { name = "みどり内科クリニック", kind = "clinic", prefecture, acceptsCard });
        }
        while (registered.StatusCode == System.Net.HttpStatusCode.Conflict);
        registered.EnsureSuccessStatusCode();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var terminal = "desk-1";
        (await Operator.PostJson($"/v1/institutions/{code}/terminals", new { terminalId = terminal, publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()) }))
            .EnsureSuccessStatusCode();
        var client = fixture.ClientFor(Roles.Terminal, new Dictionary<string, string> { [MynaClaims.Institution] = code, [MynaClaims.Terminal] = terminal });
        return new Reception(code, terminal, key, client);
    }

    public async Task<Patient> Patient(bool faceAuthentication = false)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var name = "保険 花子" + tag;
        var address = "東京都千代田区霞が関1丁目2番3号 " + tag;
        var person = (await (await Clerk.PostJson("/v1/persons", new { name, address, dateOfBirth = "1980-05-06", sex = "female", reason = "birth" })).Json()).Str("id");
        var number = (await (await Clerk.PostJson($"/v1/persons/{person}/individual-number", new { })).Json()).Str("individualNumber");
        var card = (await Clerk.PostJson("/v1/cards", new { personId = person, channel = "counter", faceAuthentication })).Headers.Location!.ToString();
        await Operator.PostJson($"{card}/production", new { chipBatch = "CLINIC-1" });
        await Clerk.PostJson($"{card}/ready-for-pickup", new { });
        var chip = faceAuthentication ? SimulatedCard.FaceAuthenticationCard() : SimulatedCard.WithPins(Myna.IntegrationTests.Api.Patient.Pin, "signature-pass");
        var handedOver = await (await Clerk.PostJson($"{card}/handover", faceAuthentication
            ? new { pinsSet = false }
            : await CounterProofs.Handover(Clerk, card, chip))).Json();
        var serial = handedOver.GetProperty("certificates").EnumerateArray()
            .Where(c => c.Str("kind") == "user-authentication").Select(c => c.Str("serial")).FirstOrDefault() ?? string.Empty;
        return new Patient(person, number, card, card.Split('/')[^1], serial, chip, name, address);
    }

    public HttpClient Holder(Patient patient) =>
        fixture.ClientFor(Roles.Resident, new Dictionary<string, string> { [MynaClaims.PersonId] = patient.PersonId });

    public async Task<string> Enrol(HttpClient insurer, string insurerNumber, Patient patient, string validFrom = "2020-04-01", string ceiling = "under-seventy-c")
    {
        var enrolled = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", new
        {
            individualNumber = patient.Number,
            insured = new { symbol = "1234", number = "5678", branch = "01" },
            validFrom,
            ceilingCategory = ceiling,
        });
        enrolled.EnsureSuccessStatusCode();
        return (await enrolled.Json()).Str("qualificationId");
    }

    public async Task RegisterForInsurance(Patient patient) =>
        (await Holder(patient).PostJson($"{patient.CardUrl}/insurance-registration", new { channel = "portal" })).EnsureSuccessStatusCode();

    /// <summary>A fully linked patient: enrolled by a fresh insurer, card registered for insurance through the portal.</summary>
    public async Task<(Patient Patient, string Insurer)> InsuredPatient()
    {
        var (insurerNumber, insurer) = await Insurer();
        var patient = await Patient();
        await Enrol(insurer, insurerNumber, patient);
        await RegisterForInsurance(patient);
        return (patient, insurerNumber);
    }

    /// <summary>
    /// A PIN-path check request over an issued challenge: the sealed challenge sent back as issued, and the signature of
    /// <paramref name="chip"/> (the patient's own unless given) over it after the chip checked the PIN.
    /// </summary>
    public static object PinCheck(System.Text.Json.JsonElement challenge, Patient patient, string[]? consents = null, bool registerCard = false, SimulatedCard? chip = null) => new
    {
        challengeId = challenge.Str("challengeId"),
        challenge = challenge.Str("challenge"),
        method = "pin",
        certificateSerial = patient.Serial,
        chipSignature = Convert.ToBase64String((chip ?? patient.Chip).Sign(ChipKey.UserAuthentication, Myna.IntegrationTests.Api.Patient.Pin, Convert.FromBase64String(challenge.Str("challenge")))),
        consents = consents ?? [],
        registerCardForInsurance = registerCard,
    };

    /// <summary>The PIN path: the chip signs the backend's challenge after checking the PIN itself.</summary>
    public static async Task<HttpResponseMessage> CheckWithPin(Reception reception, Patient patient, string[]? consents = null, string? idempotencyKey = null, bool registerCard = false)
    {
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        return await reception.Client.PostJson("/v1/eligibility-checks", PinCheck(challenge, patient, consents, registerCard), idempotencyKey);
    }

    /// <summary>No card: staff checked an eligibility confirmation document; the terminal attests the document number and the staff member.</summary>
    public static async Task<HttpResponseMessage> CheckWithDocument(Reception reception, string documentNumber, string staffId, string[]? consents = null)
    {
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var payload = Encoding.UTF8.GetBytes($"myna-eligibility-attestation-v1\n{challenge.Str("nonce")}\n{documentNumber}\nConfirmationDocument\n{staffId}");
        return await reception.Client.PostJson("/v1/eligibility-checks", new
        {
            challengeId = challenge.Str("challengeId"),
            challenge = challenge.Str("challenge"),
            method = "confirmation-document",
            documentNumber,
            terminalSignature = Convert.ToBase64String(reception.Key.SignData(payload, HashAlgorithmName.SHA256)),
            staffId,
            consents = consents ?? [],
        });
    }

    /// <summary>The face-match or visual-check path: the terminal signs an attestation over the challenge, card, method and staff.</summary>
    public static async Task<HttpResponseMessage> CheckWithAttestation(Reception reception, Patient patient, string method, string? staffId, string[]? consents = null, ECDsa? signWith = null)
    {
        var challenge = await (await reception.Client.PostJson("/v1/eligibility-checks/challenges", new { })).Json();
        var nonce = challenge.Str("nonce");
        var methodName = method == "face-match" ? "FaceMatch" : "VisualCheck";
        var payload = Encoding.UTF8.GetBytes($"myna-eligibility-attestation-v1\n{nonce}\n{patient.CardId}\n{methodName}\n{staffId}");
        return await reception.Client.PostJson("/v1/eligibility-checks", new
        {
            challengeId = challenge.Str("challengeId"),
            challenge = challenge.Str("challenge"),
            method,
            cardId = patient.CardId,
            terminalSignature = Convert.ToBase64String((signWith ?? reception.Key).SignData(payload, HashAlgorithmName.SHA256)),
            staffId,
            consents = consents ?? [],
        });
    }
}
