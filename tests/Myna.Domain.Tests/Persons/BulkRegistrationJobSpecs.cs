using Myna.Domain.Persons;
using Myna.Domain.Tests.Support;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Tests.Persons;

/// <summary>A bulk registration job's own rules: who starts and reads it, checkpoints in the lines' order, the completion with the last.</summary>
public sealed class BulkRegistrationJobSpecs : DeciderSpec<BulkRegistrationJobState, IBulkRegistrationJobEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Clerk = new("clerk-1", ActorRoles.Municipality);
    private static readonly Guid Id = Guid.Parse("0193a5b0-0000-7000-8000-0000000000b1");
    private static readonly MunicipalityCode Chiyoda = new("131016");

    private static CommandContext As(Actor actor, string? municipality) =>
        new(Guid.NewGuid(), Guid.NewGuid(), actor, "test") { Scope = new ActorScope(Municipality: municipality) };

    private static BulkRegistrationJobLine[] Lines(int from, int count, string status = BulkRegistrationJobLine.Created) =>
        [.. Enumerable.Range(from, count).Select(i => new BulkRegistrationJobLine($"line-{i}", status, status == BulkRegistrationJobLine.Refused ? null : Guid.NewGuid(), status == BulkRegistrationJobLine.Refused ? "person.invalid-date-of-birth" : null))];

    private static BulkRegistrationJobState Started(int total) =>
        When(BulkRegistrationJobState.Initial, BulkRegistrationJobRules.Start(BulkRegistrationJobState.Initial, Id, new StartBulkRegistrationJob(Chiyoda, total, "digest"), Now, Clerk));

    [Fact]
    public void Checkpoints_follow_the_lines_done_and_the_last_one_completes_the_job_with_its_counts()
    {
        var state = Started(2_500);
        state = When(state, BulkRegistrationJobRules.Record(state, 0, Lines(0, 1_000), Now, Clerk));

        ThenRefused(BulkRegistrationJobRules.Record(state, 0, Lines(0, 1_000), Now, Clerk), "bulk-registration-job.out-of-order");
        ThenRefused(BulkRegistrationJobRules.Record(state, 2_000, Lines(2_000, 500), Now, Clerk), "bulk-registration-job.out-of-order");
        ThenRefused(BulkRegistrationJobRules.Record(state, 1_000, Lines(1_000, 1_501), Now, Clerk), "bulk-registration-job.out-of-order");
        var middle = ThenRecorded<BulkRegistrationJobChunkRecorded>(BulkRegistrationJobRules.Record(state, 1_000, Lines(1_000, 1_000), Now, Clerk));
        state = state.Apply(middle);
        var last = BulkRegistrationJobRules.Record(state, 2_000, [.. Lines(2_000, 499), .. Lines(2_499, 1, BulkRegistrationJobLine.Refused)], Now, Clerk);
        var completed = Assert.IsType<BulkRegistrationJobCompleted>(last.Events[^1]);
        state = When(state, last);

        Assert.True(state.Completed);
        Assert.Equal((2_499, 0, 1), (completed.Created, completed.Existing, completed.Refused));
        var view = BulkRegistrationJobRules.ToView(state, running: false, offset: 0, limit: 10, status: BulkRegistrationJobLine.Refused);
        Assert.Equal(BulkRegistrationJobStatus.Completed, view.Status);
        Assert.Equal(["line-2499"], view.Lines.Select(l => l.Id));
        Assert.Equal(1, view.Matching);
        ThenRefused(BulkRegistrationJobRules.Record(state, 2_500, Lines(2_500, 1), Now, Clerk), "bulk-registration-job.out-of-order");
    }

    [Fact]
    public void A_job_not_running_in_memory_and_not_completed_is_interrupted_at_its_last_checkpoint()
    {
        var state = Started(3_000);
        state = When(state, BulkRegistrationJobRules.Record(state, 0, Lines(0, 1_000), Now, Clerk));

        var view = BulkRegistrationJobRules.ToView(state, running: false, offset: 990, limit: 100);

        Assert.Equal(BulkRegistrationJobStatus.Interrupted, view.Status);
        Assert.Equal((3_000, 1_000, 1_000), (view.Total, view.Done, view.Created));
        Assert.Equal(10, view.Lines.Count);
        Assert.Equal(BulkRegistrationJobStatus.Running, BulkRegistrationJobRules.ToView(state, running: true, 0, 0).Status);
    }

    [Fact]
    public void Only_a_clerk_of_the_jobs_municipality_starts_or_reads_it_and_a_job_starts_once()
    {
        var state = Started(10);

        Assert.Null(BulkRegistrationJobRules.Authorize(BulkRegistrationJobState.Initial, As(Clerk, "131016"), Chiyoda));
        Assert.Equal("access.other-municipality", BulkRegistrationJobRules.Authorize(BulkRegistrationJobState.Initial, As(Clerk, "272019"), Chiyoda)?.Code);
        // Once started, the job's own municipality decides, whatever the request names.
        Assert.Null(BulkRegistrationJobRules.Authorize(state, As(Clerk, "131016"), new MunicipalityCode("272019")));
        Assert.Equal("access.other-municipality", BulkRegistrationJobRules.Authorize(state, As(Clerk, "272019"), new MunicipalityCode("272019"))?.Code);
        Assert.Equal("access.role-not-allowed", BulkRegistrationJobRules.Authorize(state, As(new Actor("ops-1", ActorRoles.Operator), "131016"), Chiyoda)?.Code);

        ThenRefused(BulkRegistrationJobRules.Start(state, Id, new StartBulkRegistrationJob(Chiyoda, 10, "digest"), Now, Clerk), "idempotency.key-reused");
        ThenRefused(BulkRegistrationJobRules.Start(BulkRegistrationJobState.Initial, Id, new StartBulkRegistrationJob(Chiyoda, 0, "digest"), Now, Clerk), "registration.invalid-batch");
        ThenRefused(BulkRegistrationJobRules.Start(BulkRegistrationJobState.Initial, Id, new StartBulkRegistrationJob(Chiyoda, IBulkRegistrationJobGrain.MaxLines + 1, "digest"), Now, Clerk), "registration.invalid-batch");
    }
}
