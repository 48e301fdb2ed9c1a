using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Deployment;

/// <summary>
/// The house's layers (issue "the house", item 4): the API is a thin host over the contracts, so it holds no
/// business rule; the rules live in the domain, which the grains host.
/// </summary>
public sealed class LayeringTests
{
    private const string Api = "api/Myna.Api/Myna.Api.csproj";

    [Fact]
    public void The_API_project_references_the_contracts_and_hosting_but_never_the_domain_grains_or_event_store()
    {
        var closure = DockerfileTests.Closure(Api).ToList();
        Assert.Contains("grain-interfaces/Myna.GrainInterfaces/Myna.GrainInterfaces.csproj", closure);
        Assert.DoesNotContain("grains/Myna.Domain/Myna.Domain.csproj", closure);
        Assert.DoesNotContain("grains/Myna.Grains/Myna.Grains.csproj", closure);
        Assert.DoesNotContain("grains/Myna.EventStore/Myna.EventStore.csproj", closure);
    }

    [Fact]
    public void The_API_assembly_loads_no_domain_grain_or_event_store_type()
    {
        var referenced = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Myna.GrainInterfaces", referenced);
        Assert.DoesNotContain("Myna.Domain", referenced);
        Assert.DoesNotContain("Myna.Grains", referenced);
        Assert.DoesNotContain("Myna.EventStore", referenced);
        Assert.DoesNotContain("Marten", referenced);
    }

    [Fact]
    public void The_domain_uses_no_Orleans_or_Marten_type()
    {
        var referenced = typeof(Myna.Domain.EventSourcing.EventNameAttribute).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(referenced, name => name.StartsWith("Orleans", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, name => name.StartsWith("Marten", StringComparison.Ordinal) || name.StartsWith("JasperFx", StringComparison.Ordinal));
        Assert.DoesNotContain("Microsoft.Orleans.Sdk", File.ReadAllText(Path.Combine(RepoPaths.Root, "grains/Myna.Domain/Myna.Domain.csproj")), StringComparison.Ordinal);
    }
}
