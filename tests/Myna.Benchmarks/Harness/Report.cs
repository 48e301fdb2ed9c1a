using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Myna.Benchmarks.Harness;

/// <summary>
/// One reported figure: the subject's samples (one per A/B round) and, where there is one, the baseline's
/// samples from the same rounds. The ratio is median(subject) / median(baseline).
/// </summary>
public sealed record Figure(string Scenario, string What, string Unit, double[] Subject, double[]? Baseline, string? Target, Func<double, double, bool>? Met = null)
{
    public double SubjectMedian => Stats.Median(Subject);

    public double? BaselineMedian => Baseline is { Length: > 0 } b ? Stats.Median(b) : null;

    public double? Ratio => BaselineMedian is { } b && b != 0 ? SubjectMedian / b : null;
}

public sealed class Report
{
    private readonly List<Figure> _figures = [];
    private readonly List<(string Title, List<string> Lines)> _sections = [];
    private readonly List<string> _notes = [];

    public void Add(Figure figure)
    {
        _figures.Add(figure);
        Progress.Line($"{figure.Scenario}: {figure.What} = {Format(figure.SubjectMedian)} {figure.Unit}"
            + (figure.BaselineMedian is { } b ? $" (baseline {Format(b)}, ratio {figure.Ratio:0.00}×)" : string.Empty));
    }

    public void Section(string title, params string[] lines) => _sections.Add((title, lines.ToList()));

    public void Note(string line) => _notes.Add(line);

    public string Render(string command, TimeSpan wallClock, bool quick, IEnumerable<string> machine, IEnumerable<string> header)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        foreach (var line in header)
        {
            md.AppendLine(line);
        }
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- command: `{command}`{(quick ? " (quick smoke run: small N, short steps; not for comparison)" : string.Empty)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; wall clock of the run {wallClock.TotalMinutes:0.0} min");
        foreach (var line in machine)
        {
            md.AppendLine("- " + line);
        }
        md.AppendLine();
        md.AppendLine("## Figures");
        md.AppendLine();
        md.AppendLine("Medians over the A/B rounds, [min–max] beside them. Ratio = subject median / baseline median, both measured in this run.");
        md.AppendLine();
        md.AppendLine("| scenario | figure | subject | baseline | ratio | target | met |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var f in _figures)
        {
            var subject = $"{Format(f.SubjectMedian)} {f.Unit} [{Format(f.Subject.Min())}–{Format(f.Subject.Max())}]";
            var baseline = f.Baseline is { Length: > 0 } b ? $"{Format(Stats.Median(b))} {f.Unit} [{Format(b.Min())}–{Format(b.Max())}]" : "–";
            var ratio = f.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
            var met = f.Met is null ? "–" : f.Met(f.SubjectMedian, f.Ratio ?? double.NaN) ? "yes" : "**no**";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Scenario} | {f.What} | {subject} | {baseline} | {ratio} | {f.Target ?? "–"} | {met} |");
        }
        md.AppendLine();
        foreach (var (title, lines) in _sections)
        {
            md.AppendLine("## " + title);
            md.AppendLine();
            foreach (var line in lines)
            {
                md.AppendLine(line);
            }
            md.AppendLine();
        }
        if (_notes.Count > 0)
        {
            md.AppendLine("## Notes from this run");
            md.AppendLine();
            foreach (var note in _notes)
            {
                md.AppendLine("- " + note);
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    public static readonly string StartLoad = LoadAverage();

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    public static IEnumerable<string> MachineFacts(string postgresVersion)
    {
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } parts
                ? $"{long.Parse(parts[1], CultureInfo.InvariantCulture) / 1024 / 1024.0:0.0} GiB"
                : "unknown"
            : "unknown";
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        yield return $"machine: {Environment.ProcessorCount} cores ({cpu}), {memory} RAM, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}";
        var gc = $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC ({System.Runtime.GCSettings.LatencyMode})";
        yield return $".NET {Environment.Version} ({RuntimeInformation.FrameworkDescription}), {gc}, Release build";
        yield return $"load average when the report was written (1/5/15 min): {LoadAverage()}; at the start: {StartLoad}";
        yield return $"PostgreSQL: {postgresVersion}; Azurite (Azure Storage emulator) for membership, snapshots and reminders";
        yield return "everything (PostgreSQL, Azurite, silos, API, load generator) on this one machine, which other builds and tests share: absolute numbers are noisy, ratios are the figures to read";
    }
}

public static class Progress
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;

    public static void Line(string text) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(DateTimeOffset.UtcNow - Start).TotalSeconds,6:0}s] {text}"));

    /// <summary>
    /// A progress bar as lines: prints at every tenth of the way (done may jump, e.g. by a batch), with the
    /// percentage, the rate so far and the time left at that rate.
    /// </summary>
    public static Action<int> Bar(string what, int total)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var printed = 0;
        var gate = new object();
        return done =>
        {
            var tenth = total == 0 ? 10 : (int)(10L * Math.Min(done, total) / total);
            lock (gate)
            {
                if (tenth <= printed && done != total)
                {
                    return;
                }
                printed = Math.Max(printed, tenth);
                var seconds = clock.Elapsed.TotalSeconds;
                var rate = done / Math.Max(seconds, 1e-3);
                var left = rate > 0 ? (total - done) / rate : double.NaN;
                Line(string.Create(CultureInfo.InvariantCulture,
                    $"{what} [{new string('#', tenth)}{new string('.', 10 - tenth)}] {done:N0}/{total:N0} ({100.0 * done / Math.Max(total, 1):0}%, {Report.Format(rate)}/s, {seconds:0} s, ~{left:0} s left)"));
            }
        };
    }
}
