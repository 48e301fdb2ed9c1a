using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Myna.Domain.Clinics;
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

    [Fact]
    public void Receipts_are_written_compactly_and_every_fingerprint_reads_back_as_it_was()
    {
        var receipts = new List<CommandReceipt>
        {
            new(Guid.NewGuid(), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + ":RecordEligibilityCheck"),
            new(Guid.NewGuid(), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + ":RecordEligibilityCheck"),
            new(Guid.NewGuid(), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + ":GiveClinicConsent"),
            new(Guid.Empty, string.Empty), // an event written without a command's metadata
            new(Guid.NewGuid(), "bench"),
            new(Guid.NewGuid(), Convert.ToHexString(Guid.NewGuid().ToByteArray()) + ":UpperCaseHex"), // not the hashed form: kept verbatim
            new(Guid.NewGuid(), "0123456789abcdef0123456789abcdef:"), // a colon and no name: verbatim
            new(Guid.NewGuid(), "0123456789abcdef0123456789abcdef:名前"),
        };
        var snapshot = LedgerSnapshot(receipts);

        var json = _serializer.Serialize(snapshot);
        var read = _serializer.Deserialize<Snapshot<LedgerState, ILedgerEvent>>(json);

        Assert.Equal(receipts, read.State.Receipts);
        Assert.Equal(3, read.State.Value.Checks);
        Assert.StartsWith("r1.", JsonNode.Parse(json.ToString())!["State"]!["Receipts"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_receipt_window_is_under_half_of_its_size_as_objects_and_the_older_form_still_reads()
    {
        var receipts = Enumerable.Range(0, StreamState<LedgerState, ILedgerEvent>.ReceiptWindow)
            .Select(_ => new CommandReceipt(Guid.NewGuid(), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + ":RecordEligibilityCheck"))
            .ToList();
        var compact = _serializer.Serialize(LedgerSnapshot(receipts));

        // The form snapshots were written in before: an array of objects.
        var older = JsonNode.Parse(compact.ToString())!;
        older["State"]!["Receipts"] = new JsonArray(receipts
            .Select(r => (JsonNode)new JsonObject { ["CommandId"] = r.CommandId.ToString("D"), ["Fingerprint"] = r.Fingerprint }).ToArray());
        var olderBytes = Encoding.UTF8.GetBytes(older.ToJsonString());
        var read = _serializer.Deserialize<Snapshot<LedgerState, ILedgerEvent>>(new BinaryData(olderBytes));

        Assert.Equal(receipts, read.State.Receipts);
        Assert.True(compact.ToArray().Length * 2 < olderBytes.Length, $"compact {compact.ToArray().Length} bytes, as objects {olderBytes.Length}");
    }

    [Theory]
    [InlineData("\"r1.AQ==\"")] // one name, and no bytes for it
    [InlineData("\"r1.AAH/\"")] // a receipt and no bytes for it
    [InlineData("\"r1.AAAA\"")] // a byte left over
    [InlineData("\"r1./////w8=\"")] // a count out of range
    [InlineData("\"r1.!!\"")] // not base64
    [InlineData("\"r2.AA==\"")] // a form this version does not know
    [InlineData("42")]
    public void Receipts_that_do_not_read_fail_the_snapshot_read_which_the_grain_replays_instead(string receipts)
    {
        var json = $"{{\"SchemaVersion\":2,\"Version\":300,\"State\":{{\"Value\":{{\"Checks\":3}},\"Receipts\":{receipts}}}}}";

        Assert.Throws<JsonException>(() => _serializer.Deserialize<Snapshot<LedgerState, ILedgerEvent>>(new BinaryData(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void A_receipt_that_would_not_read_back_exactly_is_not_written()
    {
        // A lone surrogate cannot be written as UTF-8 unaltered: the snapshot is refused (the grain keeps replaying), never stored changed.
        var receipts = new List<CommandReceipt> { new(Guid.NewGuid(), "0123456789abcdef0123456789abcdef:\ud800") };

        Assert.ThrowsAny<ArgumentException>(() => _serializer.Serialize(LedgerSnapshot(receipts)));
    }

    [Fact]
    public void The_compact_form_is_pinned_snapshots_already_stored_read_and_the_same_receipts_write_the_same_string()
    {
        // Written by the first version of the compact form (a7f5db0); every later version reads and writes it alike.
        const string Stored = "r1.BBZSZWNvcmRFbGlnaWJpbGl0eUNoZWNrAAViZW5jaAblkI3liY0FW62PD8vZn0ahZXCGdyiVDgAAESIzRFVmd4iZqrvM3e7/AAAAAAAAAAAAAAAAAAAAAAABAXlmnnwldN5AlEvgf8H5CucBAhqMCahu+NoRvRoAESREvh4A/+7dzLuqmYh3ZlVEMyIRAAAGJ/0Wr4s7Q4LrjH+tqEfaAAEjRWeJq83vASNFZ4mrze8D";
        var receipts = new List<CommandReceipt>
        {
            new(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "00112233445566778899aabbccddeeff:RecordEligibilityCheck"),
            new(Guid.Empty, ""),
            new(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "bench"),
            new(Guid.Parse("a8098c1a-f86e-11da-bd1a-00112444be1e"), "ffeeddccbbaa99887766554433221100:RecordEligibilityCheck"),
            new(Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da"), "0123456789abcdef0123456789abcdef:名前"),
        };
        var json = $"{{\"SchemaVersion\":2,\"Version\":300,\"State\":{{\"Value\":{{\"Checks\":0}},\"Receipts\":\"{Stored}\"}}}}";

        var read = _serializer.Deserialize<Snapshot<LedgerState, ILedgerEvent>>(new BinaryData(Encoding.UTF8.GetBytes(json)));
        var written = JsonNode.Parse(_serializer.Serialize(LedgerSnapshot(receipts)).ToString())!["State"]!["Receipts"]!.GetValue<string>();

        Assert.Equal(receipts, read.State.Receipts);
        Assert.Equal(Stored, written);
    }

    private static Snapshot<LedgerState, ILedgerEvent> LedgerSnapshot(List<CommandReceipt> receipts) => new()
    {
        SchemaVersion = 2,
        Version = 300,
        State = new StreamState<LedgerState, ILedgerEvent> { Value = LedgerState.Initial with { Checks = 3 }, Receipts = receipts },
    };

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
