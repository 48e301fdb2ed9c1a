using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marten;
using Myna.Api.Auth;
using Myna.Benchmarks.Harness;
using Myna.Domain.Persons;
using Myna.EventStore.Insurance;
using Myna.GrainInterfaces.Persons;
using Weasel.Core;
using Myna.EventStore.Configuration;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F4: an auditor's replay of a 1k-event stream through <c>GET /v1/audit/streams/…/replay</c> (audit grain,
/// masked JSON, one answer; and, beside it, through <c>…/events</c> in pages of 500) vs Marten's
/// <c>FetchStreamAsync</c> of the same stream; and the person-match
/// index rebuild through a background job (<c>POST /v1/operations/rebuild-jobs</c>, polled until done) vs a hand-written Marten
/// rebuild (one query over the same event types, the same fold, rows written by Marten's bulk COPY), both of the
/// index as it is and of the index emptied first.
/// </summary>
public static class F4ReplayAndRebuild
{
    private static readonly string[] PersonMatchEvents = ["person_registered_v1", "person_moved_v1", "person_renamed_v1"];

    /// <summary>Replays (and fetches) timed per round, after one untimed warm-up of each.</summary>
    private const int ReplaysPerRound = 20;

    public static async Task RunAsync(BenchContext ctx)
    {
        var http = ctx.Main.Http;
        var auditor = ctx.Main.Token(Roles.Auditor);
        var operatorToken = ctx.Main.Token(Roles.Operator);
        var person = Guid.NewGuid();
        await RawLedger.SeedStreamAsync(ctx.Raw, person, ctx.Sizes.AuditLength);

        async Task<int> ReplayAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/audit/streams/ledger/{person}/replay", UriKind.Relative));
            request.Headers.Authorization = auditor;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var whole = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            return whole.RootElement.GetProperty("events").GetArrayLength();
        }

        async Task<int> PagesAsync(Action<TimeSpan, TimeSpan, long>? phases = null)
        {
            var read = 0;
            long? from = 1;
            while (from is not null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/audit/streams/ledger/{person}/events?fromVersion={from}&limit=500", UriKind.Relative));
                request.Headers.Authorization = auditor;
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                var received = Stopwatch.GetTimestamp();
                using var page = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                var events = page.RootElement.GetProperty("events").GetArrayLength();
                phases?.Invoke(Stopwatch.GetElapsedTime(sent, received), Stopwatch.GetElapsedTime(received), events);
                read += events;
                from = page.RootElement.TryGetProperty("nextFromVersion", out var next) && next.ValueKind == JsonValueKind.Number ? next.GetInt64() : null;
            }
            return read;
        }

        async Task<int> FetchAsync()
        {
            await using var session = ctx.Raw.QuerySession();
            return (await session.Events.FetchStreamAsync(RawLedger.Key(person))).Count;
        }

        // Warm up both paths (JIT, the audit grain's activation, connection pools), as F1 does: a single replay takes
        // tens of milliseconds, so a cold first round was a figure of its own. Each round then times several replays
        // and fetches, one after the other.
        await ReplayAsync();
        await PagesAsync();
        await FetchAsync();
        var replay = new List<double>();
        var pages = new List<double>();
        var fetch = new List<double>();
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var (replayed, replaying, paged, paging, fetched, fetching) = (0, TimeSpan.Zero, 0, TimeSpan.Zero, 0, TimeSpan.Zero);
            for (var i = 0; i < ReplaysPerRound; i++)
            {
                var clock = Stopwatch.StartNew();
                replayed += await ReplayAsync();
                replaying += clock.Elapsed;
                clock.Restart();
                fetched += await FetchAsync();
                fetching += clock.Elapsed;
                clock.Restart();
                paged += await PagesAsync();
                paging += clock.Elapsed;
            }
            replay.Add(replayed / replaying.TotalSeconds);
            pages.Add(paged / paging.TotalSeconds);
            fetch.Add(fetched / fetching.TotalSeconds);
            Progress.Line($"F4 round {round}: audit replay {replayed} events at {replay[^1]:0}/s (in pages of 500 {pages[^1]:0}/s), raw FetchStreamAsync {fetch[^1]:0}/s");
        }
        if (Environment.GetEnvironmentVariable("MYNA_BENCH_SPANS") == "1")
        {
            // A diagnostic, not a figure (every request, grain call and command makes an activity): where a replay's
            // time goes, in request, grain-call and database spans, beside the fetch's.
            using var spans = new SpanProbe([.. SpanProbe.HttpAndDatabase, .. SpanProbe.GrainsAndDatabase]);
            var replayFrom = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            var (requests, parses) = (new List<double>(), new List<double>());
            const int replays = 4 * ReplaysPerRound;
            for (var i = 0; i < replays; i++)
            {
                await PagesAsync((request, parse, events) =>
                {
                    if (events == 500)
                    {
                        requests.Add(request.TotalMilliseconds);
                        parses.Add(parse.TotalMilliseconds);
                    }
                });
            }
            var replayMs = clock.Elapsed.TotalMilliseconds / replays;
            Progress.Line(FormattableString.Invariant(
                $"F4 spans, {requests.Count} full pages of 500: request and response p50 {Stats.Percentile(requests.ToArray(), 0.5):0.00} p90 {Stats.Percentile(requests.ToArray(), 0.9):0.00} ms, client's parse p50 {Stats.Percentile(parses.ToArray(), 0.5):0.00} ms"));
            var fetchFrom = DateTime.UtcNow;
            clock.Restart();
            for (var i = 0; i < replays; i++)
            {
                await FetchAsync();
            }
            var fetchMs = clock.Elapsed.TotalMilliseconds / replays;
            foreach (var line in spans.Summary(replayFrom, fetchFrom))
            {
                Progress.Line($"F4 spans, paged replay {replayMs:0.0} ms each: {line}");
            }
            foreach (var line in spans.Summary(fetchFrom, DateTime.UtcNow))
            {
                Progress.Line($"F4 spans, fetch {fetchMs:0.0} ms each: {line}");
            }
        }
        ctx.Report.Add(new Figure("F4", $"audit replay of a {ctx.Sizes.AuditLength:N0}-event stream (HTTP, masked JSON, one answer)", "events/s",
            replay.ToArray(), fetch.ToArray(), "≥ 0.8×", (_, r) => r >= 0.8));
        ctx.Report.Add(new Figure("F4", $"the same stream read in pages of 500 (HTTP, masked JSON, three requests)", "events/s",
            pages.ToArray(), fetch.ToArray(), null));

        long eventCount;
        await using (var session = ctx.Raw.QuerySession())
        {
            eventCount = (await session.QueryAsync<long>(
                "select count(*) from myna.mt_events where type = any(?)", CancellationToken.None, new object[] { PersonMatchEvents })).Single();
        }
        var rebuild = new List<double>();
        var emptied = new List<double>();
        var handWritten = new List<double>();
        var rows = 0;
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            // The index as it is (intact: the rebuild compares and rewrites nothing) ...
            var clock = Stopwatch.StartNew();
            rows = await RebuildJobs.RunAsync(http, operatorToken, "person-match");
            rebuild.Add(eventCount / clock.Elapsed.TotalSeconds);

            // ... and emptied first (untimed), so that the rebuild writes every row, as the hand-written one always does.
            await using (var session = ctx.Raw.LightweightSession())
            {
                session.DeleteWhere<PersonMatchRecord>(_ => true);
                await session.SaveChangesAsync();
            }
            clock.Restart();
            await RebuildJobs.RunAsync(http, operatorToken, "person-match");
            emptied.Add(eventCount / clock.Elapsed.TotalSeconds);

            clock.Restart();
            var written = await HandWrittenRebuildAsync(ctx.Raw);
            handWritten.Add(eventCount / clock.Elapsed.TotalSeconds);
            Progress.Line($"F4 round {round}: person-match rebuild over {eventCount:N0} events: API {rebuild[^1]:0} events/s ({rows:N0} rows), of the emptied index {emptied[^1]:0} events/s, hand-written Marten {handWritten[^1]:0} events/s ({written:N0} rows)");
        }
        ctx.Report.Add(new Figure("F4", $"person-match index rebuild over {eventCount:N0} events ({rows:N0} rows, index intact: nothing rewritten)", "events/s",
            rebuild.ToArray(), handWritten.ToArray(), "≥ 1.0×", (_, r) => r >= 1.0));
        ctx.Report.Add(new Figure("F4", $"person-match index rebuild over {eventCount:N0} events, the index emptied first (every row written)", "events/s",
            emptied.ToArray(), handWritten.ToArray(), "≥ 1.0×", (_, r) => r >= 1.0));
        ctx.Report.Section("F4 audit replay and index rebuild",
            FormattableString.Invariant($"Audit replay: after one untimed replay and fetch, each round times {ReplaysPerRound} replays, in each of which the auditor reads a {ctx.Sizes.AuditLength:N0}-event ledger stream over HTTP in one answer (`/replay`: the API reads the stream from the audit grain 500 events at a time and writes each chunk out while it reads the next; the grain reads a chunk and the stream version in one query each; an event without numbers or personal data, as every ledger event here, is shown as its stored JSON, the others are read as their type and written masked; the API copies that JSON into its response). The row below it pages through the same stream 500 at a time (`/events`, three requests, since the auditor's first read is recorded on the ledger itself); ")
            + FormattableString.Invariant($"baseline: {ReplaysPerRound} `FetchStreamAsync` of the same stream (no HTTP, no masking), interleaved with the replays and the paged reads. ")
            + "Index rebuild: a background rebuild job started and polled through the API (`RebuildJobGrain` → `MartenIndexRebuilder`: pages of 2,000 events "
            + "in sequence order, each type read along the event type index `(type, seq_id)`, reading each event's sequence and body only, then, in one transaction with the table locked against writers but not readers, the folded rows bulk-copied into a temporary table and the index made equal to it: rows deleted, updated or inserted only where they differ; an index found empty under the lock is filled by bulk COPY straight into its table instead). Each round rebuilds the index as it is (intact after the previous round: nothing is rewritten) and once more after its rows were deleted (untimed), which writes every row. The baseline is **not** Marten's async-daemon projection rebuild (the person-match index is not a Marten projection): it is "
            + "the cheapest hand-written Marten rebuild, one query over the same event types, the same key loading and fold, a delete and Marten's bulk COPY insert (two transactions, so readers can see an empty index). "
            + FormattableString.Invariant($"Events = all {string.Join(", ", PersonMatchEvents)} in the store ({eventCount:N0}, mostly from F8)."));
    }

    private static async Task<int> HandWrittenRebuildAsync(IDocumentStore store)
    {
        var current = new Dictionary<Guid, BasicFourItems>();
        // The same key loading the real rebuild pays: the events' personal data is encrypted per person.
        var events = await store.PersonalData().ReadAsync(async () =>
        {
            await using var query = store.QuerySession();
            return await query.Events.QueryAllRawEvents()
                .Where(e => PersonMatchEvents.Contains(e.EventTypeName))
                .OrderBy(e => e.Sequence)
                .ToListAsync();
        });
        {
            foreach (var e in events)
            {
                switch (e.Data)
                {
                    case PersonRegistered r:
                        current[r.PersonId.Value] = r.Items;
                        break;
                    case PersonMoved m when current.TryGetValue(m.PersonId.Value, out var items):
                        current[m.PersonId.Value] = items with { Address = m.NewAddress };
                        break;
                    case PersonRenamed n when current.TryGetValue(n.PersonId.Value, out var items):
                        current[n.PersonId.Value] = items with { Name = n.NewName };
                        break;
                }
            }
        }
        await using (var session = store.LightweightSession())
        {
            session.DeleteWhere<PersonMatchRecord>(_ => true);
            await session.SaveChangesAsync();
        }
        var records = current.Select(p => new PersonMatchRecord
        {
            Id = p.Key,
            NameKey = BasicFourMatching.NormaliseName(p.Value.Name),
            AddressKey = BasicFourMatching.NormaliseAddress(p.Value.Address),
            DateOfBirth = p.Value.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Sex = p.Value.Sex.ToString(),
        }).ToList();
        await store.BulkInsertAsync(records, BulkInsertMode.InsertsOnly);
        return records.Count;
    }
}
