using Marten;
using Microsoft.Extensions.Logging;
using Myna.Domain.Authorization;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Insurance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Grains.EventSourcing;
using Orleans.Concurrency;

namespace Myna.Grains.Persons;

/// <summary>
/// Bulk registration for municipalities (issue: the national peak). A chunk of new persons is decided by the
/// person aggregate's own pure rules (<see cref="PersonDecider.RegisterWithNumber"/>) and written in bulk:
/// <list type="bullet">
/// <item>their numbers reserved in one transaction;</item>
/// <item>their personal-data keys created in batched table writes;</item>
/// <item>their streams started, with the match-index rows, in one Marten session.</item>
/// </list>
/// Each stream is started at version 0 with the line's own command id, fingerprint and hash chain, exactly as
/// the person grain writes a <see cref="RegisterPersonWithNumber"/>: the grain that later activates on it
/// finds its receipt. When a chunk cannot be started whole (a line retried, so its stream exists), each of its
/// lines goes through its person grain instead, which answers a retry from its receipt and decides the rest.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class BulkRegistrationGrain(IDocumentStore documents, INumberRegistry numbers, TimeProvider clock, ILogger<BulkRegistrationGrain> logger)
    : Grain, IBulkRegistrationGrain
{
    public const int ChunkSize = 500;

    /// <summary>Chunks of one batch written at once (two batches in flight then keep four transactions going).</summary>
    private const int ChunksInFlight = 2;

    private readonly MartenEventStreamStore _streams = new(documents);

    public async Task<Result<IReadOnlyList<BulkRegistrationOutcome>>> Register(CommandContext context, MunicipalityCode municipality, IReadOnlyList<BulkRegistrationLine> lines)
    {
        // A clerk registers into their own municipality only (invariant 16), the whole batch or nothing.
        if (Access.ManagingMunicipality(context, municipality) is { } refused)
        {
            return refused;
        }
        if (lines.Count is 0 or > IBulkRegistrationGrain.MaxLines || lines.Select(l => l.CommandId).Distinct().Count() != lines.Count)
        {
            return DomainError.Validation("registration.invalid-batch", $"1 to {IBulkRegistrationGrain.MaxLines} lines, each with its own id.");
        }
        // Every line of the batch must be a valid registration before anything is reserved or written.
        var now = clock.GetUtcNow();
        var invalid = lines.Select(l => PersonDecider.Register(PersonState.Initial, PersonOf(l.CommandId), new RegisterPerson(l.Items, municipality, l.Reason), now, context.Actor).Error).ToList();
        if (invalid.Any(e => e is not null))
        {
            return Result<IReadOnlyList<BulkRegistrationOutcome>>.Ok(invalid.Select((e, i) => new BulkRegistrationOutcome(PersonOf(lines[i].CommandId), false,
                e ?? DomainError.Validation(IBulkRegistrationGrain.BatchRefused, "Another line of this batch is invalid; nothing was written."))).ToList());
        }
        // Chunks overlap (up to ChunksInFlight transactions at once), so one chunk's commit waits beside another's
        // work rather than before it; the outcomes keep the lines' order.
        var chunks = lines.Chunk(ChunkSize).ToArray();
        var results = new IReadOnlyList<BulkRegistrationOutcome>[chunks.Length];
        using var slots = new SemaphoreSlim(ChunksInFlight);
        await Task.WhenAll(chunks.Select(async (chunk, i) =>
        {
            await slots.WaitAsync();
            try
            {
                results[i] = await RegisterChunkAsync(context, municipality, chunk, now);
            }
            finally
            {
                slots.Release();
            }
        }));
        return Result<IReadOnlyList<BulkRegistrationOutcome>>.Ok(results.SelectMany(r => r).ToList());
    }

    private async Task<IReadOnlyList<BulkRegistrationOutcome>> RegisterChunkAsync(CommandContext context, MunicipalityCode municipality, BulkRegistrationLine[] chunk, DateTimeOffset now)
    {
        var persons = chunk.Select(l => PersonOf(l.CommandId)).ToList();
        var commands = chunk.Select(l => new RegisterPersonWithNumber(l.Items, municipality, l.Reason)).ToList();

        // The persons' keys are written while their numbers are reserved: two stores, neither waiting on the other.
        var keys = _streams.PrepareKeysAsync(persons.Select(p => p.Value));
        var reservation = numbers.ReserveManyAsync(persons, generation: 0);
        await Task.WhenAll(keys, reservation);
        var reserved = await reservation;
        var streams = new List<MartenEventStreamStore.NewStream>(chunk.Length);
        var matches = new List<object>(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            var decision = PersonDecider.RegisterWithNumber(PersonState.Initial, persons[i], commands[i], reserved[i], now, context.Actor);
            var fingerprint = EventSourcedGrain<PersonState, IPersonEvent>.Fingerprint(commands[i]);
            streams.Add(new MartenEventStreamStore.NewStream(StreamRef.For(persons[i]).Key, decision.Events.Cast<object>().ToList(),
                new AppendMetadata(chunk[i].CommandId, context.CorrelationId, context.Channel, fingerprint)));
            matches.Add(MartenPersonMatchIndex.ToRecord(persons[i].Value, commands[i].Items));
        }
        if (await _streams.TryStartStreamsAsync(streams, matches))
        {
            return persons.Select(p => new BulkRegistrationOutcome(p, true, null)).ToList();
        }

        // Some line was registered before (a retried batch): each line through its own person grain.
        logger.LogInformation("A bulk registration chunk of {Count} lines met an existing stream; registering its lines one by one", chunk.Length);
        return await Task.WhenAll(chunk.Select(async (line, i) =>
        {
            var result = await GrainFactory.GetPerson(persons[i]).RegisterWithNumber(context with { CommandId = line.CommandId }, commands[i]);
            return new BulkRegistrationOutcome(persons[i], result.IsSuccess && !result.Replayed, result.Error);
        }));
    }

    /// <summary>The line's person: derived from its command id, as a single registration derives it from its key.</summary>
    public static PersonId PersonOf(Guid lineCommandId) => new(CommandContext.DerivedId(lineCommandId, "person"));
}
