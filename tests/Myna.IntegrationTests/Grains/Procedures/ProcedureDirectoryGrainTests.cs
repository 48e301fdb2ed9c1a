using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Procedures;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Grains.Procedures;

/// <summary>Level 3: the procedure directory answers the catalogue residents start procedures from.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProcedureDirectoryGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task The_catalogue_lists_every_procedure_once_with_its_agency_and_the_data_it_pulls()
    {
        var catalogue = await fixture.Client.GetProcedureDirectory().Catalogue();

        Assert.Equal(Enum.GetValues<ProcedureKind>().Order(), catalogue.Select(d => d.Kind).Order());
        Assert.All(catalogue, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title));
            Assert.False(string.IsNullOrWhiteSpace(d.Agency));
            Assert.NotEmpty(d.Items);
        });
    }
}
