using System.Reflection;

namespace Myna.TestSupport;

/// <summary>Where the repository and the silo's build are, seen from a test or benchmark build inside it.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Myna.Orleans.sln, above this build's output.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The silo's build in the configuration this build was made in (Debug under dotnet test, Release under
    /// deploy/bench.sh): silo/Myna.Silo/bin/CONFIGURATION/net10.0. A project reference builds this library in
    /// its dependant's configuration.
    /// </summary>
    public static string SiloDirectory
    {
        get
        {
            var configuration = typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            return Path.Combine(Root, "silo", "Myna.Silo", "bin", configuration, "net10.0");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Myna.Orleans.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Myna.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
