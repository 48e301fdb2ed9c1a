using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Disaster mode: card-less lookups by clinics inside a declared area and period, flagged on the ledger, ending by themselves.</summary>
[Collection(ApiCollection.Name)]
public sealed class DisasterApiTests(ApiFixture fixture) : IAsyncLifetime
{
    /// <summary>
    /// Disasters are national state that outlives a test run in the local database: each test starts with
    /// none declared, so one left from an earlier run (or test) cannot put an area in disaster mode.
    /// </summary>
    public async Task InitializeAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"delete from {TestInfrastructure.Schema}.mt_doc_disasterrecord", connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly string[] Tokyo = ["131016"];

    private readonly ClinicWorld _world = new(fixture);
    private readonly HttpClient _operator = fixture.ClientFor(Roles.Operator);

    private async Task<string> Declare(string municipality, TimeSpan startsIn, TimeSpan lasts)
    {
        var now = fixture.SiloClock.GetUtcNow();
        var declared = await _operator.PostJson("/v1/disasters", new
        {
            name = "令和8年 地震",
            municipalities = new[] { municipality },
            from = now + startsIn,
            until = now + startsIn + lasts,
        });
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        return (await declared.Json()).Str("disasterId");
    }

    private static Task<HttpResponseMessage> Lookup(Reception reception, Patient patient, string dateOfBirth = "1980-05-06", bool medication = true) =>
        reception.Client.PostJson("/v1/disaster-lookups", new
        {
            name = patient.Name, address = patient.Address, dateOfBirth, sex = "female", includeMedication = medication,
        });

    private async Task<(Patient Patient, string Insurer)> PatientWithMedicine()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        var qualification = await _world.Enrol(insurer, insurerNumber, patient);
        (await insurer.PostJson($"/v1/insurers/{insurerNumber}/medical-feeds", new
        {
            batchId = "disaster-" + Guid.NewGuid().ToString("N")[..6],
            lines = new object[]
            {
                new { qualificationId = qualification, recordId = "m-1", kind = "medication-dispensed", on = "2026-11-10", item = "インスリン注射液", detail = "1日3回" },
                new { qualificationId = qualification, recordId = "e-1", kind = "monthly-medical-expense", on = "2026-10-01", item = "10月", amountYen = 9_000 },
            },
        })).EnsureSuccessStatusCode();
        return (patient, insurerNumber);
    }

    [Fact]
    public async Task Inside_the_area_and_period_a_clinic_checks_without_the_card_and_the_lookup_is_flagged()
    {
        var disaster = await Declare("131016", TimeSpan.FromHours(-1), TimeSpan.FromDays(2));
        var (patient, insurer) = await PatientWithMedicine();
        var reception = await _world.Reception("13");

        var found = await Lookup(reception, patient);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var answer = await found.Json();
        Assert.True(answer.GetProperty("disasterMode").GetBoolean());
        Assert.True(answer.GetProperty("eligible").GetBoolean());
        Assert.Equal(insurer, answer.Str("insurerNumber"));
        Assert.Equal(disaster, answer.Str("disasterId"));
        var medicine = Assert.Single(answer.GetProperty("medications").EnumerateArray());
        Assert.Equal("インスリン注射液", medicine.Str("item"));
        Assert.False(answer.TryGetProperty("individualNumber", out _));
        Assert.False(answer.TryGetProperty("personId", out _));

        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        var flagged = Assert.Single(ledger.EnumerateArray(), e => e.Str("what").StartsWith("disaster-lookup:", StringComparison.Ordinal));
        Assert.Equal(reception.Institution, flagged.Str("accessor"));
        Assert.Contains(disaster, flagged.Str("purpose"), StringComparison.Ordinal);

        var wrongBirthday = await Lookup(reception, patient, "1980-05-07");
        Assert.Equal(HttpStatusCode.NotFound, wrongBirthday.StatusCode);
        Assert.Equal("disaster.no-match", (await wrongBirthday.Json()).Str("code"));
    }

    [Fact]
    public async Task Outside_the_area_the_clinic_must_use_the_card()
    {
        await Declare("011002", TimeSpan.FromHours(-1), TimeSpan.FromDays(2));
        var (patient, _) = await PatientWithMedicine();
        var farAway = await _world.Reception("47");

        var refused = await Lookup(farAway, patient);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("disaster.not-in-effect", (await refused.Json()).Str("code"));
        var ledger = await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json();
        Assert.DoesNotContain(ledger.EnumerateArray(), e => e.Str("what").StartsWith("disaster-lookup:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disaster_mode_starts_and_ends_by_itself_with_its_period()
    {
        var (patient, _) = await PatientWithMedicine();
        var reception = await _world.Reception("04");
        await Declare("041009", TimeSpan.FromDays(1), TimeSpan.FromDays(2));

        Assert.Equal("disaster.not-in-effect", (await (await Lookup(reception, patient)).Json()).Str("code"));
        var before = fixture.SiloClock.Offset;
        try
        {
            fixture.SiloClock.Offset = before + TimeSpan.FromDays(1) + TimeSpan.FromHours(1);
            Assert.Equal(HttpStatusCode.OK, (await Lookup(reception, patient, medication: false)).StatusCode);

            fixture.SiloClock.Offset = before + TimeSpan.FromDays(3) + TimeSpan.FromHours(1);
            var over = await Lookup(reception, patient);
            Assert.Equal(HttpStatusCode.Forbidden, over.StatusCode);
            Assert.Equal("disaster.not-in-effect", (await over.Json()).Str("code"));
        }
        finally
        {
            fixture.SiloClock.Offset = before;
        }
    }

    [Fact]
    public async Task An_operator_can_end_disaster_mode_early_and_a_bad_declaration_is_refused()
    {
        var disaster = await Declare("162019", TimeSpan.FromHours(-1), TimeSpan.FromDays(5));
        var (patient, _) = await PatientWithMedicine();
        var reception = await _world.Reception("16");
        Assert.Equal(HttpStatusCode.OK, (await Lookup(reception, patient)).StatusCode);

        var ended = await _operator.PostJson($"/v1/disasters/{disaster}/end", new { reason = "復旧" });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.False((await ended.Json()).GetProperty("inEffect").GetBoolean());
        Assert.Equal("disaster.not-in-effect", (await (await Lookup(reception, patient)).Json()).Str("code"));

        var now = fixture.SiloClock.GetUtcNow();
        var backwards = await _operator.PostJson("/v1/disasters", new { name = "x", municipalities = Tokyo, from = now, until = now.AddHours(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("disaster.invalid-period", (await backwards.Json()).Str("code"));
        var terminal = reception.Client;
        Assert.Equal(HttpStatusCode.Forbidden, (await terminal.PostJson("/v1/disasters", new { name = "x", municipalities = Tokyo, from = now, until = now.AddDays(1) })).StatusCode);
    }

    [Fact]
    public async Task Only_a_registered_terminal_of_the_institution_looks_anybody_up()
    {
        await Declare("131016", TimeSpan.FromHours(-1), TimeSpan.FromDays(2));
        var (patient, _) = await PatientWithMedicine();
        var reception = await _world.Reception("13");
        var unregistered = fixture.ClientFor(Roles.Terminal, new Dictionary<string, string>
            { [Myna.Api.Auth.MynaClaims.Institution] = reception.Institution, [Myna.Api.Auth.MynaClaims.Terminal] = "desk-not-registered" });
        var ledgerBefore = (await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json()).GetArrayLength();

        var refused = await unregistered.PostJson("/v1/disaster-lookups", new
        {
            name = patient.Name, address = patient.Address, dateOfBirth = "1980-05-06", sex = "female", includeMedication = true,
        });
        var challenge = await unregistered.PostJson("/v1/eligibility-checks/challenges", new { });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("terminal.unknown", (await refused.Json()).Str("code"));
        Assert.DoesNotContain(patient.Name, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, challenge.StatusCode);
        Assert.Equal("terminal.unknown", (await challenge.Json()).Str("code"));
        Assert.Equal(ledgerBefore, (await (await _world.Holder(patient).GetAsync($"/v1/persons/{patient.PersonId}/clinic-ledger")).Json()).GetArrayLength());
        // The registered terminal of the same institution is served.
        Assert.Equal(HttpStatusCode.OK, (await Lookup(reception, patient)).StatusCode);
    }
}
