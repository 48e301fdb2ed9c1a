using Myna.EventStore.Configuration;
using Myna.EventStore.Privacy;
using System.Globalization;
using Myna.Benchmarks.Harness;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Benchmarks.Scenarios;

/// <summary>
/// F8: bulk registration of persons with numbers through the municipality's endpoint
/// (<c>POST /v1/persons/bulk-registrations</c>, batches of 1,000 lines over HTTP, two batches in flight).
/// Baseline: the same rows written straight through Marten: the same events from the same pure deciders with
/// their personal-data keys, a number reservation and a match-index row per person, 250 persons per transaction.
/// </summary>
public static class F8BulkRegistration
{
    private const int Batch = 1_000;
    private const int BatchesInFlight = 2;
    private const int RawBatch = 250;
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly Actor Clerk = new("clerk-bench", "municipality", "131016");

    /// <summary>Numbers the persons' names and addresses across rounds and the persons F5 seeds.</summary>
    private static int _sequence;

    public static RegisterPerson Command(int i) => new(
        new BasicFourItems($"登録 太郎{i:D7}", $"東京都千代田区千代田1-{i % 50 + 1}-{i % 997 + 1} 号{i}", new DateOnly(1950 + i % 60, i % 12 + 1, i % 28 + 1), i % 2 == 0 ? Sex.Male : Sex.Female),
        Chiyoda, RegistrationReason.MoveIn);

    public static async Task RunAsync(BenchContext ctx)
    {
        var clerk = ctx.Main.Token(Myna.Api.Auth.Roles.Municipality, new Dictionary<string, string> { [Myna.Api.Auth.MynaClaims.Municipality] = Chiyoda.Value });
        var subject = new List<double>();
        var baseline = new List<double>();
        var lines = new List<string>
        {
            $"Through the API: {ctx.Sizes.RegistrationsPerRound:N0} persons per round in batches of {Batch:N0} lines (`POST /v1/persons/bulk-registrations`, JSON, {BatchesInFlight} batches in flight); "
            + "each line is a person_registered_v1, resident_record_code_assigned_v1, individual_number_assigned_v1 and number_notification_letter_sent_v1, a number reservation row, "
            + "a personal-data key row (Azure Storage) and a match-index row, all durable before the answer. "
            + $"Raw: {ctx.Sizes.RawRegistrationsPerRound:N0} persons per round, the same events from the same deciders, their keys, a reservation row and a match-index row each, "
            + $"{RawBatch} persons per Marten transaction, 4 transactions in flight. "
            + $"Both sides timed after one untimed warm-up of {Math.Max(1, ctx.Sizes.RegistrationsPerRound / Batch / 2) * Batch:N0} persons each.",
            string.Empty,
            "| round | API persons/s | failed | raw persons/s |",
            "|---|---|---|---|",
        };
        // Warm up both paths (JIT, connection pools, the key table's partitions), as F1, F4 and F6 do: untimed, and
        // the persons it registers are kept like any others.
        var warmBatches = Math.Max(1, ctx.Sizes.RegistrationsPerRound / Batch / 2);
        var (_, warmCreated, warmPersons, _) = await RegisterThroughApiAsync(ctx, clerk, warmBatches, "F8: warm-up through the API");
        ctx.RegisteredPersons.AddRange(warmPersons);
        var warmRaw = Enumerable.Range(0, warmBatches * Batch).Select(_ => Guid.NewGuid()).ToArray();
        await WriteRawAsync(ctx.Raw, warmRaw);
        ctx.RawRegisteredPersons.AddRange(warmRaw);
        Progress.Line($"F8: warm-up of {warmCreated:N0} persons through the API and {warmRaw.Length:N0} raw");

        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var batches = (ctx.Sizes.RegistrationsPerRound + Batch - 1) / Batch;
            var (elapsed, created, registered, failedBatches) = await RegisterThroughApiAsync(ctx, clerk, batches, $"F8 round {round}: registering through the API");
            subject.Add(created / elapsed.TotalSeconds);
            ctx.RegisteredPersons.AddRange(registered);
            var failed = batches * Batch - created;

            var rawIds = Enumerable.Range(0, ctx.Sizes.RawRegistrationsPerRound).Select(_ => Guid.NewGuid()).ToArray();
            var (rawElapsed, _) = await WriteRawAsync(ctx.Raw, rawIds);
            baseline.Add(rawIds.Length / rawElapsed.TotalSeconds);
            ctx.RawRegisteredPersons.AddRange(rawIds);
            Progress.Line($"F8 round {round}: API {subject[^1]:0} persons/s ({failed} failed, {failedBatches} batches failed), raw {baseline[^1]:0} persons/s");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {round} | {subject[^1]:0} | {failed} | {baseline[^1]:0} |"));
        }
        ctx.Report.Add(new Figure("F8", "bulk registration with numbers (API, batches of 1,000)", "persons/s",
            subject.ToArray(), baseline.ToArray(), "≥ 3,000 persons/s and ≥ 0.8×", (v, r) => v >= 3_000 && r >= 0.8));
        ctx.Report.Section("F8 bulk registration", lines.ToArray());
    }

    /// <summary>Batches of new persons through the bulk endpoint, <see cref="BatchesInFlight"/> at a time: the time taken, the persons created, and the batches that failed.</summary>
    private static async Task<(TimeSpan Elapsed, int Created, List<Guid> Persons, int FailedBatches)> RegisterThroughApiAsync(BenchContext ctx, System.Net.Http.Headers.AuthenticationHeaderValue clerk, int batches, string label)
    {
        var registered = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var created = 0;
        var (elapsed, failedBatches) = await Load.BatchAsync(batches, BatchesInFlight, async b =>
        {
            var body = Enumerable.Range(0, Batch).Select(_ =>
            {
                var i = Interlocked.Increment(ref _sequence);
                var c = Command(i);
                return new { id = $"bench-{i}", name = c.Items.Name, address = c.Items.Address, dateOfBirth = c.Items.DateOfBirth, sex = c.Items.Sex, reason = c.Reason };
            }).ToArray();
            using var response = await ClinicWorld.PostAsync(ctx.Main.Http, clerk, "/v1/persons/bulk-registrations", body);
            var answer = await ClinicWorld.JsonAsync(response);
            Interlocked.Add(ref created, answer.GetProperty("created").GetInt32());
            foreach (var line in answer.GetProperty("lines").EnumerateArray())
            {
                registered.Add(line.GetProperty("personId").GetGuid());
            }
            return true;
        }, Progress.Bar(label, batches));
        return (elapsed, created, registered.ToList(), failedBatches);
    }

    /// <summary>
    /// The raw side: persons with numbers written straight through Marten (the same events from the same deciders,
    /// their personal-data keys, a reservation row and a match-index row each), <see cref="RawBatch"/> per transaction,
    /// 4 transactions in flight. F5 seeds its never-activated persons the same way.
    /// </summary>
    public static async Task<(TimeSpan Elapsed, int FailedTransactions)> WriteRawAsync(Marten.IDocumentStore store, Guid[] ids, Action<int>? progress = null)
    {
        var batches = (ids.Length + RawBatch - 1) / RawBatch;
        var done = 0;
        return await Load.BatchAsync(batches, 4, async b =>
        {
            var chunk = ids.Skip(b * RawBatch).Take(RawBatch).ToList();
            var events = chunk.Select(id => (Id: id, I: Interlocked.Increment(ref _sequence), Events: Events(id, Interlocked.Increment(ref _sequence)))).ToList();
            // The same per-person keys the bulk writer creates: the baseline stores the same encrypted bytes.
            await store.PersonalData().PrepareAppendAsync(events.SelectMany(e => e.Events));
            await using var session = store.LightweightSession();
            foreach (var (id, i, personEvents) in events)
            {
                var commandId = Guid.NewGuid().ToString("D");
                var action = session.Events.StartStream(StreamRef.For(new PersonId(id)).Key, personEvents);
                foreach (var e in action.Events)
                {
                    e.CausationId = commandId;
                    e.CorrelationId = commandId;
                }
                session.Insert(new Myna.EventStore.Numbers.NumberReservation
                {
                    Id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), PersonId = id, Generation = 0, ReservedAt = DateTimeOffset.UtcNow,
                });
                session.Store(Myna.EventStore.Insurance.MartenPersonMatchIndex.ToRecord(id, Command(i).Items));
            }
            await session.SaveChangesAsync();
            progress?.Invoke(Interlocked.Add(ref done, chunk.Count));
            return true;
        });
    }

    /// <summary>The events a registration with a number records, from the pure deciders (number drawn locally).</summary>
    public static object[] Events(Guid id, int i)
    {
        var now = DateTimeOffset.UtcNow;
        var registered = PersonDecider.Register(PersonState.Initial, new PersonId(id), Command(i), now, Clerk);
        var state = AggregateState.Fold(PersonState.Initial, registered.Events);
        var code = new ResidentRecordCode(Random.Shared.NextInt64(ResidentRecordCode.Space));
        var number = IndividualNumber.FromBody(Random.Shared.NextInt64(10_000_000_000L, 100_000_000_000L).ToString(CultureInfo.InvariantCulture));
        var assigned = PersonDecider.AssignNumber(state, new ReservedNumber(code, number), Chiyoda, now, Clerk);
        return registered.Events.Concat(assigned.Events).Cast<object>().ToArray();
    }
}
