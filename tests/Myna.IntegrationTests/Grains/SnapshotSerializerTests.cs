using System.Text.Json;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.Grains.EventSourcing;

namespace Myna.IntegrationTests.Grains;

/// <summary>Snapshots are JSON owned by the grains layer; one that would not read back as written is never stored.</summary>
public sealed class SnapshotSerializerTests
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private readonly SnapshotSerializer _serializer = new();

    [Fact]
    public void A_card_before_its_municipality_is_known_reads_back_exactly()
    {
        // The municipality is unset until the card is ready for pick-up; it must not come back as an empty code.
        var card = CardId.New();
        var state = AggregateState.Fold(CardState.Initial, new ICardEvent[]
        {
            new CardApplied(card, PersonId.New(), new DateOnly(1990, 4, 1), ApplicationChannel.Counter, false, false, false, 0, new DateOnly(2026, 11, 1), DateTimeOffset.UtcNow, Clerk),
            new CardProduced(card, "BATCH-26-11", DateTimeOffset.UtcNow, Clerk),
        });

        var read = _serializer.Deserialize<CardState>(_serializer.Serialize(state));

        Assert.Null(read.Municipality.Value);
        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(read));
        Assert.Equal(CardStatus.Produced, read.Status);
    }

    [Fact]
    public void A_state_that_would_lose_a_value_is_refused_not_stored()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _serializer.Serialize(new Lossy(5)));
        Assert.Contains("does not read back", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A value only its constructor can set: JSON writes it but cannot read it back.</summary>
    private sealed class Lossy
    {
        public Lossy()
        {
        }

        public Lossy(int value) => Value = value;

        public int Value { get; }
    }
}
