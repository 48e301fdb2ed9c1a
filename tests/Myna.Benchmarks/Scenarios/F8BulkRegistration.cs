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
/// F8: bulk registration of persons with numbers: <c>Register</c> then <c>AssignIndividualNumber</c> on
/// each person grain (64 at a time, from the API's Orleans client). Baseline: the same events, built by
/// the same pure deciders, bulk-appended straight through Marten, 500 new streams per transaction.
/// </summary>
public static class F8BulkRegistration
{
    private const int Concurrency = 64;
    private const int RawBatch = 500;
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly Actor Clerk = new("clerk-bench", "municipality", "131016");

    public static RegisterPerson Command(int i) => new(
        new BasicFourItems($"登録 太郎{i:D7}", $"東京都千代田区千代田1-{i % 50 + 1}-{i % 997 + 1} 号{i}", new DateOnly(1950 + i % 60, i % 12 + 1, i % 28 + 1), i % 2 == 0 ? Sex.Male : Sex.Female),
        Chiyoda, RegistrationReason.MoveIn);

    public static async Task RunAsync(BenchContext ctx)
    {
        var client = ctx.Main.Client;
        var subject = new List<double>();
        var baseline = new List<double>();
        var lines = new List<string>
        {
            $"Through grains: {ctx.Sizes.RegistrationsPerRound:N0} persons per round, {Concurrency} in flight; each is `Register` (person_registered_v1, match index row) then "
            + "`AssignIndividualNumber` (number reservation row; resident_record_code_assigned_v1, individual_number_assigned_v1, number_notification_letter_sent_v1), each confirmed before the reply. "
            + $"Raw: {ctx.Sizes.RawRegistrationsPerRound:N0} persons per round, the same four events from the same deciders, {RawBatch} new streams per Marten transaction; "
            + "the raw side writes no number reservation and no match-index row, so it is an upper bound, not the same work.",
            string.Empty,
            "| round | grains persons/s | failed | raw persons/s |",
            "|---|---|---|---|",
        };
        var sequence = 0;
        for (var round = 1; round <= ctx.Sizes.Rounds; round++)
        {
            var ids = Enumerable.Range(0, ctx.Sizes.RegistrationsPerRound).Select(_ => Guid.NewGuid()).ToArray();
            var (elapsed, failed) = await Load.BatchAsync(ids.Length, Concurrency, async i =>
            {
                var person = client.GetPerson(new PersonId(ids[i]));
                var registered = await person.Register(NewContext(), Command(Interlocked.Increment(ref sequence)));
                if (!registered.IsSuccess)
                {
                    return false;
                }
                var numbered = await person.AssignIndividualNumber(NewContext(), new AssignIndividualNumber(Chiyoda));
                return numbered.IsSuccess;
            }, Progress.Bar($"F8 round {round}: registering through grains", ids.Length));
            subject.Add((ids.Length - failed) / elapsed.TotalSeconds);
            ctx.RegisteredPersons.AddRange(ids);

            var rawIds = Enumerable.Range(0, ctx.Sizes.RawRegistrationsPerRound).Select(_ => Guid.NewGuid()).ToArray();
            var batches = (rawIds.Length + RawBatch - 1) / RawBatch;
            var (rawElapsed, _) = await Load.BatchAsync(batches, 4, async b =>
            {
                await using var session = ctx.Raw.LightweightSession();
                foreach (var id in rawIds.Skip(b * RawBatch).Take(RawBatch))
                {
                    var commandId = Guid.NewGuid().ToString("D");
                    var events = Events(id, Interlocked.Increment(ref sequence));
                    // The same per-person key the grains' adapter creates: the baseline stores the same encrypted bytes.
                    await ctx.Raw.PersonalData().PrepareAppendAsync(events);
                    var action = session.Events.StartStream(StreamRef.For(new PersonId(id)).Key, events);
                    foreach (var e in action.Events)
                    {
                        e.CausationId = commandId;
                        e.CorrelationId = commandId;
                    }
                }
                await session.SaveChangesAsync();
                return true;
            });
            baseline.Add(rawIds.Length / rawElapsed.TotalSeconds);
            ctx.RawRegisteredPersons.AddRange(rawIds);
            Progress.Line($"F8 round {round}: grains {subject[^1]:0} persons/s ({failed} failed), raw bulk {baseline[^1]:0} persons/s");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {round} | {subject[^1]:0} | {failed} | {baseline[^1]:0} |"));
        }
        ctx.Report.Add(new Figure("F8", "bulk registration with numbers", "persons/s",
            subject.ToArray(), baseline.ToArray(), "≥ 3,000 persons/s", (v, _) => v >= 3_000));
        ctx.Report.Section("F8 bulk registration", lines.ToArray());
    }

    private static CommandContext NewContext() => new(Guid.NewGuid(), Guid.NewGuid(), Clerk, "bench") { Scope = new ActorScope(Municipality: Chiyoda.Value) };

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
