using System.Net;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Myna.Api.Auth;
using Myna.EventStore.Privacy;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Api;

/// <summary>Operators rotate the key-encryption key through the API: keys left in clear are wrapped, persons' data still reads.</summary>
[Collection(ApiCollection.Name)]
public sealed class KeyRotationApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_operator_rotation_wraps_keys_left_in_clear_and_other_roles_are_refused()
    {
        var world = new ClinicWorld(fixture);
        var patient = await world.Patient();
        var table = new TableServiceClient(TestInfrastructure.AzureStorage).GetTableClient(AzurePersonalDataKeyTable);
        var clearSubject = Guid.NewGuid();
        await table.AddEntityAsync(new TableEntity(AzureTablePersonalDataKeyStore.Partition(clearSubject), clearSubject.ToString("N")) { ["Key"] = RandomNumberGenerator.GetBytes(32) });

        foreach (var role in new[] { Roles.Auditor, Roles.Municipality, Roles.CallCentre, Roles.Resident })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await fixture.ClientFor(role).PostJson("/v1/operations/key-rotations", new { })).StatusCode);
        }
        var operatorClient = fixture.ClientFor(Roles.Operator);
        var started = await operatorClient.PostJson("/v1/operations/key-rotations", new { });
        Assert.True(started.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{started.StatusCode}");

        var rotation = await Finished(operatorClient);

        Assert.Equal("completed", rotation.Str("status"));
        Assert.Equal("local-1", rotation.Str("version"));
        var row = (await table.GetEntityAsync<TableEntity>(AzureTablePersonalDataKeyStore.Partition(clearSubject), clearSubject.ToString("N"))).Value;
        Assert.Null(row.GetBinary("Key"));
        Assert.Equal("local-1", row.GetString("KekVersion"));
        // The person's data reads as before: nothing was re-encrypted.
        var person = await (await world.Clerk.GetAsync($"/v1/persons/{patient.PersonId}")).Json();
        Assert.NotEqual(PersonalDataProtection.ErasedText, person.Str("name"));
        Assert.False(string.IsNullOrEmpty(person.Str("name")));
    }

    private const string AzurePersonalDataKeyTable = AzureTablePersonalDataKeyStore.DefaultTable;

    private static async Task<System.Text.Json.JsonElement> Finished(HttpClient client)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var rotation = await (await client.GetAsync("/v1/operations/key-rotations/current")).Json();
            if (rotation.Str("status") is "completed" or "failed")
            {
                return rotation;
            }
            await Task.Delay(250);
        }
        throw new InvalidOperationException("The key rotation did not finish within 10 minutes.");
    }
}
