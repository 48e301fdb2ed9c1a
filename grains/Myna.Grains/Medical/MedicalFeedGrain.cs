using Myna.EventStore.Insurance;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Orleans.Concurrency;
using Myna.GrainInterfaces.Medical;

namespace Myna.Grains.Medical;

/// <summary>
/// An insurer's medical-information batch: every line's qualification is resolved first (one unknown line
/// refuses the whole batch, so nothing is half-fed), then each person gets their records under a command id
/// derived from insurer, batch and person: the same batch sent again is applied once.
/// </summary>
[StatelessWorker]
public sealed class MedicalFeedGrain(IQualificationDirectory qualifications, TimeProvider clock) : Grain, IMedicalFeedGrain
{
    public async Task<Result<MedicalFeedReceipt>> Accept(CommandContext context, InsurerNumber insurer, string batchId, IReadOnlyList<MedicalFeedLine> lines)
    {
        // An insurer feeds its own members' records only (invariant 16).
        if (Myna.Domain.Authorization.Access.OwnInsurer(context, insurer.Value) is { } refused)
        {
            return refused;
        }
        if (!FeedBatch.IsValidId(batchId))
        {
            return FeedBatch.InvalidId;
        }
        var now = clock.GetUtcNow();
        var malformed = lines.Select((l, i) => MedicalFeeds.Problem(l.Record, now) is { } problem ? $"lines[{i}]: {problem}" : null).OfType<string>().ToList();
        if (malformed.Count > 0 || lines.Count is 0 or > MedicalFeeds.MaxBatchLines)
        {
            return new DomainError(ErrorKind.Validation, "request.invalid", $"1 to {MedicalFeeds.MaxBatchLines} well-formed lines; nothing of the batch was recorded.", malformed);
        }
        var people = new Dictionary<Guid, PersonId>();
        var unknown = new List<string>();
        foreach (var qualification in lines.Select(l => l.QualificationId).Distinct())
        {
            if (await qualifications.FindAsync(qualification, insurer.Value) is { } person)
            {
                people[qualification] = person;
            }
            else
            {
                unknown.Add(qualification.ToString("D"));
            }
        }
        if (unknown.Count > 0)
        {
            return new DomainError(ErrorKind.RuleViolated, "medical.unknown-qualification",
                "Some lines name a qualification this insurer did not enrol; nothing of the batch was recorded.", unknown);
        }
        var added = 0;
        var byPerson = lines.GroupBy(l => people[l.QualificationId]).ToList();
        foreach (var group in byPerson)
        {
            var command = context with { CommandId = CommandContext.NameBased($"medical-feed\n{insurer.Value}\n{batchId}\n{group.Key.Value:D}") };
            var received = await GrainFactory.GetMedicalRecords(group.Key).Receive(command,
                new ReceiveMedicalRecords(batchId, insurer, group.Select(l => l.Record).ToList()));
            if (!received.IsSuccess)
            {
                return received.Error!;
            }
            added += received.Replayed ? 0 : received.Value;
        }
        return Result<MedicalFeedReceipt>.Ok(new MedicalFeedReceipt(batchId, byPerson.Count, lines.Count, added));
    }
}
