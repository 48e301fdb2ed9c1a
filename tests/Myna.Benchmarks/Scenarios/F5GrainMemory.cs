using System.Diagnostics;
using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Myna.EventStore.Configuration;
using Myna.Benchmarks.Harness;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F5: memory per warm person grain: managed heap after a full blocking GC, and RSS, before and after
/// activating a slice of registered persons (never active before), divided by the slice. The persons are
/// F8's raw side, topped up to <see cref="BenchSizes.MemoryGrains"/> through the same raw bulk path. Baseline: the
/// same persons' states folded by the same Apply into a Dictionary&lt;Guid, PersonState&gt;.
/// </summary>
public static class F5GrainMemory
{
    public static async Task RunAsync(BenchContext ctx)
    {
        var client = ctx.Main.Client;
        // The baseline folds through the silo's own store: its key ring holds the keys these activations just loaded
        // (F8's writer cached them long ago, beyond the ring's 5-minute life), so the fold adds no key cache to the heap.
        var silo = ctx.Main.SiloServices.GetRequiredService<IDocumentStore>();
        var persons = await PersonsAsync(ctx);
        var slice = persons.Length / ctx.Sizes.Rounds;
        var heap = new List<double>();
        var rss = new List<double>();
        var dictHeap = new List<double>();
        var keep = new List<Dictionary<Guid, PersonState>>();
        var lines = new List<string>
        {
            "| round | grains | heap bytes/grain | RSS bytes/grain | Dictionary heap bytes/person |",
            "|---|---|---|---|---|",
        };
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var ids = persons.Skip((round - 1) * slice).Take(slice).ToArray();
            var (heapBefore, rssBefore) = Measure();
            var (_, failed) = await Load.BatchAsync(ids.Length, 64, async i => await client.GetPerson(new PersonId(ids[i])).GetBasicFour() is not null,
                Progress.Bar($"F5 round {round}: activating person grains", ids.Length));
            var (heapAfter, rssAfter) = Measure();
            heap.Add((heapAfter - heapBefore) / (double)ids.Length);
            rss.Add((rssAfter - rssBefore) / (double)ids.Length);

            var (dictBefore, _) = Measure();
            var dictionary = await FoldAsync(silo, ids);
            var (dictAfter, _) = Measure();
            keep.Add(dictionary);
            dictHeap.Add((dictAfter - dictBefore) / (double)ids.Length);
            Progress.Line($"F5 round {round}: {ids.Length:N0} grains ({failed} failed): {heap[^1]:0} heap bytes/grain, {rss[^1]:0} RSS bytes/grain; Dictionary {dictHeap[^1]:0} bytes/person");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {round} | {ids.Length:N0} | {heap[^1]:0} | {rss[^1]:0} | {dictHeap[^1]:0} |"));
        }
        GC.KeepAlive(keep);
        var n = slice * ctx.Sizes.Rounds;
        ctx.Report.Add(new Figure("F5", $"managed heap per warm person grain ({slice:N0} per round, {n:N0} in all)", "bytes",
            heap.ToArray(), dictHeap.ToArray(), "≤ 4 KB", (v, _) => v <= 4_096));
        ctx.Report.Add(new Figure("F5", "RSS per warm person grain (baseline column: Dictionary heap)", "bytes",
            rss.ToArray(), dictHeap.ToArray(), "≤ 4 KB", (v, _) => v <= 4_096));
        lines.Insert(0, string.Create(CultureInfo.InvariantCulture,
            $"Persons registered with numbers by F8's raw path (F8's own raw persons, topped up to {n:N0} by the same path before the rounds; never activated before), activated through `GetBasicFour` from the API's client, 64 in flight; the grain holds the person state plus its stream bookkeeping (version, up to 256 command receipts), Orleans' activation and directory entries. Heap = `GC.GetTotalMemory` after a forced compacting full GC; RSS = the process working set (silo, API and generator share the process; RSS also moves with GC segment retention). {n:N0} grains in all, warm together at the end (the issue's 100k; 1M does not fit the time budget)."));
        lines.Insert(1, string.Empty);
        ctx.Report.Section("F5 memory per warm grain", lines.ToArray());
    }

    /// <summary>F8's raw persons (never activated), topped up through the same raw bulk path to the size asked for.</summary>
    private static async Task<Guid[]> PersonsAsync(BenchContext ctx)
    {
        var persons = ctx.RawRegisteredPersons.Take(ctx.Sizes.MemoryGrains).ToList();
        var missing = ctx.Sizes.MemoryGrains - persons.Count;
        if (missing > 0)
        {
            var ids = Enumerable.Range(0, missing).Select(_ => Guid.NewGuid()).ToArray();
            var (elapsed, failed) = await F8BulkRegistration.WriteRawAsync(ctx.Raw, ids,
                Progress.Bar($"F5: seeding {missing:N0} persons with numbers (raw bulk path)", missing));
            if (failed > 0)
            {
                throw new InvalidOperationException($"F5's seed failed: {failed} raw registration transactions.");
            }
            Progress.Line(string.Create(CultureInfo.InvariantCulture, $"F5: seeded {missing:N0} persons in {elapsed.TotalSeconds:0} s ({missing / elapsed.TotalSeconds:0}/s); {persons.Count:N0} came from F8"));
            persons.AddRange(ids);
        }
        return persons.ToArray();
    }

    private static (long Heap, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static async Task<Dictionary<Guid, PersonState>> FoldAsync(IDocumentStore store, Guid[] ids)
    {
        var states = new Dictionary<Guid, PersonState>(ids.Length);
        foreach (var chunk in ids.Chunk(1_000))
        {
            var keys = chunk.Select(id => StreamRef.For(new PersonId(id)).Key).ToArray();
            // Through the read path the stream adapter uses: the keys of these persons loaded before deserializing.
            var events = await store.PersonalData().ReadAsync(async () =>
            {
                await using var query = store.QuerySession();
                return await query.Events.QueryAllRawEvents()
                    .Where(e => keys.Contains(e.StreamKey))
                    .OrderBy(e => e.Sequence)
                    .ToListAsync();
            }, chunk);
            foreach (var e in events)
            {
                var id = Guid.Parse(e.StreamKey!["person-".Length..]);
                states[id] = (states.TryGetValue(id, out var state) ? state : PersonState.Initial).Apply((IPersonEvent)e.Data);
            }
        }
        return states;
    }
}
