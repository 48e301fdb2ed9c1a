using System.Net;
using Myna.EventStore.Certificates;
using Myna.EventStore.Insurance;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Lookup indexes are hints rebuilt from the streams: lose a row, rebuild, and the lookup works again.</summary>
[Collection(ApiCollection.Name)]
public sealed class IndexRebuildApiTests(ApiFixture fixture)
{
    private readonly ClinicWorld _world = new(fixture);

    [Fact]
    public async Task A_lost_basic_four_row_is_rebuilt_and_the_enrolment_then_links()
    {
        var (insurerNumber, insurer) = await _world.Insurer();
        var patient = await _world.Patient();
        using (var store = TestInfrastructure.CreateStore())
        {
            await using var session = store.LightweightSession();
            session.Delete<PersonMatchRecord>(Guid.Parse(patient.PersonId));
            await session.SaveChangesAsync();
        }
        var enrolment = new
        {
            basicFourItems = new { name = patient.Name, address = patient.Address, dateOfBirth = "1980-05-06", sex = "female" },
            insured = new { symbol = "1", number = "2", branch = "00" },
            validFrom = "2024-04-01",
            ceilingCategory = "under-seventy-d",
        };

        var before = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", enrolment);
        var rebuilt = await _world.Operator.PostJson("/v1/operations/index-rebuilds/person-match", new { });
        var after = await insurer.PostJson($"/v1/insurers/{insurerNumber}/enrolments", enrolment);

        Assert.Equal("insurance.no-match", (await before.Json()).Str("code"));
        Assert.True((await rebuilt.Json()).GetProperty("rows").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }

    [Fact]
    public async Task A_lost_certificate_row_is_rebuilt_and_the_pin_check_then_works()
    {
        var (patient, _) = await _world.InsuredPatient();
        var reception = await _world.Reception();
        using (var store = TestInfrastructure.CreateStore())
        {
            await using var session = store.LightweightSession();
            session.Delete<CertificateRecord>(patient.Serial);
            await session.SaveChangesAsync();
        }

        var before = await ClinicWorld.CheckWithPin(reception, patient);
        var rebuilt = await _world.Operator.PostJson("/v1/operations/index-rebuilds/certificates", new { });
        var after = await ClinicWorld.CheckWithPin(reception, patient);

        Assert.Equal("auth.certificate-unknown", (await before.Json()).Str("code"));
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        Assert.True((await after.Json()).GetProperty("eligible").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _world.Operator.PostJson("/v1/operations/index-rebuilds/everything", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _world.Clerk.PostJson("/v1/operations/index-rebuilds/devices", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _world.Operator.PostJson("/v1/operations/index-rebuilds/devices", new { })).StatusCode);
    }
}
