using System.Text.RegularExpressions;
using System.Xml.Linq;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Deployment;

/// <summary>
/// No Docker engine runs here, so the Dockerfiles are checked against the repository instead: every path
/// they COPY exists, the project they publish exists, every project it references (transitively) is copied,
/// the entry point is that project's assembly, the build is multi-stage and the runtime user is not root.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = RepoPaths.Root;

    public static TheoryData<string, string> Images => new()
    {
        { "deploy/docker/silo.Dockerfile", "silo/Myna.Silo/Myna.Silo.csproj" },
        { "deploy/docker/api.Dockerfile", "api/Myna.Api/Myna.Api.csproj" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void The_dockerfile_copies_only_existing_paths_and_every_project_it_builds(string dockerfile, string project)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, dockerfile)).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();

        var copied = new List<string>();
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in parts)
            {
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)),
                    $"{dockerfile} copies {source}, which does not exist");
                copied.Add(source.TrimEnd('/'));
            }
        }

        // The restore and publish name the project this image is for, and it exists.
        var dotnetProjects = lines.Where(l => l.StartsWith("RUN dotnet ", StringComparison.Ordinal))
            .SelectMany(l => ProjectPath().Matches(l).Select(m => m.Value)).Distinct().ToList();
        Assert.Equal([project], dotnetProjects);

        // Every project in its reference closure is copied (its .csproj before restore, its folder before publish).
        foreach (var csproj in Closure(project))
        {
            var folder = Path.GetDirectoryName(csproj)!.Replace('\\', '/');
            Assert.Contains(csproj, copied);
            Assert.Contains(copied, c => folder == c || folder.StartsWith(c + "/", StringComparison.Ordinal));
        }

        // Multi-stage, a non-root runtime user, and the entry point is the published assembly.
        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "not a multi-stage build");
        var lastStage = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var user = lines.Skip(lastStage).LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.NotNull(user);
        Assert.False(user[5..].Trim() is "root" or "0", "the runtime user is root");
        var entry = lines.Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.Contains($"\"{Path.GetFileNameWithoutExtension(project)}.dll\"", entry, StringComparison.Ordinal);
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    internal static IEnumerable<string> Closure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            var full = Path.Combine(Root, current);
            Assert.True(File.Exists(full), $"{current} does not exist");
            foreach (var reference in XDocument.Load(full).Descendants("ProjectReference"))
            {
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Root, resolved).Replace('\\', '/'));
            }
        }
        return seen;
    }

    [GeneratedRegex(@"[\w./-]+\.csproj")]
    private static partial Regex ProjectPath();
}
