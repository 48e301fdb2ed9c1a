using Myna.EventStore.Configuration;
using Myna.EventStore.Privacy;
using Marten;
using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Certificates;
using Myna.EventStore.Clinics;
using Myna.EventStore.Devices;
using Myna.EventStore.Insurance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Projections;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Npgsql;

namespace Myna.EventStore.Maintenance;

/// <summary>The lookup indexes that can be rebuilt from the streams, which are the truth.</summary>
public enum RebuildableIndex
{
    /// <summary>Normalised basic four items for insurers' enrolments without a number.</summary>
    PersonMatch,
    /// <summary>Certificate serial → card, for authentication and the status service.</summary>
    Certificates,
    /// <summary>Smartphone → person, "one person per phone".</summary>
    Devices,
    /// <summary>Qualification → person and insurer, for insurers' member commands.</summary>
    Qualifications,
    /// <summary>Eligibility confirmation document number → person, for reception.</summary>
    ConfirmationDocuments,
    /// <summary>The public institution list, each institution folded with its grain's own Apply.</summary>
    Institutions,
    /// <summary>The number index (keyed hashes of numbers → person), from the person streams.</summary>
    Numbers,
    /// <summary>Check id → patient for a consent given at reception, for the clinic's later reads.</summary>
    ClinicConsents,
}

/// <summary>How far a rebuild is: events read of the events that shape the index.</summary>
public readonly record struct RebuildProgress(long Processed, long Total);

public interface IIndexRebuilder
{
    /// <summary>Rewrites the index from the events; returns how many rows it holds afterwards.</summary>
    Task<int> RebuildAsync(RebuildableIndex index, CancellationToken cancellationToken = default);

    /// <summary>The same, reporting progress after each page of events.</summary>
    Task<int> RebuildAsync(RebuildableIndex index, IProgress<RebuildProgress>? progress, CancellationToken cancellationToken = default);
}

/// <summary>
/// Rebuilds an index from the events that shape it. Every index but the number reservations is rebuilt the same
/// way: its events are read page by page in sequence order up to the high-water sequence there when the rebuild
/// starts (a page cannot grow under concurrent appends), folded into rows (the projections' rows by the
/// projection's own function, the institution list by its fold), and the table is then made equal to the folded
/// rows (bulk COPY into a temporary table, then only the rows that differ deleted, updated or inserted; an index found
/// empty is filled by COPY straight into its table) in one
/// transaction with the table locked against writers, not readers, after folding the events committed since the
/// last page (<see cref="IndexReplacement"/>). Readers see the old index or the new one, never an empty or half
/// one, so a lookup during a rebuild (a PIN check finding its certificate) is answered as before; no row written
/// live during the scan is replaced away. The number index is never replaced: its rebuild upserts reservations up
/// to its own high-water mark, and later assignments reserve their own rows.
/// </summary>
public sealed class MartenIndexRebuilder(IDocumentStore store, IPersonMatchIndex matches, INumberRegistry numbers, BackgroundBudget? budget = null) : IIndexRebuilder
{
    /// <summary>Events per query: small enough that one page is a short burst the budget can pace.</summary>
    private const int Page = 2_000;

    /// <summary>
    /// Events per query while reception desks are busy: a page of 2,000 is a burst of 100 ms or more on two cores, and a
    /// check arriving during it waits for it however long the scan rests afterwards. Short pages keep the same share
    /// (the budget's rest is proportional to the page's time) in bursts a check hardly notices.
    /// </summary>
    private const int BusyPage = 200;

    /// <summary>The next page's size: short while the foreground is busy and the scan is paced.</summary>
    private static int PageSize(bool paced) =>
        paced && Current.Value?.Budget is { ForegroundBusy: true } ? BusyPage : Page;

    /// <summary>The events each index is derived from (for the progress total).</summary>
    public static IReadOnlyDictionary<RebuildableIndex, string[]> SourceEvents { get; } = new Dictionary<RebuildableIndex, string[]>
    {
        [RebuildableIndex.PersonMatch] = [EventNames.Of<PersonRegistered>(), EventNames.Of<PersonMoved>(), EventNames.Of<PersonRenamed>(), EventNames.Of<PersonalDataErased>()],
        [RebuildableIndex.Certificates] = [EventNames.Of<CertificateIssued>()],
        [RebuildableIndex.Devices] = [EventNames.Of<CardApplied>(), EventNames.Of<SmartphoneCredentialLinked>(), EventNames.Of<SmartphoneCredentialUnlinked>()],
        [RebuildableIndex.Qualifications] = [EventNames.Of<InsuranceQualificationAcquired>()],
        [RebuildableIndex.ConfirmationDocuments] = [EventNames.Of<ConfirmationDocumentIssued>()],
        [RebuildableIndex.Institutions] = [EventNames.Of<InstitutionRegistered>(), EventNames.Of<CardAcceptanceChanged>()],
        [RebuildableIndex.Numbers] = [EventNames.Of<IndividualNumberAssigned>(), EventNames.Of<IndividualNumberReplaced>()],
        [RebuildableIndex.ClinicConsents] = [EventNames.Of<ClinicConsentGiven>()],
    };

    /// <summary>The indexes whose events carry personal values, each decrypted with its person's key.</summary>
    private static readonly IReadOnlySet<RebuildableIndex> PersonalValues = new HashSet<RebuildableIndex> { RebuildableIndex.PersonMatch, RebuildableIndex.Numbers };

    /// <summary>Up to how many events a rebuild of personal values reads every key first (<see cref="PersonalDataProtection.PrefetchKeysAsync"/>).</summary>
    internal const int PrefetchLimit = 100_000;

    public Task<int> RebuildAsync(RebuildableIndex index, CancellationToken cancellationToken = default) =>
        RebuildAsync(index, null, cancellationToken);

    public async Task<int> RebuildAsync(RebuildableIndex index, IProgress<RebuildProgress>? progress, CancellationToken cancellationToken = default)
    {
        var types = SourceEvents[index];
        var total = await CountAsync(types, cancellationToken);
        progress?.Report(new RebuildProgress(0, total));
        if (PersonalValues.Contains(index) && total <= PrefetchLimit)
        {
            // Nearly every person's key is needed: read the key table once, not one request per person (a store too
            // large for the ring leaves them to the scan's own loads, sixteen at a time).
            await store.PersonalData().PrefetchKeysAsync(await StreamsAsync(types, cancellationToken), cancellationToken);
        }
        var scan = new ScanProgress(progress, total, budget);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = await WithProgress(scan, () => index switch
        {
            RebuildableIndex.PersonMatch => matches.RebuildAsync(cancellationToken),
            RebuildableIndex.Devices => RebuildDevicesAsync(cancellationToken),
            RebuildableIndex.Certificates => RebuildProjectionAsync(new CertificateProjection(), r => r.Id, cancellationToken),
            RebuildableIndex.Qualifications => RebuildProjectionAsync(new QualificationProjection(), r => r.Id, cancellationToken),
            RebuildableIndex.ConfirmationDocuments => RebuildProjectionAsync(new ConfirmationDocumentProjection(), r => r.Id, cancellationToken),
            RebuildableIndex.Institutions => RebuildInstitutionsAsync(cancellationToken),
            RebuildableIndex.Numbers => numbers.RebuildIndexAsync(cancellationToken),
            RebuildableIndex.ClinicConsents => RebuildProjectionAsync(new ClinicConsentProjection(), r => r.Id, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        });
        if (budget is not null)
        {
            // The rows' replacement is one transaction and cannot rest midway: the rebuild rests after it
            // instead, so that rebuilds one after another keep to their share while reception desks are busy.
            await budget.PaceAsync(System.Diagnostics.Stopwatch.GetElapsedTime(started) / 2, cancellationToken);
        }
        progress?.Report(new RebuildProgress(Math.Max(total, scan.Processed), Math.Max(total, scan.Processed)));
        return rows;
    }

    private static async Task<int> WithProgress(ScanProgress scan, Func<Task<int>> rebuild)
    {
        Current.Value = scan;
        try
        {
            return await rebuild();
        }
        finally
        {
            Current.Value = null;
        }
    }

    /// <summary>The scan's progress sink flows with the async call (the person-match index scans through <see cref="ScanDataAsync"/> too).</summary>
    private static readonly AsyncLocal<ScanProgress?> Current = new();

    private sealed class ScanProgress(IProgress<RebuildProgress>? sink, long total, BackgroundBudget? budget)
    {
        public BackgroundBudget? Budget => budget;

        public long Processed { get; private set; }

        public void Add(int count)
        {
            Processed += count;
            sink?.Report(new RebuildProgress(Processed, Math.Max(total, Processed)));
        }
    }

    private Task<long> CountAsync(string[] types, CancellationToken cancellationToken) =>
        CountAsync(store, types, long.MaxValue, cancellationToken);

    /// <summary>How many streams (persons) hold events of these types.</summary>
    private async Task<int> StreamsAsync(string[] types, CancellationToken cancellationToken) =>
        (int)await EventsScalarAsync(store, "count(distinct stream_id)", "type = any(?)", cancellationToken, new object[] { types });

    /// <summary>How many events of these types the store holds, up to a sequence number.</summary>
    internal static Task<long> CountAsync(IDocumentStore store, string[] types, long upToSequence, CancellationToken cancellationToken) =>
        EventsScalarAsync(store, "count(*)", "type = any(?) and seq_id <= ?", cancellationToken, types, upToSequence);

    /// <summary>One figure over the store's events (a count, the highest sequence): <c>select {what} from mt_events where {where}</c>.</summary>
    private static async Task<long> EventsScalarAsync(IDocumentStore store, string what, string where, CancellationToken cancellationToken,
        params object[] parameters)
    {
        await using var query = store.QuerySession();
        var values = await query.AdvancedSql.QueryAsync<long>(
            $"select {what} from {store.Options.Events.DatabaseSchemaName}.mt_events where {where}", cancellationToken, parameters);
        return values[0];
    }

    /// <summary>
    /// How long before the rebuild's start a row counts as written live: a phone claimed just before the start, whose
    /// link event the scan may not hold yet, keeps its row too.
    /// </summary>
    internal static readonly TimeSpan LiveClaimGrace = TimeSpan.FromSeconds(10);

    /// <summary>The events the devices index folds, by stored name (read without their metadata).</summary>
    private static readonly IReadOnlyDictionary<string, Type> DeviceEvents = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [EventNames.Of<CardApplied>()] = typeof(CardApplied),
        [EventNames.Of<SmartphoneCredentialLinked>()] = typeof(SmartphoneCredentialLinked),
        [EventNames.Of<SmartphoneCredentialUnlinked>()] = typeof(SmartphoneCredentialUnlinked),
    };

    /// <summary>
    /// Phone → person, folded from the card events. A phone is claimed (its row written) before its link event is
    /// appended, so a link under way while the events are read has its row and not yet its event: the live row is
    /// kept (RebuildFoldedAsync).
    /// </summary>
    private Task<int> RebuildDevicesAsync(CancellationToken cancellationToken)
    {
        var holders = new Dictionary<Guid, Guid>();
        return RebuildFoldedAsync<DeviceRecord, string>(DeviceEvents, d => d.Id, (e, devices) =>
        {
            switch (e)
            {
                case CardApplied applied:
                    holders[applied.CardId.Value] = applied.PersonId.Value;
                    break;
                case SmartphoneCredentialLinked linked when holders.TryGetValue(linked.CardId.Value, out var person):
                    devices[linked.DeviceHash] = new DeviceRecord { Id = linked.DeviceHash, PersonId = person, CardId = linked.CardId.Value };
                    break;
                case SmartphoneCredentialUnlinked unlinked when devices.TryGetValue(unlinked.DeviceHash, out var current) && current.CardId == unlinked.CardId.Value:
                    devices.Remove(unlinked.DeviceHash);
                    break;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A projection whose row is a pure function of one event: nothing needs to be remembered from one event to the
    /// next, so the rows are not held in memory (an index of hundreds of millions of serials would not fit). Each page's
    /// rows are bulk-copied into a temporary staging table on one connection (not WAL-logged, no transaction held open
    /// between pages, dropped with the connection whatever happens), and the replacement takes, per id, the row of its
    /// last event, with the top-up's and the live rows over them (<see cref="IndexReplacement"/>).
    /// </summary>
    private async Task<int> RebuildProjectionAsync<TEvent, TRow, TId>(IndexProjection<TEvent, TRow> projection, Func<TRow, TId> id, CancellationToken cancellationToken)
        where TEvent : IDomainEvent
        where TRow : notnull
        where TId : notnull
    {
        var events = new Dictionary<string, Type>(StringComparer.Ordinal) { [EventNames.Of<TEvent>()] = typeof(TEvent) };
        var mark = await HighWaterAsync(store, cancellationToken);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var staged = await IndexReplacement.CreateStagingAsync<TRow>(store, connection, cancellationToken);
        var page = new List<TRow>(Page);
        var reached = await ScanDataAsync(store, events, e => page.Add(projection.RowFor((TEvent)e)), cancellationToken, mark: mark,
            afterPage: async token =>
            {
                await IndexReplacement.CopyAsync(store, connection, staged, id, page, token);
                page.Clear();
            });
        var last = await IndexReplacement.LastPerIdAsync(connection, staged, cancellationToken);
        return (await IndexReplacement.ReplaceAsync<TRow, TId>(store, connection, id, async locked =>
        {
            var rows = new Dictionary<TId, TRow>();
            await TopUpAsync(store, events, e =>
            {
                var row = projection.RowFor((TEvent)e);
                rows[id(row)] = row;
            }, reached, locked);
            await KeepLiveRowsAsync(rows, id, mark.At, locked);
            return rows.Values;
        }, last, cancellationToken)).Rows;
    }

    /// <summary>Puts the rows written since shortly before the rebuild started over the folded ones (see <see cref="RebuildFoldedAsync{TRow, TId}"/>).</summary>
    private async Task KeepLiveRowsAsync<TRow, TId>(Dictionary<TId, TRow> rows, Func<TRow, TId> id, DateTimeOffset startedAt, CancellationToken cancellationToken)
        where TRow : notnull
        where TId : notnull
    {
        await using var query = store.QuerySession();
        foreach (var live in await query.QueryAsync<TRow>("where mt_last_modified >= ?", cancellationToken, startedAt - LiveClaimGrace))
        {
            rows[id(live)] = live;
        }
    }

    /// <summary>The events the institution listing folds, by stored name.</summary>
    private static readonly IReadOnlyDictionary<string, Type> InstitutionEvents = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [EventNames.Of<InstitutionRegistered>()] = typeof(InstitutionRegistered),
        [EventNames.Of<CardAcceptanceChanged>()] = typeof(CardAcceptanceChanged),
    };

    /// <summary>The public institution list, each institution folded as its projection (and its grain) folds it.</summary>
    private Task<int> RebuildInstitutionsAsync(CancellationToken cancellationToken) =>
        RebuildFoldedAsync<InstitutionListing, string>(InstitutionEvents, l => l.Id, (e, listings) =>
        {
            var change = (IInstitutionEvent)e;
            if (InstitutionListingProjection.Fold(listings.GetValueOrDefault(change.Institution), change) is { } listing)
            {
                listings[change.Institution] = listing;
            }
        }, cancellationToken);

    /// <summary>
    /// Folds the events that shape an index up to the high-water sequence there at the start (paced), then makes the
    /// table equal to the folded rows in one transaction with the table locked against writers (readers go on and
    /// see the old rows or the new, never an empty or half-built index: a lookup during a rebuild still finds its
    /// row). Under the lock the events committed since the last page are folded in, and the rows written live
    /// since shortly before the start are kept over the fold: a phone is claimed (its row written) before its link
    /// event is appended, so the live row, newer than any event read, wins. No event numbered up to the high-water
    /// mark can commit after its page was read: the pages wait for the appends under way at the mark (<see cref="HighWater"/>).
    /// </summary>
    private async Task<int> RebuildFoldedAsync<TRow, TId>(IReadOnlyDictionary<string, Type> events, Func<TRow, TId> id,
        Action<object, Dictionary<TId, TRow>> apply, CancellationToken cancellationToken)
        where TRow : notnull
        where TId : notnull
    {
        var mark = await HighWaterAsync(store, cancellationToken);
        var rows = new Dictionary<TId, TRow>();
        var reached = await ScanDataAsync(store, events, e => apply(e, rows), cancellationToken, mark: mark);
        return (await IndexReplacement.ReplaceAsync<TRow, TId>(store, id, async locked =>
        {
            await TopUpAsync(store, events, e => apply(e, rows), reached, locked);
            await KeepLiveRowsAsync(rows, id, mark.At, locked);
            return rows.Values;
        }, cancellationToken)).Rows;
    }

    /// <summary>
    /// Where a rebuild's scan ends (<paramref name="Sequence"/>, the last event there at the start, read with the
    /// database's clock <paramref name="At"/>), and until when it must wait: events numbered above
    /// <paramref name="Settled"/> may belong to appends still under way at the start, so no page reaches beyond it
    /// before <paramref name="Settling"/> has completed (<see cref="SettleAsync"/>). From then on no event numbered up
    /// to <paramref name="Sequence"/> can still appear, so the scan reads every one of them. Without the wait, an
    /// append that took its number below the mark but committed after its page was read would be folded by no page,
    /// and by no top-up under the lock either (which reads only what follows the last page).
    /// </summary>
    internal sealed record HighWater(long Sequence, DateTimeOffset At, long Settled, Task Settling);

    /// <summary>
    /// How old an event's own timestamp must be for everything numbered up to it to be settled: an append that took a
    /// number below it took it before that event did (numbers are handed out in order), so it has been under way for
    /// longer than this and would not be waited for anyway (<see cref="SettleLimit"/> and <see cref="AppendBeginGrace"/>,
    /// and 30 s for the clocks of the appending hosts and for queueing).
    /// </summary>
    internal static readonly TimeSpan SettledAge = SettleLimit + AppendBeginGrace + TimeSpan.FromSeconds(30);

    /// <summary>
    /// The rebuild's high-water mark (<see cref="HighWater"/>). The wait for the appends under way runs beside the scan:
    /// the pages below an event older than <see cref="SettledAge"/> are read meanwhile, so a long rebuild does not wait
    /// at all and a short one about a second.
    /// </summary>
    internal static async Task<HighWater> HighWaterAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
            long sequence;
            DateTimeOffset at;
            await using (var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0), now() from {events}", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (sequence, at) = (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
            }
            var settled = await SettledUpToAsync(connection, events, sequence, at - SettledAge, cancellationToken);
            if (settled >= sequence)
            {
                await connection.DisposeAsync();
                return new HighWater(sequence, at, sequence, Task.CompletedTask);
            }
            return new HighWater(sequence, at, settled, SettleThenCloseAsync(connection, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The number of an event at most <paramref name="upTo"/> whose own timestamp is before <paramref name="before"/>
    /// (0 if there is none), found by probing back from the mark in growing steps: one index lookup each, a few dozen at
    /// most however large the store. A lower bound, not the largest such number: the pages beyond it only wait longer.
    /// </summary>
    internal static async Task<long> SettledUpToAsync(NpgsqlConnection connection, string events, long upTo, DateTimeOffset before,
        CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlCommand(
            $"select seq_id, timestamp from {events} where seq_id <= @at order by seq_id desc limit 1", connection);
        var at = new NpgsqlParameter<long>("at", upTo);
        probe.Parameters.Add(at);
        for (var step = 1_024L; ; step *= 4)
        {
            await using (var reader = await probe.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return 0;
                }
                if (reader.GetFieldValue<DateTimeOffset>(1) < before)
                {
                    return reader.GetInt64(0);
                }
            }
            if (at.TypedValue <= 1)
            {
                return 0;
            }
            at.TypedValue = Math.Max(1, upTo - step);
        }
    }

    private static async Task SettleThenCloseAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (connection)
        {
            await SettleAsync(connection, SettleLimit, cancellationToken);
        }
    }

    /// <summary>How long a rebuild waits for the transactions open at its start (appends take milliseconds).</summary>
    internal static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after taking its sequence numbers an append may begin its write transaction. In Marten's rich append mode
    /// (this store's until the quick mode replaced it) they are taken in a statement of their own before the transaction
    /// that writes the events: microseconds apart, or as long as a pause of the appending process. In quick mode they are
    /// taken inside the append's transaction, after it began, so the grace only covers a process of an older version still
    /// appending during a rolling upgrade.
    /// </summary>
    internal static readonly TimeSpan AppendBeginGrace = TimeSpan.FromSeconds(1);

    /// <summary>Marks the wait's query, so that an operator (and a test) can see a rebuild waiting in <c>pg_stat_activity</c>.</summary>
    internal const string SettleMarker = "/* myna: rebuild waits for the appends under way at its start */";

    /// <summary>
    /// Waits until every append that may hold a sequence number taken before now has committed or rolled back: every
    /// other client transaction of this database that began before now plus <see cref="AppendBeginGrace"/> has ended.
    /// The transactions are told by when they began (<c>xact_start</c>), not by snapshot ids, because an append takes its
    /// numbers before its transaction has an id. Returns false if some were still open after <paramref name="limit"/> (a
    /// long export or a stuck session, not an append); the rebuild then goes on, and such a transaction's events, if
    /// any, are folded by the next rebuild.
    /// </summary>
    internal static async Task<bool> SettleAsync(NpgsqlConnection connection, TimeSpan limit, CancellationToken cancellationToken)
    {
        await Task.Delay(AppendBeginGrace, cancellationToken);
        DateTime cutoff;
        await using (var now = new NpgsqlCommand("select clock_timestamp()", connection))
        {
            cutoff = (DateTime)(await now.ExecuteScalarAsync(cancellationToken))!;
        }
        await using var open = new NpgsqlCommand(
            SettleMarker + " select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
            + " and backend_type = 'client backend' and xact_start < @cutoff", connection);
        open.Parameters.AddWithValue("cutoff", cutoff);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(2);
        while ((long)(await open.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            if (waited.Elapsed >= limit)
            {
                return false;
            }
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 50));
        }
        return true;
    }

    /// <summary>
    /// Under the index table's lock: folds the events committed since the scan's last page, up to the last event there
    /// once the lock is held, never beyond. An event appended later cannot have had its row written yet (a registration
    /// or an erasure writes its row after its event, and that write now waits for the lock), so its writer puts the row
    /// over the new index; a phone's row, written before its link event, is kept as a live row. Unbounded, a top-up run
    /// while another writer kept appending new persons' events (whose rows were not waiting on this lock) met keys it
    /// had not loaded on every pass of its read, gave up after five, and failed the rebuild (seen in CI beside a test
    /// that appends registrations).
    /// </summary>
    internal static async Task<long> TopUpAsync(IDocumentStore store, IReadOnlyDictionary<string, Type> types, Action<object> visit, long after,
        CancellationToken cancellationToken)
    {
        var upTo = await EventsScalarAsync(store, "coalesce(max(seq_id), 0)", "true", cancellationToken);
        return await ScanDataAsync(store, types, visit, cancellationToken, after, paced: false, upTo: upTo);
    }

    /// <summary>
    /// Pages through the events of some types in global order, never loading the whole store at once, reading only
    /// each event's sequence and body (deserialised, and decrypted, as the stored type); returns the sequence of the
    /// last event visited (<paramref name="after"/> when there was none). Unpaced scans (a top-up under a table lock)
    /// never rest: they hold the lock while they run.
    /// <para>
    /// Each type's sequence numbers are read along the event type index (<c>(type, seq_id)</c>, MartenSetup), at most a
    /// page of each, and the page is the first of their union: a query never walks the events of other types (in a
    /// national store, almost all of them are ledger entries), so a page costs what it returns, and the last page and
    /// the top-up under the lock cost no more than the events they find.
    /// </para>
    /// </summary>
    internal static Task<long> ScanDataAsync(IDocumentStore store, IReadOnlyDictionary<string, Type> types, Action<object> visit, CancellationToken cancellationToken,
        long after = 0, bool paced = true, long upTo = long.MaxValue, Func<CancellationToken, Task>? afterPage = null, int? pageSize = null,
        HighWater? mark = null)
    {
        var names = types.Keys.ToArray();
        var serializer = store.Options.Serializer();
        upTo = mark?.Sequence ?? upTo;
        // The page's sequence numbers come from the type index alone (an index-only scan per type); only then are
        // its rows read, by primary key. Asked for the rows directly, the planner may walk the primary key in sequence
        // order instead, filtering on the type, and for a type with few events that walks the whole rest of the table
        // on every page (2.6 s a page over 1,000,000 events, where this takes 57 ms).
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        var sql = $"select seq_id, type, data from {events} where seq_id = any(array("
            + "select s.seq_id from unnest(@types) as t(name) cross join lateral ("
            + $"select seq_id from {events} where type = t.name and seq_id > @after and seq_id <= @upTo order by seq_id limit @limit) s "
            + "order by s.seq_id limit @limit)) order by seq_id";
        Task<IReadOnlyList<(long Sequence, object Data)>> Read(long from, long to, int limit) => store.PersonalData().ReadAsync(async () =>
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("types", names);
            command.Parameters.AddWithValue("after", from);
            command.Parameters.AddWithValue("upTo", to);
            command.Parameters.AddWithValue("limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var page = new List<(long Sequence, object Data)>(limit);
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add((reader.GetInt64(0), serializer.FromJson(types[reader.GetString(1)], reader, 2)));
            }
            return (IReadOnlyList<(long Sequence, object Data)>)page;
        }, cancellationToken: cancellationToken);

        // While the appends under way at the mark are being waited for, pages stop at the events settled before it; at
        // that point the scan waits, then goes on to the mark.
        async Task<IReadOnlyList<(long Sequence, object Data)>> Page(long from, int limit)
        {
            if (mark is { Settling.IsCompleted: false } && mark.Settled < upTo)
            {
                var settled = await Read(from, Math.Min(upTo, mark.Settled), limit);
                if (settled.Count == limit)
                {
                    return settled;
                }
                await mark.Settling;
                if (settled.Count > 0)
                {
                    return [.. settled, .. await Read(settled[^1].Sequence, upTo, limit - settled.Count)];
                }
            }
            return await Read(from, upTo, limit);
        }

        return PagesAsync(Page, e => e.Sequence, e => visit(e.Data), after, paced, cancellationToken, afterPage, pageSize);
    }

    private static async Task<long> PagesAsync<T>(Func<long, int, Task<IReadOnlyList<T>>> read, Func<T, long> sequence, Action<T> visit,
        long after, bool paced, CancellationToken cancellationToken, Func<CancellationToken, Task>? afterPage = null, int? pageSize = null)
    {
        while (true)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var limit = pageSize ?? PageSize(paced);
            var page = await read(after, limit);
            foreach (var e in page)
            {
                visit(e);
            }
            if (afterPage is not null)
            {
                await afterPage(cancellationToken);
            }
            Current.Value?.Add(page.Count);
            if (paced && Current.Value?.Budget is { } budget)
            {
                // Reception desks first: while they are busy the scan rests its share of the page's time.
                await budget.PaceAsync(System.Diagnostics.Stopwatch.GetElapsedTime(started), cancellationToken);
            }
            if (page.Count > 0)
            {
                after = sequence(page[^1]);
            }
            if (page.Count < limit)
            {
                return after;
            }
        }
    }
}
