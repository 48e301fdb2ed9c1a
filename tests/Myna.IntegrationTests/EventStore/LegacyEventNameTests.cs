using Marten;
using Myna.Domain.Cards;
using Myna.Domain.EventSourcing;
using Myna.EventStore.Configuration;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Two card events were stored under Marten's default names before they had their own
/// (<see cref="EventCatalogue.Legacy"/>). Streams holding them must still read as the same types.
/// </summary>
public sealed class LegacyEventNameTests
{
    private static readonly Actor System = new("system", "system");

    [Fact]
    public async Task Events_stored_under_the_old_default_names_read_back_as_their_types()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        var card = CardId.New();
        var key = StreamRef.For(card).Key;
        var campaign = Guid.NewGuid();
        object[] written =
        [
            new CardExpiryNoticeSent(card, "card", new DateOnly(2031, 2, 3), DateTimeOffset.UtcNow, System),
            new CardRemediedAfterCampaign(card, campaign, DateTimeOffset.UtcNow, System),
        ];

        // A process of before the fix: the same store, but these two types under the names it wrote then.
        var before = new StoreOptions();
        MartenSetup.Configure(before, TestInfrastructure.EventStoreOptions, TestInfrastructure.NewPersonalDataProtection());
        foreach (var (type, legacyName) in EventCatalogue.Legacy)
        {
            before.Events.MapEventType(type, legacyName);
        }
        using (var old = new DocumentStore(before))
        {
            await new MartenEventStreamStore(old).AppendAsync(key, 0, written, new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "batch", "fp:legacy"));
        }

        using var now = TestInfrastructure.CreateStore();
        var read = await new MartenEventStreamStore(now).ReadAsync(key, 1);

        Assert.Equal(["card_expiry_notice_sent", "card_remedied_after_campaign"], read.Select(e => e.EventTypeName));
        Assert.Equal(written, read.Select(e => e.Data));

        // Anything written from now on goes under the versioned name.
        await new MartenEventStreamStore(now).AppendAsync(key, 2,
            [new CardExpiryNoticeSent(card, "certificate", new DateOnly(2031, 2, 3), DateTimeOffset.UtcNow, System)],
            new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "batch", "fp:now"));
        var latest = (await new MartenEventStreamStore(now).ReadAsync(key, 3)).Single();
        Assert.Equal(EventNames.Of<CardExpiryNoticeSent>(), latest.EventTypeName);
        Assert.Equal("card_expiry_notice_sent_v1", latest.EventTypeName);
    }
}
