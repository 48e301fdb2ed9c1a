using Myna.Domain.Cards;
using Myna.Domain.Persons;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;
using Myna.GrainInterfaces.Campaigns;

namespace Myna.IntegrationTests.Grains;

[Collection(GrainClusterCollection.Name)]
public sealed class CardGrainTests(GrainClusterFixture fixture)
{
    private static readonly Actor Clerk = new("clerk-3", "municipality");
    private static readonly MunicipalityCode Chiyoda = new("131016");
    private static readonly System.Security.Cryptography.ECDsa Chip = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    private static readonly string Key = Convert.ToBase64String(Chip.ExportSubjectPublicKeyInfo());

    /// <summary>A clerk of Chiyoda, the municipality that manages the persons these tests register.</summary>
    private static CommandContext Command() => new(Guid.NewGuid(), Guid.NewGuid(), Clerk, "counter") { Scope = new ActorScope(Municipality: Chiyoda.Value) };

    private static CommandContext Operator() => new(Guid.NewGuid(), Guid.NewGuid(), new Actor("ops-1", "operator"), "operator");

    private static CommandContext SecondOperator() => new(Guid.NewGuid(), Guid.NewGuid(), new Actor("ops-2", "operator"), "operator");

    private static CommandContext CallCentre() => new(Guid.NewGuid(), Guid.NewGuid(), new Actor("cc-1", "call-centre"), "phone");

    private static CommandContext Holder(PersonId person) =>
        new(Guid.NewGuid(), Guid.NewGuid(), new Actor("resident-1", "resident"), "portal") { Scope = new ActorScope(PersonId: person.Value) };

    private async Task<PersonId> Person()
    {
        var id = PersonId.New();
        var registered = await fixture.Client.GetPerson(id).Register(Command(),
            new RegisterPerson(new BasicFourItems("高橋 一郎", "東京都千代田区2-2", new DateOnly(1980, 6, 15), Sex.Male), Chiyoda, RegistrationReason.Birth));
        Assert.True(registered.IsSuccess);
        return id;
    }

    private async Task<ICardGrain> ReadyCard(PersonId person, string batch = "BATCH-A")
    {
        var card = fixture.Client.GetCard(CardId.New());
        Assert.True((await card.Apply(Command(), new ApplyForCard(person, ApplicationChannel.Smartphone, false, false, false))).IsSuccess);
        Assert.True((await card.MarkProduced(Operator(), new MarkCardProduced(batch))).IsSuccess);
        Assert.True((await card.MarkReadyForPickup(Command(), new MarkCardReadyForPickup(Chiyoda))).IsSuccess);
        return card;
    }

    /// <summary>A sealed challenge for Chiyoda's counter, as a clerk's terminal gets it.</summary>
    private async Task<byte[]> Challenge(string purpose) =>
        (await fixture.Client.GetChallengeIssuer().Issue(purpose, "counter:" + Chiyoda.Value)).Value!.Payload;

    private static ChipProof Signed(System.Security.Cryptography.ECDsa key, byte[] challenge) =>
        new(challenge, key.SignData(challenge, System.Security.Cryptography.HashAlgorithmName.SHA256));

    /// <summary>A handover whose new keys each sign one key-proof challenge (invariant 19).</summary>
    private async Task<HandOverCard> Handover(System.Security.Cryptography.ECDsa? user = null)
    {
        var challenge = await Challenge("key-proof");
        user ??= Chip;
        return new(null, true, Convert.ToBase64String(user.ExportSubjectPublicKeyInfo()), Key, Signed(user, challenge), Signed(Chip, challenge));
    }

    /// <summary>The card at the counter: its user-authentication key signs a counter-presence challenge.</summary>
    private async Task<ChipProof> Presence() => Signed(Chip, await Challenge("counter-presence"));

    [Fact]
    public async Task A_card_goes_from_application_to_abolition()
    {
        var person = await Person();
        var card = await ReadyCard(person);

        var active = await card.HandOver(Command(), await Handover());
        Assert.Equal(CardStatus.Active, active.Value!.Status);
        Assert.Equal(new DateOnly(1980, 6, 15).Day, active.Value.ExpiresOn!.Value.Day);
        Assert.Equal(2, active.Value.Certificates.Count);

        var suspended = await card.Suspend(new CommandContext(Guid.NewGuid(), Guid.NewGuid(), new Actor("cc-1", "call-centre"), "phone"), new SuspendCard("lost"));
        Assert.All(suspended.Value!.Certificates, c => Assert.Equal("suspended", c.Status));
        var keyProof = Signed(Chip, await Challenge("key-proof"));
        Assert.Equal("card.not-presented", (await card.Resume(Command(), new ResumeCard(Chiyoda, null, Key, keyProof))).Error?.Code);
        Assert.Equal(CardStatus.Active, (await card.Resume(Command(), new ResumeCard(Chiyoda, await Presence(), Key, Signed(Chip, await Challenge("key-proof"))))).Value!.Status);

        var abolished = await card.Abolish(Command(), new AbolishCard(AbolitionReason.Returned));
        Assert.Equal(CardStatus.Abolished, abolished.Value!.Status);
        Assert.Equal("card.abolished", (await card.Suspend(CallCentre(), new SuspendCard("x"))).Error?.Code);
    }

    [Fact]
    public async Task A_new_card_abolishes_the_previous_one()
    {
        var person = await Person();
        var first = await ReadyCard(person);
        Assert.True((await first.HandOver(Command(), await Handover())).IsSuccess);
        var second = await ReadyCard(person);

        Assert.Equal(CardStatus.Active, (await second.HandOver(Command(), await Handover())).Value!.Status);

        var old = (await first.GetCard()).Value!;
        Assert.Equal(CardStatus.Abolished, old.Status);
        Assert.Equal(AbolitionReason.Reissued, old.AbolishedBecause);
    }

    [Fact]
    public async Task Racing_handovers_for_one_person_never_leave_two_active_cards()
    {
        for (var round = 0; round < 5; round++)
        {
            var person = await Person();
            var cards = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ReadyCard(person)));

            var handovers = new List<HandOverCard>();
            foreach (var _ in cards)
            {
                handovers.Add(await Handover());
            }
            var results = await Task.WhenAll(cards.Select((c, i) => c.HandOver(Command(), handovers[i])));

            Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Code));
            var views = await Task.WhenAll(cards.Select(async c => (await c.GetCard()).Value!));
            var active = Assert.Single(views, v => v.Status == CardStatus.Active);
            Assert.All(views.Where(v => v != active), v => Assert.Equal(AbolitionReason.Reissued, v.AbolishedBecause));
        }
    }

    [Fact]
    public async Task A_retried_handover_applies_once()
    {
        var person = await Person();
        var card = await ReadyCard(person);
        var retry = Command();

        var handover = await Handover();
        var first = await card.HandOver(retry, handover);
        var again = await card.HandOver(retry, handover);

        Assert.True(again.Replayed);
        Assert.Equal(first.Value!.Version, again.Value!.Version);
        var cardEvents = await fixture.Store.ReadAsync(StreamRef.For(new CardId(card.GetPrimaryKey())).Key, 1);
        Assert.Single(cardEvents, e => e.Data is CardHandedOver);
        var personEvents = await fixture.Store.ReadAsync(StreamRef.For(person).Key, 1);
        Assert.Single(personEvents, e => e.EventTypeName == "active_card_changed_v1");
    }

    private async Task<(PersonId Person, ICardGrain Card)> PersonWithActiveCard()
    {
        var person = await Person();
        var card = await ReadyCard(person);
        Assert.True((await card.HandOver(Command(), await Handover())).IsSuccess);
        return (person, card);
    }

    [Fact]
    public async Task A_basic_four_change_revokes_the_signature_certificate_and_keeps_the_user_certificate()
    {
        var (person, card) = await PersonWithActiveCard();

        Assert.True((await fixture.Client.GetPerson(person).Rename(Command(), new RenamePerson("高橋 一朗", Chiyoda))).IsSuccess);

        var certificates = (await card.GetCard()).Value!.Certificates;
        Assert.Equal("revoked", certificates.Single(c => c.Kind == CertificateKind.Signature).Status);
        Assert.Equal("good", certificates.Single(c => c.Kind == CertificateKind.UserAuthentication).Status);
        var personEvents = await fixture.Store.ReadAsync(StreamRef.For(person).Key, 1);
        Assert.Single(personEvents, e => e.EventTypeName == "card_reaction_completed_v1");
    }

    [Fact]
    public async Task A_move_starts_the_cards_90_days_and_revokes_the_signature_certificate()
    {
        var (person, card) = await PersonWithActiveCard();

        await fixture.Client.GetPerson(person).RecordMove(Command(), new RecordMove("東京都千代田区9-9", Chiyoda, new DateOnly(2026, 11, 20)));

        var view = (await card.GetCard()).Value!;
        Assert.Equal(new DateOnly(2027, 2, 18), view.AddressUpdateDueBy);
        Assert.Equal("revoked", view.Certificates.Single(c => c.Kind == CertificateKind.Signature).Status);
        var updated = await card.RecordAddressUpdate(Command(), new RecordCardAddressUpdate(Chiyoda, await Presence()));
        Assert.Null(updated.Value!.AddressUpdateDueBy);
    }

    [Fact]
    public async Task Death_abolishes_the_card()
    {
        var (person, card) = await PersonWithActiveCard();

        await fixture.Client.GetPerson(person).CloseRecord(Command(), new CloseResidentRecord(ClosureReason.Death, new DateOnly(2026, 11, 20), Chiyoda));

        var view = (await card.GetCard()).Value!;
        Assert.Equal(CardStatus.Abolished, view.Status);
        Assert.Equal(AbolitionReason.Death, view.AbolishedBecause);
    }

    [Fact]
    public async Task A_reaction_pending_when_the_silo_died_is_carried_out_on_the_next_activation()
    {
        var (person, card) = await PersonWithActiveCard();
        var grain = fixture.Client.GetPerson(person);
        await fixture.Cluster.DeactivateAsync(grain);
        // As if a silo confirmed the rename and died before telling the card: the event is stored, the
        // reaction never ran.
        var key = StreamRef.For(person).Key;
        await fixture.Store.AppendAsync(key, await fixture.Store.GetVersionAsync(key),
            [new PersonRenamed(person, "高橋 壱郎", Chiyoda, DateTimeOffset.UtcNow, Clerk)],
            new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp:crash"));
        Assert.Equal("good", (await card.GetCard()).Value!.Certificates.Single(c => c.Kind == CertificateKind.Signature).Status);

        await grain.GetProfile(); // any call reactivates the person; the reminder would do the same

        var deadline = DateTime.UtcNow.AddSeconds(15);
        string status;
        do
        {
            await Task.Delay(100);
            status = (await card.GetCard()).Value!.Certificates.Single(c => c.Kind == CertificateKind.Signature).Status;
        }
        while (status != "revoked" && DateTime.UtcNow < deadline);
        Assert.Equal("revoked", status);
        var completed = 0;
        for (var i = 0; i < 50 && completed == 0; i++)
        {
            completed = (await fixture.Store.ReadAsync(key, 1)).Count(e => e.EventTypeName == "card_reaction_completed_v1");
            await Task.Delay(100);
        }
        Assert.Equal(1, completed);
    }

    [Fact]
    public async Task A_phone_holds_one_persons_credential_and_it_follows_the_card()
    {
        var (holder, card) = await PersonWithActiveCard();
        var (otherPerson, otherPersonsCard) = await PersonWithActiveCard();
        var device = "phone-" + Guid.NewGuid();

        var linked = await card.LinkSmartphone(Holder(holder), new LinkSmartphone(device));
        var intruder = await otherPersonsCard.LinkSmartphone(Holder(otherPerson), new LinkSmartphone(device));

        Assert.Equal("active", Assert.Single(linked.Value!.LinkedCredentials).Status);
        Assert.Equal("smartphone.linked-to-another-person", intruder.Error?.Code);

        var suspended = await card.Suspend(CallCentre(), new SuspendCard("lost"));
        Assert.Equal("suspended", Assert.Single(suspended.Value!.LinkedCredentials).Status);

        // An id no link could have carried is refused, not answered as a no-op; the credential stays.
        Assert.Equal("smartphone.invalid-device", (await card.UnlinkSmartphone(Holder(holder), new UnlinkSmartphone(new string('a', 201)))).Error?.Code);
        Assert.Equal("smartphone.invalid-device", (await card.UnlinkSmartphone(Holder(holder), new UnlinkSmartphone(" "))).Error?.Code);

        var unlinked = await card.UnlinkSmartphone(Holder(holder), new UnlinkSmartphone(device));
        Assert.Empty(unlinked.Value!.LinkedCredentials);
        Assert.True((await otherPersonsCard.LinkSmartphone(Holder(otherPerson), new LinkSmartphone(device))).IsSuccess);
    }

    [Fact]
    public async Task A_new_card_of_the_same_person_takes_the_phone_over_and_the_old_credential_is_revoked()
    {
        var (person, first) = await PersonWithActiveCard();
        var device = "phone-" + Guid.NewGuid();
        Assert.True((await first.LinkSmartphone(Holder(person), new LinkSmartphone(device))).IsSuccess);

        var second = await ReadyCard(person);
        Assert.True((await second.HandOver(Command(), await Handover())).IsSuccess);
        var moved = await second.LinkSmartphone(Holder(person), new LinkSmartphone(device));

        Assert.True(moved.IsSuccess, moved.Error?.Code);
        Assert.Equal("revoked", Assert.Single((await first.GetCard()).Value!.LinkedCredentials).Status);
    }

    [Fact]
    public async Task A_driving_licence_is_linked_masked_and_unlinked()
    {
        var (_, card) = await PersonWithActiveCard();

        Assert.Equal("card.invalid-licence-number", (await card.LinkDrivingLicence(Command(), new LinkDrivingLicence("12345"))).Error?.Code);
        var linked = await card.LinkDrivingLicence(Command(), new LinkDrivingLicence("301234567890"));
        var credential = Assert.Single(linked.Value!.LinkedCredentials);
        Assert.Equal("********7890", credential.Reference);
        Assert.Empty((await card.UnlinkDrivingLicence(Command(), new UnlinkDrivingLicence())).Value!.LinkedCredentials);
    }

    private async Task<CampaignProgress> UntilCompleted(Guid campaign)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        CampaignProgress progress;
        do
        {
            await Task.Delay(100);
            progress = (await fixture.Client.GetSuspensionCampaign(campaign).GetProgress()).Value!;
        }
        while (!progress.Completed && DateTime.UtcNow < deadline);
        return progress;
    }

    [Fact]
    public async Task A_campaign_suspends_a_chip_batch_except_the_exemptions()
    {
        var batch = "CAMP-" + Guid.NewGuid().ToString("N")[..8];
        var active = new List<ICardGrain>();
        for (var i = 0; i < 3; i++)
        {
            var card = await ReadyCard(await Person(), batch);
            Assert.True((await card.HandOver(Command(), await Handover())).IsSuccess);
            active.Add(card);
        }
        var notHandedOver = await ReadyCard(await Person(), batch);
        var exempt = new CardId(active[2].GetPrimaryKey());
        var campaign = Guid.NewGuid();

        var requested = await fixture.Client.GetSuspensionCampaign(campaign).Start(Operator(),
            new StartSuspensionCampaign(batch, "chip vulnerability CVE-2026-0001", [exempt]));
        Assert.True(requested.Value!.AwaitingApproval);
        // The requester cannot approve: a second operator does (invariant 22).
        Assert.Equal("approval.same-person", (await fixture.Client.GetSuspensionCampaign(campaign).Approve(Operator())).Error?.Code);
        Assert.Equal(CardStatus.Active, (await active[0].GetCard()).Value!.Status);
        var started = await fixture.Client.GetSuspensionCampaign(campaign).Approve(SecondOperator());
        var progress = await UntilCompleted(campaign);

        Assert.Equal(4, started.Value!.Targets);
        Assert.True(progress.Completed);
        Assert.Equal((2, 2), (progress.Suspended, progress.Skipped));
        Assert.Equal(CardStatus.Suspended, (await active[0].GetCard()).Value!.Status);
        Assert.Equal(CardStatus.Suspended, (await active[1].GetCard()).Value!.Status);
        Assert.Equal(CardStatus.Active, (await active[2].GetCard()).Value!.Status);
        Assert.Equal(CardStatus.ReadyForPickup, (await notHandedOver.GetCard()).Value!.Status);
        var history = await fixture.Store.ReadAsync(StreamRef.For(new CardId(active[0].GetPrimaryKey())).Key, 1);
        // The campaign id is data on the campaign's own event, never text in a reason.
        Assert.Contains(history, e => e.Data is CardSuspendedByCampaign s && s.CampaignId == campaign && !s.Reason.Contains(campaign.ToString("D"), StringComparison.Ordinal));
        Assert.DoesNotContain(history, e => e.Data is CardSuspended);
        Assert.True(await fixture.Client.GetSuspensionCampaign(campaign).Covers(new CardId(active[0].GetPrimaryKey())));
        Assert.False(await fixture.Client.GetSuspensionCampaign(campaign).Covers(exempt));
    }

    [Fact]
    public async Task A_campaign_interrupted_after_it_started_resumes_on_activation()
    {
        var batch = "CAMP-" + Guid.NewGuid().ToString("N")[..8];
        var card = await ReadyCard(await Person(), batch);
        Assert.True((await card.HandOver(Command(), await Handover())).IsSuccess);
        var campaign = Guid.NewGuid();
        var operatorActor = new Actor("ops-1", "operator");
        // As if the silo died right after recording the start: targets listed, nothing processed.
        await fixture.Store.AppendAsync(StreamRef.ForCampaign(campaign).Key, 0,
        [
            new Myna.Domain.Campaigns.SuspensionCampaignStarted(campaign, batch, "chip vulnerability", [], DateTimeOffset.UtcNow, operatorActor),
            new Myna.Domain.Campaigns.CampaignTargetsListed(campaign, [new CardId(card.GetPrimaryKey())], DateTimeOffset.UtcNow, operatorActor),
        ], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "campaign", "fp:crash"));

        var progress = await UntilCompleted(campaign);

        Assert.True(progress.Completed);
        Assert.Equal(1, progress.Suspended);
        Assert.Equal(CardStatus.Suspended, (await card.GetCard()).Value!.Status);
    }

    [Fact]
    public async Task A_replayed_command_id_from_another_municipalitys_scope_is_forbidden_and_writes_nothing()
    {
        var (_, card) = await PersonWithActiveCard();
        var original = Command();
        Assert.True((await card.ReportPinLock(original, new ReportPinLock(PinKind.UserAuthenticationPin))).IsSuccess);
        var version = (await card.GetCard()).Value!.Version;

        // The same command id, replayed by a clerk whose municipality does not manage the holder (invariant 20).
        var replay = original with { Scope = new ActorScope(Municipality: "131024") };
        var replayed = await card.ReportPinLock(replay, new ReportPinLock(PinKind.UserAuthenticationPin));
        var abolished = await card.Abolish(replay with { CommandId = Guid.NewGuid() }, new AbolishCard(AbolitionReason.Returned));

        Assert.Equal(ErrorKind.Forbidden, replayed.Error?.Kind);
        Assert.Equal("access.other-municipality", replayed.Error?.Code);
        Assert.False(replayed.Replayed);
        Assert.Equal("access.other-municipality", abolished.Error?.Code);
        Assert.Equal(version, (await card.GetCard()).Value!.Version);
        Assert.True((await card.ReportPinLock(original, new ReportPinLock(PinKind.UserAuthenticationPin))).Replayed);
    }

    [Fact]
    public async Task Reactions_of_the_system_and_reads_follow_who_asks()
    {
        var (person, card) = await PersonWithActiveCard();
        var system = new CommandContext(Guid.NewGuid(), Guid.NewGuid(), new Actor("person-reactions", "system"), "system");

        Assert.True((await card.RevokeSignatureCertificate(system, new RevokeSignatureCertificate("test"))).IsSuccess);
        Assert.Equal("access.role-not-allowed", (await card.RevokeSignatureCertificate(Command(), new RevokeSignatureCertificate("x"))).Error?.Code);
        Assert.Equal("access.role-not-allowed", (await card.MarkProduced(Command(), new MarkCardProduced("B"))).Error?.Code);

        Assert.Equal(person, (await card.Read(Command())).Value!.PersonId);
        Assert.Equal(person, (await card.Read(Holder(person))).Value!.PersonId);
        Assert.Equal(default, (await card.Read(CallCentre())).Value!.PersonId);
        Assert.Equal("card.not-found", (await card.Read(Holder(PersonId.New()))).Error?.Code);
        Assert.Equal("access.other-municipality", (await card.Read(Command() with { Scope = new ActorScope(Municipality: "131024") })).Error?.Code);
    }

    /// <summary>An active card whose user-authentication key is <paramref name="chip"/>, suspended by a legacy campaign event claiming <paramref name="campaign"/>.</summary>
    private async Task<ICardGrain> LegacyCampaignSuspendedCard(System.Security.Cryptography.ECDsa chip, Guid campaign, bool campaignListsTheCard)
    {
        var person = await Person();
        var card = await ReadyCard(person);
        Assert.True((await card.HandOver(Command(), await Handover(chip))).IsSuccess);
        var cardId = new CardId(card.GetPrimaryKey());
        var legacy = new Actor(CardState.LegacyCampaignSubject, "operator");
        var listed = campaignListsTheCard ? cardId : CardId.New();
        // As stored before campaigns had their own event: the id inside the reason, by the campaign's fan-out.
        await fixture.Store.AppendAsync(StreamRef.ForCampaign(campaign).Key, 0,
        [
            new Myna.Domain.Campaigns.SuspensionCampaignStarted(campaign, "LEGACY", "chip vulnerability", [], DateTimeOffset.UtcNow, legacy),
            new Myna.Domain.Campaigns.CampaignTargetsListed(campaign, [listed], DateTimeOffset.UtcNow, legacy),
            new Myna.Domain.Campaigns.CampaignCardsProcessed(campaign, [listed], [], DateTimeOffset.UtcNow, legacy),
            new Myna.Domain.Campaigns.SuspensionCampaignCompleted(campaign, DateTimeOffset.UtcNow, legacy),
        ], new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "campaign", "fp:legacy"));
        await fixture.Cluster.DeactivateAsync(card);
        var key2 = StreamRef.For(cardId).Key;
        await fixture.Store.AppendAsync(key2, await fixture.Store.GetVersionAsync(key2),
            [new CardSuspended(cardId, $"campaign {campaign:D}: chip vulnerability", DateTimeOffset.UtcNow, legacy)],
            new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "campaign", "fp:legacy"));
        Assert.Equal(CardStatus.Suspended, (await card.GetCard()).Value!.Status);
        return card;
    }

    private static RemedyAfterCampaign Remedy(System.Security.Cryptography.ECDsa chip, string oldSerial)
    {
        var challenge = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var signature = chip.SignData(challenge, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var updated = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var key = Convert.ToBase64String(updated.ExportSubjectPublicKeyInfo());
        var proof = updated.SignData(challenge, System.Security.Cryptography.HashAlgorithmName.SHA256);
        return new RemedyAfterCampaign(oldSerial, challenge, signature, key, key, proof, proof);
    }

    private static CommandContext Anonymous() => new(Guid.NewGuid(), Guid.NewGuid(), new Actor("anonymous", "none"), "none");

    [Fact]
    public async Task A_legacy_campaign_suspension_comes_back_remotely_only_when_the_campaigns_own_stream_lists_the_card()
    {
        using var chip = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var listed = await LegacyCampaignSuspendedCard(chip, Guid.NewGuid(), campaignListsTheCard: true);
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var notListed = await LegacyCampaignSuspendedCard(other, Guid.NewGuid(), campaignListsTheCard: false);
        var notListedVersion = (await notListed.GetCard()).Value!.Version;

        var serial = (await listed.GetCard()).Value!.Certificates.First(c => c.Kind == CertificateKind.UserAuthentication).Serial;
        var remedied = await listed.RemedyAfterCampaign(Anonymous(), Remedy(chip, serial));
        var otherSerial = (await notListed.GetCard()).Value!.Certificates.First(c => c.Kind == CertificateKind.UserAuthentication).Serial;
        var refused = await notListed.RemedyAfterCampaign(Anonymous(), Remedy(other, otherSerial));

        Assert.True(remedied.IsSuccess, remedied.Error?.Code);
        Assert.Equal(CardStatus.Active, remedied.Value!.Status);
        Assert.Equal("card.campaign-does-not-cover", refused.Error?.Code);
        Assert.Equal(notListedVersion, (await notListed.GetCard()).Value!.Version);
    }

    [Fact]
    public async Task A_campaign_suspension_needs_the_system_and_only_the_campaign_grain_vouches_for_it()
    {
        var (_, card) = await PersonWithActiveCard();
        var version = (await card.GetCard()).Value!.Version;

        var byClerk = await card.SuspendForCampaign(Command(), new SuspendCardForCampaign(Guid.NewGuid(), "x"));
        var byCallCentre = await card.SuspendForCampaign(CallCentre(), new SuspendCardForCampaign(Guid.NewGuid(), "x"));

        Assert.Equal("access.role-not-allowed", byClerk.Error?.Code);
        Assert.Equal("access.role-not-allowed", byCallCentre.Error?.Code);
        Assert.Equal(version, (await card.GetCard()).Value!.Version);
        // Suspended for a campaign that never existed: the card's word alone brings nothing back.
        var system = new CommandContext(Guid.NewGuid(), Guid.NewGuid(), new Actor("operator-campaign", "system"), "campaign");
        Assert.True((await card.SuspendForCampaign(system, new SuspendCardForCampaign(Guid.NewGuid(), "x"))).IsSuccess);
        var serial = (await card.GetCard()).Value!.Certificates.First(c => c.Kind == CertificateKind.UserAuthentication).Serial;
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        Assert.Equal("card.campaign-does-not-cover", (await card.RemedyAfterCampaign(Anonymous(), Remedy(stranger, serial))).Error?.Code);
    }

    [Fact]
    public async Task A_key_proof_counts_only_for_this_counter_and_only_once()
    {
        var card = await ReadyCard(await Person());
        var version = (await card.GetCard()).Value!.Version;
        var elsewhere = (await fixture.Client.GetChallengeIssuer().Issue("key-proof", "counter:131024")).Value!.Payload;

        var otherCounter = await card.HandOver(Command(), new HandOverCard(null, true, Key, Key, Signed(Chip, elsewhere), Signed(Chip, elsewhere)));
        var handover = await Handover();
        Assert.True((await card.HandOver(Command(), handover)).IsSuccess);
        var again = await card.RenewCertificates(Command(), new RenewCertificates(await Presence(), Key, Key, handover.UserAuthenticationKeyProof, handover.SignatureKeyProof));

        Assert.Equal("auth.challenge-wrong-purpose", otherCounter.Error?.Code);
        Assert.Equal(version + 3, (await card.GetCard()).Value!.Version);
        Assert.Equal("auth.challenge-invalid", again.Error?.Code);
    }

    [Fact]
    public async Task A_card_for_an_unknown_person_is_refused()
    {
        var card = fixture.Client.GetCard(CardId.New());
        var result = await card.Apply(Command(), new ApplyForCard(PersonId.New(), ApplicationChannel.Counter, false, false, false));
        Assert.Equal("person.not-found", result.Error?.Code);
        Assert.Equal("card.not-found", (await card.GetCard()).Error?.Code);
    }
}
