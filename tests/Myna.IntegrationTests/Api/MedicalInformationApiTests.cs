using System.Net;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Medical information: idempotent insurer feeds, the resident's view, clinic reads under the reception consent.</summary>
[Collection(ApiCollection.Name)]
public sealed class MedicalInformationApiTests(ApiFixture fixture)
{
    private readonly ClinicWorld _world = new(fixture);

    private static object Batch(string batchId, string qualification, string prefix) => new
    {
        batchId,
        lines = new object[]
        {
            new { qualificationId = qualification, recordId = prefix + "-1", kind = "medication-dispensed", on = "2026-10-02", item = "アムロジピン錠5mg", detail = "1日1回 28日分", provider = "さくら薬局" },
            new { qualificationId = qualification, recordId = prefix + "-2", kind = "medication-dispensed", on = "2026-11-01", item = "ロキソプロフェン錠60mg", detail = "頓用 10回分", provider = "さくら薬局" },
            new { qualificationId = qualification, recordId = prefix + "-3", kind = "health-check-result", on = "2026-06-15", item = "HbA1c", detail = "5.6%" },
            new { qualificationId = qualification, recordId = prefix + "-4", kind = "monthly-medical-expense", on = "2026-10-01", item = "2026年10月 医療費", amountYen = 12_340 },
        },
    };

    private async Task<(Patient Patient, string Insurer, HttpClient InsurerClient, string Qualification)> FedPatient()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var qualification = await _world.Enrol(insurer, insurerNumber, patient);
        await _world.RegisterForInsurance(patient);
        var fed = await insurer.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", Batch("batch-" + Guid.NewGuid().ToString("N")[..8], qualification, "rx"));
        Assert.Equal(HttpStatusCode.OK, fed.StatusCode);
        return (patient, insurerNumber, insurer, qualification);
    }

    private static Task<HttpResponseMessage> Read(Reception reception, string checkId, params string[] items) =>
        reception.Client.PostJson($"/v1/eligibility-checks/{checkId}/medical-information-reads", new { items });

    private static async Task<string> CheckId(Reception reception, Patient patient, params string[] consents)
    {
        var checkedIn = await ClinicWorld.CheckWithPin(reception, patient, consents);
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);
        return (await checkedIn.Json()).Str("checkId");
    }

    [Fact]
    public async Task The_same_batch_fed_twice_is_recorded_once_and_a_batch_with_an_unknown_line_records_nothing()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var qualification = await _world.Enrol(insurer, insurerNumber, patient);

        var first = await (await insurer.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", Batch("2026-11-A", qualification, "a"))).Json();
        Assert.Equal(4, first.GetProperty("newRecords").GetInt32());
        var again = await insurer.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", Batch("2026-11-A", qualification, "a"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, (await again.Json()).GetProperty("newRecords").GetInt32());
        // Another batch repeating a record id the insurer already sent keeps the record once too.
        Assert.Equal(0, (await (await insurer.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", Batch("2026-11-B", qualification, "a"))).Json())
            .GetProperty("newRecords").GetInt32());

        var stranger = Guid.NewGuid().ToString();
        var mixed = await insurer.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", new
        {
            batchId = "2026-11-C",
            lines = new object[]
            {
                new { qualificationId = qualification, recordId = "c-1", kind = "medication-dispensed", on = "2026-11-20", item = "新しい薬" },
                new { qualificationId = stranger, recordId = "c-2", kind = "medication-dispensed", on = "2026-11-20", item = "他人の薬" },
            },
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mixed.StatusCode);
        var problem = await mixed.Json();
        Assert.Equal("medical.unknown-qualification", problem.Str("code"));
        Assert.Contains(stranger, problem.GetProperty("details").EnumerateArray().Select(d => d.GetString()));

        var own = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/medical-information")).Json();
        Assert.Equal(4, own.GetArrayLength());
        Assert.Contains(own.EnumerateArray(), r => r.Str("kind") == "monthly-medical-expense" && r.GetProperty("amountYen").GetInt64() == 12_340);
        Assert.DoesNotContain(own.EnumerateArray(), r => r.Str("recordId") == "c-1");
        var expensesOnly = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/medical-information?kind=monthly-medical-expense")).Json();
        Assert.Equal("a-4", Assert.Single(expensesOnly.EnumerateArray()).Str("recordId"));

        var otherInsurer = await _world.Insurer();
        var foreign = await otherInsurer.Client.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", Batch("x", qualification, "x"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var notTheirs = await otherInsurer.Client.PostJson($"/v1/insurers/{otherInsurer.Number}/medical-feeds", Batch("y", qualification, "y"));
        Assert.Equal("medical.unknown-qualification", (await notTheirs.Json()).Str("code"));
    }

    [Fact]
    public async Task A_clinic_reads_only_what_the_patient_consented_to_at_its_own_reception()
    {
        var (patient, _, _, _) = await FedPatient();
        var reception = await _world.Reception();
        var checkId = await CheckId(reception, patient, "medication-history");

        var read = await Read(reception, checkId, "medication-history");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var records = (await read.Json()).GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("medication-dispensed", r.Str("kind")));
        Assert.Equal("ロキソプロフェン錠60mg", records[0].Str("item"));

        var notConsented = await Read(reception, checkId, "health-check-results");
        Assert.Equal(HttpStatusCode.Forbidden, notConsented.StatusCode);
        Assert.Equal("medical.item-not-consented", (await notConsented.Json()).Str("code"));

        var otherClinic = await _world.Reception();
        var elsewhere = await Read(otherClinic, checkId, "medication-history");
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal("medical.no-consent", (await elsewhere.Json()).Str("code"));

        var expenses = await Read(reception, checkId, "ceiling-category");
        Assert.Equal(HttpStatusCode.BadRequest, expenses.StatusCode);

        // Every attempt, allowed or refused, is on the patient's ledger.
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        var reads = ledger.EnumerateArray().Where(e => e.Str("what").StartsWith("medical-information:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, reads.Count);
        Assert.Equal(1, reads.Count(e => !e.GetProperty("refused").GetBoolean() && e.Str("accessor") == reception.Institution));
        Assert.Equal(2, reads.Count(e => e.GetProperty("refused").GetBoolean()));
        Assert.Contains(reads, e => e.Str("accessor") == otherClinic.Institution);
    }

    [Fact]
    public async Task Without_consent_or_after_24_hours_a_clinic_reads_nothing()
    {
        var (patient, _, _, _) = await FedPatient();
        var reception = await _world.Reception();

        var noConsent = await CheckId(reception, patient);
        var refused = await Read(reception, noConsent, "medication-history");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("medical.no-consent", (await refused.Json()).Str("code"));

        var checkId = await CheckId(reception, patient, "medication-history", "health-check-results");
        Assert.Equal(HttpStatusCode.OK, (await Read(reception, checkId, "health-check-results")).StatusCode);
        var before = fixture.SiloClock.Offset;
        try
        {
            fixture.SiloClock.Offset = before + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1);
            var late = await Read(reception, checkId, "medication-history");
            Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
            Assert.Equal("medical.consent-expired", (await late.Json()).Str("code"));
        }
        finally
        {
            fixture.SiloClock.Offset = before;
        }

        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.Contains(ledger.EnumerateArray(), e => e.Str("what") == "medical-information:MedicationHistory" && e.Str("purpose") == "refused: consent-expired");
    }
}
