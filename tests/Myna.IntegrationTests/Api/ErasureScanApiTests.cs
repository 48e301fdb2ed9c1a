using System.Globalization;
using System.Net;
using Myna.Api.Auth;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Issue 17, "erasure leaves nothing": a person with a number, a resident record code, moves, a new name, a
/// disability certificate, income, an agency code and medical information is erased; then every PostgreSQL table, every Azure table and
/// every blob is scanned for their personal values (UTF-8, JSON escapes, base64, binary): no hit. The chain still
/// verifies. Then every read model is rebuilt from the events and the scan runs again.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ErasureScanApiTests(ApiFixture fixture)
{
    private HttpClient Auditor => fixture.ClientFor(Roles.Auditor);

    private static async Task AssertTheScannerSeesAsync(string personId, string suffix)
    {
        var marker = "対照 " + suffix + "-control";
        var container = new Azure.Storage.Blobs.BlobContainerClient(TestInfrastructure.AzureStorage, "myna-scan-control");
        var table = new Azure.Data.Tables.TableClient(TestInfrastructure.AzureStorage, "mynascancontrol");
        await container.CreateIfNotExistsAsync();
        await table.CreateIfNotExistsAsync();
        try
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(marker);
            await container.GetBlobClient("base64").UploadAsync(BinaryData.FromString("{\"v\":\"" + Convert.ToBase64String(bytes) + "\"}"), overwrite: true);
            await container.GetBlobClient("escaped").UploadAsync(BinaryData.FromString(System.Text.Json.JsonSerializer.Serialize(new { v = marker })), overwrite: true);
            await container.GetBlobClient("utf16").UploadAsync(BinaryData.FromBytes([0, 1, .. System.Text.Encoding.Unicode.GetBytes(marker), 2]), overwrite: true);
            await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("p", "r") { ["Binary"] = bytes });

            var hits = await PersonalDataScanner.ScanAsync([marker, personId]);

            Assert.Contains(hits, h => h.Value == personId && h.Where.StartsWith("postgres", StringComparison.Ordinal));
            foreach (var where in new[] { "myna-scan-control/base64 (base64)", "myna-scan-control/escaped", "myna-scan-control/utf16 (bytes)", "mynascancontrol p/r Binary (bytes)" })
            {
                Assert.Contains(hits, h => h.Value == marker && h.Where.Contains(where, StringComparison.Ordinal));
            }
        }
        finally
        {
            await container.DeleteIfExistsAsync();
            await table.DeleteAsync();
        }
    }

    [Fact]
    public async Task After_erasure_no_personal_value_is_found_anywhere_in_storage_even_after_every_rebuild()
    {
        var clerk = fixture.Municipality();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        // Values no other test writes: a scan of the whole store finds only this person's. Figures have ten digits:
        // a seven-digit one matched the fraction of some stored timestamp now and then ("…:56.3162982").
        var dateOfBirth = new DateOnly(1902, 1, 1).AddDays(Random.Shared.Next(0, 365 * 20));
        var name = "走査 太郎" + suffix;
        var newName = "走査 次郎" + suffix;
        var address = "東京都千代田区丸の内" + suffix;
        var newAddress = "東京都千代田区大手町" + suffix;
        var certificate = "走査-" + suffix;
        var income = 7_000_000_000L + Random.Shared.Next(0, 999_999_999);
        var taxable = 3_000_000_000L + Random.Shared.Next(0, 999_999_999);

        var id = (await (await clerk.PostJson("/v1/persons", new
        {
            name, address, dateOfBirth = dateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), sex = "female", reason = "birth",
        })).Json()).Str("id");
        var number = (await (await clerk.PostAsync($"/v1/persons/{id}/individual-number", null)).Json()).Str("individualNumber");
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/moves", new { newAddress, movedOn = "2026-10-01" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/name-changes", new { newName })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/disability-certificates", new
        {
            certificateNumber = certificate, kind = "physical", grade = "2級", issuer = "東京都", validFrom = "2024-04-01",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/income-summaries", new
        {
            fiscalYear = 2025, totalIncomeYen = income, taxableIncomeYen = taxable,
        })).StatusCode);
        var agency = fixture.ClientFor(Roles.Agency, new Dictionary<string, string> { [MynaClaims.Agency] = "welfare-office" });
        var agencyResponse = await agency.PostJson("/v1/agency/codes", new { individualNumber = number });
        Assert.Equal(HttpStatusCode.OK, agencyResponse.StatusCode);
        var agencyCode = (await agencyResponse.Json()).Str("agencyCode");
        // Medical information on the person's own medical stream (as the insurer feed hands it over).
        var medicine = "走査錠" + suffix;
        var pharmacy = "走査薬局" + suffix;
        var received = await fixture.Grains.GetGrain<Myna.GrainInterfaces.Medical.IMedicalRecordGrain>(Guid.Parse(id)).Receive(
            new Myna.GrainInterfaces.Common.CommandContext(Guid.NewGuid(), Guid.NewGuid(), new Myna.GrainInterfaces.Common.Actor("insurer-feed", "insurer"), "feed"),
            new Myna.GrainInterfaces.Medical.ReceiveMedicalRecords("scan-" + Guid.NewGuid().ToString("N")[..8], new Myna.GrainInterfaces.Insurance.InsurerNumber("06139999"),
                [new Myna.GrainInterfaces.Medical.MedicalRecord("rx-" + Guid.NewGuid().ToString("N")[..8], Myna.GrainInterfaces.Medical.MedicalRecordKind.MedicationDispensed,
                    new DateOnly(2026, 11, 1), medicine, "1日2回" + suffix, 1234, pharmacy)]));
        Assert.Equal(1, received.Value);

        // The resident record code is masked in every view: read it from the stream itself, as the grain does.
        using var store = TestInfrastructure.CreateStore();
        var stream = await new Myna.EventStore.Streams.MartenEventStreamStore(store).ReadAsync("person-" + id, 1);
        var recordCode = stream.Select(e => e.Data).OfType<Myna.Domain.Persons.ResidentRecordCodeAssigned>().Single().Code.Digits;

        // The scanner finds what it looks for in each place and form (a control planted outside the system's names).
        await AssertTheScannerSeesAsync(id, suffix);

        Assert.Equal(HttpStatusCode.OK, (await clerk.PostJson($"/v1/persons/{id}/closure", new { reason = "death", effectiveOn = "2026-11-20" })).StatusCode);
        try
        {
            fixture.SiloClock.Offset = TimeSpan.FromDays(366 * 151);
            Assert.Equal(HttpStatusCode.Accepted, (await clerk.PostJson($"/v1/persons/{id}/personal-data-erasure", new { legalBasis = "保存期間満了" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await fixture.Municipality().PostJson($"/v1/persons/{id}/personal-data-erasure/approval", new { })).StatusCode);
        }
        finally
        {
            fixture.SiloClock.Offset = TimeSpan.Zero;
        }

        string[] values =
        [
            name, newName, address, newAddress, certificate, number, recordCode, agencyCode, medicine, pharmacy,
            dateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), suffix,
            income.ToString(CultureInfo.InvariantCulture), taxable.ToString(CultureInfo.InvariantCulture),
        ];
        var hits = await PersonalDataScanner.ScanAsync(values);
        Assert.True(hits.Count == 0, "Found after erasure:\n" + string.Join("\n", hits.Select(h => $"{h.Value} in {h.Where}").Distinct().Take(50)));
        var verified = await (await Auditor.GetAsync($"/v1/audit/streams/person/{id}/verification")).Json();
        Assert.True(verified.GetProperty("intact").GetBoolean(), verified.GetRawText());

        // Every read model rebuilt from the events, then the scan again.
        var operatorClient = fixture.ClientFor(Roles.Operator);
        foreach (var index in Myna.GrainInterfaces.Operations.IIndexMaintenanceGrain.Indexes)
        {
            var started = await operatorClient.PostJson("/v1/operations/rebuild-jobs", new { index });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
            string status;
            while ((status = (await (await operatorClient.GetAsync(started.Headers.Location)).Json()).Str("status")) is "running" && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
            Assert.True(status == "completed", $"{index}: {status}");
        }
        var afterRebuild = await PersonalDataScanner.ScanAsync(values);
        Assert.True(afterRebuild.Count == 0, "Found after the rebuilds:\n" + string.Join("\n", afterRebuild.Select(h => $"{h.Value} in {h.Where}").Distinct().Take(50)));
    }
}
