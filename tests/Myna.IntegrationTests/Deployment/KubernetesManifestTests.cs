using System.Diagnostics;
using Myna.IntegrationTests.Support;
using YamlDotNet.RepresentationModel;

namespace Myna.IntegrationTests.Deployment;

/// <summary>
/// The Kubernetes manifests parse, the kustomizations list only files that exist, and the objects an operator
/// relies on are there: silo and API deployments with readiness and liveness probes, Orleans' Kubernetes
/// hosting switched on with the pod labels it looks for, a PodDisruptionBudget and an autoscaler for the
/// silos, and RBAC that lets the silo's service account list and watch pods. When kubectl is installed the
/// local overlay is also rendered with `kubectl kustomize` and the rendered objects checked the same way.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string K8s = System.IO.Path.Combine(RepoPaths.Root, "deploy", "k8s");

    [Fact]
    public void The_base_holds_probed_deployments_a_disruption_budget_an_autoscaler_and_pod_rbac()
    {
        var objects = LoadKustomization(System.IO.Path.Combine(K8s, "base"));
        AssertOperable(objects);
    }

    [Fact]
    public void The_local_overlay_adds_the_stores_and_the_secret_the_base_expects()
    {
        var overlay = System.IO.Path.Combine(K8s, "overlays", "local");
        var rendered = Kustomize(overlay);
        var objects = rendered ?? LoadKustomization(overlay);
        Assert.Contains(objects, o => Kind(o) == "Deployment" && Name(o) == "postgres");
        Assert.Contains(objects, o => Kind(o) == "Deployment" && Name(o) == "azurite");
        var azurite = Containers(objects.Single(o => Kind(o) == "Deployment" && Name(o) == "azurite")).Single();
        Assert.Contains("--disableTelemetry", Sequence(azurite, "args"));
        if (rendered is not null)
        {
            // Rendered: the base is included and patched, the generated secret carries every key the pods read.
            AssertOperable(rendered);
            var secret = rendered.Single(o => Kind(o) == "Secret");
            Assert.StartsWith("myna-secrets", Name(secret), StringComparison.Ordinal);
            var keys = ((YamlMappingNode)secret["data"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
            var referenced = rendered.Where(o => Kind(o) == "Deployment").SelectMany(Containers)
                .SelectMany(c => c.Children.TryGetValue("env", out var env) ? ((YamlSequenceNode)env).Cast<YamlMappingNode>() : [])
                .Select(e => e.Children.TryGetValue("valueFrom", out var from) && ((YamlMappingNode)from).Children.TryGetValue("secretKeyRef", out var key)
                    // An optional key (Key Vault, an identity provider) is for production; a local pod runs without it.
                    && !(((YamlMappingNode)key).Children.TryGetValue("optional", out var optional) && optional.ToString() == "true")
                    ? ((YamlMappingNode)key)["key"].ToString() : null)
                .OfType<string>().ToHashSet();
            Assert.Subset(keys, referenced);
            Assert.All(rendered.Where(o => Kind(o) != "Namespace"), o => Assert.Equal("myna-local", ((YamlMappingNode)o["metadata"])["namespace"].ToString()));
        }
    }

    [Fact]
    public void Each_silo_pod_applies_the_schema_before_its_silo_starts_with_the_silos_own_settings()
    {
        var objects = LoadKustomization(System.IO.Path.Combine(K8s, "base"));
        var silo = objects.Single(o => Kind(o) == "Deployment" && Name(o) == "myna-silo");
        var container = Containers(silo).Single();
        var migrate = ((YamlSequenceNode)Node(silo, "spec", "template", "spec", "initContainers")).Cast<YamlMappingNode>().Single();
        Assert.Equal(["migrate"], Sequence(migrate, "args"));
        Assert.Equal(At(container, "image"), At(migrate, "image"));
        static List<string> Names(YamlNode env) => ((YamlSequenceNode)env).Cast<YamlMappingNode>().Select(e => e["name"].ToString()).ToList();
        Assert.Equal(Names(container["env"]), Names(migrate["env"]));
    }

    [Fact]
    public void Only_the_api_reaches_the_silo_gateways_and_only_silos_reach_each_other()
    {
        var objects = LoadKustomization(System.IO.Path.Combine(K8s, "base"));
        var silo = objects.Single(o => Kind(o) == "Deployment" && Name(o) == "myna-silo");
        var policy = objects.Single(o => Kind(o) == "NetworkPolicy" && At(o, "spec", "podSelector", "matchLabels", "app") == At(silo, "spec", "selector", "matchLabels", "app"));
        Assert.Contains("Ingress", Sequence((YamlMappingNode)Node(policy, "spec"), "policyTypes"));
        var rules = ((YamlSequenceNode)Node(policy, "spec", "ingress")).Cast<YamlMappingNode>().ToList();

        // Which sources (pod app labels; "*" for any) each port admits.
        var admitted = new Dictionary<string, HashSet<string>>();
        foreach (var rule in rules)
        {
            var sources = rule.Children.TryGetValue("from", out var from)
                ? ((YamlSequenceNode)from).Cast<YamlMappingNode>().Select(f => At(f, "podSelector", "matchLabels", "app")).ToHashSet()
                : ["*"];
            foreach (var port in ((YamlSequenceNode)rule["ports"]).Cast<YamlMappingNode>().Select(p => p["port"].ToString()))
            {
                admitted.TryAdd(port, []);
                admitted[port].UnionWith(sources);
            }
        }
        Assert.Equal(["myna-api"], admitted["30000"]);
        Assert.Equal(["myna-silo"], admitted["11111"]);
        Assert.Equal(["*"], admitted["8080"]);
        Assert.Equal(3, admitted.Count);
        Assert.Contains(objects, o => Kind(o) == "NetworkPolicy" && At(o, "spec", "podSelector", "matchLabels", "app") == "myna-api");
    }

    private static void AssertOperable(IReadOnlyList<YamlMappingNode> objects)
    {
        var silo = objects.Single(o => Kind(o) == "Deployment" && Name(o) == "myna-silo");
        var api = objects.Single(o => Kind(o) == "Deployment" && Name(o) == "myna-api");
        foreach (var deployment in new[] { silo, api })
        {
            var container = Containers(deployment).Single();
            Assert.Equal("/health", ((YamlMappingNode)((YamlMappingNode)container["readinessProbe"])["httpGet"])["path"].ToString());
            Assert.Equal("/alive", ((YamlMappingNode)((YamlMappingNode)container["livenessProbe"])["httpGet"])["path"].ToString());
            Assert.Equal("true", At(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
        }

        // Orleans' Kubernetes hosting: switched on, with the labels and downward-API variables it reads.
        var siloContainer = Containers(silo).Single();
        var env = ((YamlSequenceNode)siloContainer["env"]).Cast<YamlMappingNode>().ToDictionary(e => e["name"].ToString());
        Assert.Equal("true", env["Cluster__KubernetesHosting"]["value"].ToString());
        Assert.Subset(env.Keys.ToHashSet(), new HashSet<string> { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" });
        var labels = (YamlMappingNode)((YamlMappingNode)Node(silo, "spec", "template", "metadata"))["labels"];
        Assert.Contains(labels.Children.Keys, k => k.ToString() == "orleans/serviceId");
        Assert.Contains(labels.Children.Keys, k => k.ToString() == "orleans/clusterId");
        Assert.Equal("30000", ((YamlSequenceNode)siloContainer["ports"]).Cast<YamlMappingNode>().Single(p => p["name"].ToString() == "gateway")["containerPort"].ToString());

        var siloSelector = At(silo, "spec", "selector", "matchLabels", "app");
        var pdb = objects.Single(o => Kind(o) == "PodDisruptionBudget");
        Assert.Equal(siloSelector, At(pdb, "spec", "selector", "matchLabels", "app"));
        var hpa = objects.Single(o => Kind(o) == "HorizontalPodAutoscaler");
        Assert.Equal("myna-silo", At(hpa, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(At(hpa, "spec", "minReplicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2, "one silo is no cluster");

        // RBAC: the silo's service account may list and watch pods.
        var account = At(silo, "spec", "template", "spec", "serviceAccountName");
        var binding = objects.Single(o => Kind(o) == "RoleBinding");
        Assert.Contains(((YamlSequenceNode)binding["subjects"]).Cast<YamlMappingNode>(), s => s["name"].ToString() == account);
        var role = objects.Single(o => Kind(o) == "Role" && Name(o) == At(binding, "roleRef", "name"));
        var podRule = ((YamlSequenceNode)role["rules"]).Cast<YamlMappingNode>().Single(r => Sequence(r, "resources").Contains("pods"));
        Assert.Subset(Sequence(podRule, "verbs").ToHashSet(), new HashSet<string> { "list", "watch", "get" });
        Assert.Contains(objects, o => Kind(o) == "ServiceAccount" && Name(o) == account);
    }

    /// <summary>The objects of a kustomization's resources (files, or other kustomizations), without patches.</summary>
    private static List<YamlMappingNode> LoadKustomization(string directory)
    {
        var kustomization = LoadDocuments(System.IO.Path.Combine(directory, "kustomization.yaml")).Single();
        var objects = new List<YamlMappingNode>();
        foreach (var resource in Sequence(kustomization, "resources"))
        {
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, resource));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{resource} listed in {directory} does not exist");
            objects.AddRange(Directory.Exists(path) ? LoadKustomization(path) : LoadDocuments(path));
        }
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(Kind(o))));
        return objects;
    }

    private static List<YamlMappingNode> LoadDocuments(string file) => Parse(File.ReadAllText(file));

    private static List<YamlMappingNode> Parse(string text)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    /// <summary>`kubectl kustomize` output, or null when kubectl is not installed.</summary>
    private static List<YamlMappingNode>? Kustomize(string directory)
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(p => System.IO.Path.Combine(p, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            return null;
        }
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "kubectl kustomize did not finish");
        Assert.True(process.ExitCode == 0, "kubectl kustomize failed: " + error);
        return Parse(output.Result);
    }

    private static string Kind(YamlMappingNode o) => o.Children.TryGetValue("kind", out var kind) ? kind.ToString() : string.Empty;

    private static string Name(YamlMappingNode o) => ((YamlMappingNode)o["metadata"])["name"].ToString();

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode deployment) =>
        ((YamlSequenceNode)Node(deployment, "spec", "template", "spec", "containers")).Cast<YamlMappingNode>();

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlSequenceNode)value).Select(v => v.ToString()).ToList() : [];

    private static YamlNode Node(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }
        return current;
    }

    private static string At(YamlMappingNode node, params string[] path) => Node(node, path).ToString();
}
