using System.Diagnostics;
using System.Globalization;

namespace Myna.Benchmarks.Harness;

/// <summary>
/// For the F1 hold only (it makes every request and every database command create an activity): the server's request
/// spans (ASP.NET Core) and PostgreSQL's command spans (Npgsql) in this process, so that a slow check can be laid
/// beside what the server and the database did within its own span.
/// </summary>
public sealed class SpanProbe : IDisposable
{
    public static readonly string[] HttpAndDatabase = ["Microsoft.AspNetCore", "Npgsql"];
    public static readonly string[] GrainsAndDatabase = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql"];
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(2);

    private readonly ActivityListener _listener;
    private readonly object _gate = new();
    private readonly List<Span> _spans = new();

    public readonly record struct Span(DateTime StartUtc, double Ms, string Source, string Name, ActivityKind Kind = ActivityKind.Internal)
    {
        public DateTime EndUtc => StartUtc.AddMilliseconds(Ms);
    }

    public SpanProbe()
        : this(HttpAndDatabase)
    {
    }

    public SpanProbe(string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => sources.Contains(s.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private void Stopped(Activity activity)
    {
        var span = new Span(activity.StartTimeUtc, activity.Duration.TotalMilliseconds, activity.Source.Name,
            activity.Source.Name == "Npgsql" ? First(activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName) : activity.GetTagItem("http.route") as string ?? activity.DisplayName,
            activity.Kind);
        lock (_gate)
        {
            _spans.Add(span);
            if (_spans.Count > 200_000)
            {
                _spans.RemoveAll(s => s.StartUtc < span.StartUtc - Kept);
            }
        }
    }

    private static string First(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 60 ? line[..60] : line;
    }

    /// <summary>The spans within [from, to], longest first.</summary>
    public IReadOnlyList<Span> Within(DateTime fromUtc, DateTime toUtc)
    {
        lock (_gate)
        {
            return _spans.Where(s => s.StartUtc >= fromUtc && s.EndUtc <= toUtc).OrderByDescending(s => s.Ms).ToList();
        }
    }

    /// <summary>The server's and the database's longest spans within a check's own span, in a short line.</summary>
    public string Describe(DateTime fromUtc, DateTime toUtc)
    {
        var within = Within(fromUtc, toUtc);
        var http = within.Where(s => s.Source != "Npgsql").Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Ms:0.0}"));
        var db = within.Where(s => s.Source == "Npgsql").Take(3).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Ms:0.0}"));
        return $"server [{string.Join("; ", http)}] db [{string.Join("; ", db)}]";
    }

    /// <summary>
    /// The spans within [from, to] by source, kind and name: how many, and their median and p99 in ms, most frequent
    /// first (e.g. a grain call's client and server spans beside the database's).
    /// </summary>
    public IReadOnlyList<string> Summary(DateTime fromUtc, DateTime toUtc) =>
        Within(fromUtc, toUtc)
            .GroupBy(s => (s.Source, s.Kind, s.Name))
            .OrderByDescending(g => g.Count())
            .Take(12)
            .Select(g =>
            {
                var ms = g.Select(s => s.Ms).ToArray();
                return string.Create(CultureInfo.InvariantCulture,
                    $"{g.Key.Source} {g.Key.Kind} {g.Key.Name}: {ms.Length} spans, p50 {Stats.Percentile(ms, 0.5):0.000} p99 {Stats.Percentile(ms, 0.99):0.000} ms");
            })
            .ToList();

    public void Dispose() => _listener.Dispose();
}
