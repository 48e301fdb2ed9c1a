using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Myna.Domain.Persons;
using Myna.EventStore.Configuration;
using Myna.EventStore.Certificates;
using Myna.EventStore.Clinics;
using Myna.EventStore.Insurance;
using Myna.EventStore.Maintenance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Cards;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.GrainInterfaces.Persons;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// Level 2: the lookup indexes that are Marten projections, against real PostgreSQL. Each is written inline,
/// in the transaction of the append (on the direct and the group-commit path alike), and rebuilt from the events
/// after its rows are lost, without ever emptying the index under its readers.
/// </summary>
public sealed class IndexProjectionTests : IAsyncLifetime
{
    private static readonly Actor Clerk = new("clerk-1", "municipality");
    private readonly DocumentStore _store;
    private readonly MartenEventStreamStore _direct;
    private readonly BatchingEventStreamStore _batched;
    private readonly MartenIndexRebuilder _rebuilder;
    private readonly MartenNumberRegistry _numbers;

    /// <summary>The direct and the group-commit writer, and the rebuilder the API's jobs use, over one store.</summary>
    public IndexProjectionTests()
    {
        _store = TestInfrastructure.CreateStore();
        (_direct, _batched) = (new MartenEventStreamStore(_store), new BatchingEventStreamStore(_store, NullLogger<BatchingEventStreamStore>.Instance));
        _numbers = new MartenNumberRegistry(_store, Options.Create(TestInfrastructure.EventStoreOptions), TimeProvider.System, TestInfrastructure.Journal());
        _rebuilder = new MartenIndexRebuilder(_store, new MartenPersonMatchIndex(_store), _numbers);
    }

    public Task InitializeAsync() => TestInfrastructure.EnsureSchemaAsync();

    public async Task DisposeAsync()
    {
        await _batched.DisposeAsync();
        _store.Dispose();
    }

    private static AppendMetadata Metadata() => new(Guid.NewGuid(), Guid.NewGuid(), "counter", "fp");

    private static CertificateIssued Issued(CardId card) =>
        new(card, CertificateKind.UserAuthentication, "S-" + Guid.NewGuid().ToString("N"), "pk", new DateOnly(2031, 1, 1), DateTimeOffset.UtcNow, Clerk);

    private async Task<T?> LoadAsync<T>(string id)
        where T : notnull
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<T>(id);
    }

    private async Task<T?> LoadAsync<T>(Guid id)
        where T : notnull
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<T>(id);
    }

    private async Task WriteAsync(Action<IDocumentSession> change)
    {
        await using var session = _store.LightweightSession();
        change(session);
        await session.SaveChangesAsync();
    }

    /// <summary>Makes a row look written an hour ago (damage from long before, not a live append).</summary>
    private async Task BackdateAsync<T>(string id)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        var table = ((IDocumentStore)_store).Options.FindOrResolveDocumentType(typeof(T)).TableName.QualifiedName;
        await using var backdate = new Npgsql.NpgsqlCommand($"update {table} set mt_last_modified = now() - interval '1 hour' where id = @id", connection);
        backdate.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await backdate.ExecuteNonQueryAsync());
    }

    /// <summary>Rebuilds through the rebuilder the API's jobs use; returns its rows and the last progress it reported.</summary>
    private async Task<(int Rows, RebuildProgress Last)> RebuildAsync(RebuildableIndex index)
    {
        var reports = new ConcurrentQueue<RebuildProgress>();
        var rows = await _rebuilder.RebuildAsync(index, new Collect(reports));
        Assert.All(reports, r => Assert.True(r.Processed <= r.Total, $"{r.Processed} of {r.Total}"));
        return (rows, reports.Last());
    }

    private sealed class Collect(ConcurrentQueue<RebuildProgress> reports) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => reports.Enqueue(value);
    }

    [Fact]
    public async Task A_certificate_is_in_the_index_when_its_append_returns_on_both_write_paths()
    {
        var direct = new CardId(Guid.NewGuid());
        var directIssued = Issued(direct);
        var batched = Enumerable.Range(0, 100).Select(_ => new CardId(Guid.NewGuid())).ToDictionary(c => c, Issued);

        await _direct.AppendAsync(StreamRef.For(direct).Key, 0, [directIssued], Metadata());
        // Appended at once: the group-commit writer shares transactions among them.
        await Task.WhenAll(batched.Select(b => _batched.AppendAsync(StreamRef.For(b.Key).Key, 0, [b.Value], Metadata())));

        Assert.Equal(direct.Value, (await LoadAsync<CertificateRecord>(directIssued.Serial))?.CardId);
        foreach (var (card, issued) in batched)
        {
            Assert.Equal(card.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
        }
        Assert.True(_batched.Counters.Transactions < 100, "the batched appends were not batched");
    }

    [Fact]
    public async Task A_consent_finds_its_patient_by_check_id_once_its_shared_ledger_commit_returns_and_a_refused_one_writes_nothing()
    {
        var insurer = new InsurerNumber("0613999" + InsurerNumber.ComputeCheckDigit("0613999"));
        RecordEligibilityCheck Check(Guid checkId) => new(checkId, new CardId(Guid.NewGuid()), "1310000001", "desk-1", VerificationMethod.Pin,
            null, true, null, insurer, [ClinicConsentScope.MedicationHistory]);
        var patients = Enumerable.Range(0, 60).Select(_ => (Person: PersonId.New(), CheckId: Guid.NewGuid())).ToList();
        var directory = new MartenClinicConsentDirectory(_store);

        // Appended at once: the checks of many patients share the ledger's commits, and each consent's row rides in its own.
        await Task.WhenAll(patients.Select(p => _batched.AppendAsync(StreamRef.LedgerOf(p.Person).Key, 0,
            EligibilityRules.Record(p.Person, Check(p.CheckId), DateTimeOffset.UtcNow, Clerk).Events.Cast<object>().ToList(), Metadata())));

        foreach (var (person, checkId) in patients)
        {
            Assert.Equal(person, await directory.FindAsync(checkId));
        }
        Assert.True(_batched.Counters.Transactions < patients.Count, "the ledger appends were not batched");

        // A stale append (the ledger moved on) is refused whole: its consent leads nowhere.
        var (first, _) = patients[0];
        var refused = Guid.NewGuid();
        await Assert.ThrowsAsync<StreamConflictException>(() => _batched.AppendAsync(StreamRef.LedgerOf(first).Key, 0,
            EligibilityRules.Record(first, Check(refused), DateTimeOffset.UtcNow, Clerk).Events.Cast<object>().ToList(), Metadata()));
        Assert.Null(await directory.FindAsync(refused));
    }

    /// <summary>The events each progress report added: one entry per page the rebuild read.</summary>
    private static async Task<List<long>> PagesOfRebuildAsync(MartenIndexRebuilder rebuilder, RebuildableIndex index)
    {
        var reports = new ConcurrentQueue<RebuildProgress>();
        await rebuilder.RebuildAsync(index, new Collect(reports));
        var processed = reports.Select(r => r.Processed).ToList();
        return processed.Zip(processed.Skip(1), (before, after) => after - before).Where(added => added > 0).ToList();
    }

    [Fact]
    public async Task A_paced_rebuild_reads_short_pages_while_reception_desks_are_busy_and_long_ones_while_they_are_quiet()
    {
        // More certificate events than two short pages hold, whatever else the database has.
        await Task.WhenAll(Enumerable.Range(0, 450).Select(_ =>
        {
            var card = new CardId(Guid.NewGuid());
            return _batched.AppendAsync(StreamRef.For(card).Key, 0, [Issued(card)], Metadata());
        }));
        // A share of 1.0 never rests, so only the page size tells a busy foreground from a quiet one.
        var budget = new BackgroundBudget(Options.Create(new BackgroundOptions { ShareWhileBusy = 1.0, QuietMilliseconds = 60_000 }), TimeProvider.System);
        var rebuilder = new MartenIndexRebuilder(_store, new MartenPersonMatchIndex(_store), _numbers, budget);

        var quiet = await PagesOfRebuildAsync(rebuilder, RebuildableIndex.Certificates);
        budget.ForegroundActive();
        var busy = await PagesOfRebuildAsync(rebuilder, RebuildableIndex.Certificates);

        Assert.True(quiet[0] > 200, $"quiet pages: {string.Join(", ", quiet)}");
        // The last entry may be the locked top-up of events appended by others meanwhile, which is not paced.
        Assert.All(busy.SkipLast(1), added => Assert.True(added <= 200, $"busy pages: {string.Join(", ", busy)}"));
        Assert.True(busy.Count(added => added == 200) >= 2, $"busy pages: {string.Join(", ", busy)}");
        Assert.True(busy.Count > quiet.Count, $"busy pages: {string.Join(", ", busy)}; quiet pages: {string.Join(", ", quiet)}");
    }

    [Fact]
    public async Task A_lost_certificate_row_is_rebuilt_and_an_old_row_no_event_made_is_dropped()
    {
        var card = new CardId(Guid.NewGuid());
        var issued = Issued(card);
        await _direct.AppendAsync(StreamRef.For(card).Key, 0, [issued], Metadata());
        var stray = "S-stray-" + Guid.NewGuid().ToString("N");
        await WriteAsync(s =>
        {
            s.Delete<CertificateRecord>(issued.Serial);
            s.Store(new CertificateRecord { Id = stray, CardId = Guid.NewGuid() });
        });
        await BackdateAsync<CertificateRecord>(stray);
        Assert.Null(await LoadAsync<CertificateRecord>(issued.Serial));

        var (rows, last) = await RebuildAsync(RebuildableIndex.Certificates);

        Assert.Equal(card.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
        Assert.Null(await LoadAsync<CertificateRecord>(stray));
        Assert.True(rows >= 1);
        Assert.True(last.Total >= 1);
        Assert.Equal(last.Total, last.Processed);
    }

    private static readonly InsurerNumber Insurer = new("01130012");

    /// <summary>A registered person, enrolled by the insurer, with a confirmation document for the qualification.</summary>
    private async Task<(PersonId Person, Guid Qualification, string Document, string Name)> EnrolledAsync()
    {
        var person = PersonId.New();
        var name = "索引 花子" + Guid.NewGuid().ToString("N")[..6];
        var qualification = Guid.NewGuid();
        var document = "CD-" + Guid.NewGuid().ToString("N")[..12];
        var now = DateTimeOffset.UtcNow;
        await _direct.AppendAsync(StreamRef.For(person).Key, 0,
        [
            new PersonRegistered(person, new BasicFourItems(name, "東京都千代田区1-1", new DateOnly(1985, 2, 3), Sex.Female),
                new MunicipalityCode("131016"), RegistrationReason.Birth, now, Clerk),
            new InsuranceQualificationAcquired(person, qualification, Insurer, new InsuredId("1", "2", "00"), new DateOnly(2026, 4, 1), null,
                CeilingCategory.UnderSeventyC, LinkBasis.BasicFourItems, now, Clerk),
            new ConfirmationDocumentIssued(person, document, qualification, Insurer, new DateOnly(2026, 4, 1), new DateOnly(2031, 3, 31),
                ConfirmationDocumentReason.NoRegisteredCard, now, Clerk),
        ], Metadata());
        return (person, qualification, document, name);
    }

    [Fact]
    public async Task A_qualification_and_its_confirmation_document_are_in_the_directory_when_the_append_returns()
    {
        var (person, qualification, document, _) = await EnrolledAsync();

        var row = await LoadAsync<QualificationRecord>(qualification);
        Assert.Equal(person.Value, row?.PersonId);
        Assert.Equal(Insurer.Value, row?.Insurer);
        Assert.Equal(person.Value, (await LoadAsync<ConfirmationDocumentRecord>(document))?.PersonId);
        var directory = new MartenQualificationDirectory(_store);
        Assert.Equal(person, await directory.FindAsync(qualification, Insurer.Value));
        Assert.Null(await directory.FindAsync(qualification, "01130020"));
        Assert.Equal(person, await directory.FindDocumentAsync(document));
    }

    [Fact]
    public async Task Lost_qualification_and_document_rows_are_rebuilt()
    {
        var (person, qualification, document, _) = await EnrolledAsync();
        await WriteAsync(s =>
        {
            s.Delete<QualificationRecord>(qualification);
            s.Delete<ConfirmationDocumentRecord>(document);
        });

        var (qualifications, lastQualification) = await RebuildAsync(RebuildableIndex.Qualifications);
        var (documents, lastDocument) = await RebuildAsync(RebuildableIndex.ConfirmationDocuments);

        Assert.Equal(person.Value, (await LoadAsync<QualificationRecord>(qualification))?.PersonId);
        Assert.Equal(person.Value, (await LoadAsync<ConfirmationDocumentRecord>(document))?.PersonId);
        Assert.True(qualifications >= 1 && documents >= 1);
        Assert.Equal(lastQualification.Total, lastQualification.Processed);
        Assert.Equal(lastDocument.Total, lastDocument.Processed);
    }

    /// <summary>
    /// The rows hold ids and the insurer's number, no personal value: an erased person's rows are rebuilt as they
    /// were (their grain answers for them), and the rebuild reads past events whose personal values are shredded.
    /// </summary>
    [Fact]
    public async Task An_erased_persons_events_rebuild_to_rows_without_personal_values()
    {
        var (person, qualification, document, name) = await EnrolledAsync();
        await _direct.AppendAsync(StreamRef.For(person).Key, 3,
            [new PersonalDataErased(person, "test", DateTimeOffset.UtcNow, Clerk)], Metadata());
        await _store.PersonalData().Ring.DestroyAsync(person.Value);
        await WriteAsync(s =>
        {
            s.Delete<QualificationRecord>(qualification);
            s.Delete<ConfirmationDocumentRecord>(document);
        });

        await RebuildAsync(RebuildableIndex.Qualifications);
        await RebuildAsync(RebuildableIndex.ConfirmationDocuments);

        var rows = new object?[] { await LoadAsync<QualificationRecord>(qualification), await LoadAsync<ConfirmationDocumentRecord>(document) };
        Assert.All(rows, Assert.NotNull);
        Assert.All(rows, r => Assert.DoesNotContain(name, System.Text.Json.JsonSerializer.Serialize(r), StringComparison.Ordinal));
        Assert.Empty(await PersonalDataScanner.ScanAsync([name]));
    }

    private static string InstitutionCode() => "99" + Random.Shared.NextInt64(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    private static InstitutionRegistered Registered(string code, bool acceptsCard) =>
        new(code, "索引クリニック", InstitutionKind.Clinic, "東京都", acceptsCard, DateTimeOffset.UtcNow, Clerk);

    private static CardAcceptanceChanged Acceptance(string code, bool acceptsCard) => new(code, acceptsCard, DateTimeOffset.UtcNow, Clerk);

    private static TerminalRegistered Terminal(string code) => new(code, "desk-1", "pk", DateTimeOffset.UtcNow, Clerk);

    [Fact]
    public async Task An_institutions_listing_follows_its_changes_as_each_append_returns()
    {
        var code = InstitutionCode();
        var stream = StreamRef.ForInstitution(code).Key;
        var together = InstitutionCode();

        await _direct.AppendAsync(stream, 0, [Registered(code, acceptsCard: false)], Metadata());
        var registered = await LoadAsync<InstitutionListing>(code);
        await _direct.AppendAsync(stream, 1, [Acceptance(code, acceptsCard: true), Terminal(code)], Metadata());
        var changed = await LoadAsync<InstitutionListing>(code);
        // Registered and changed in one append: folded in order within the transaction.
        await _batched.AppendAsync(StreamRef.ForInstitution(together).Key, 0, [Registered(together, acceptsCard: true), Acceptance(together, acceptsCard: false)], Metadata());

        Assert.False(registered?.AcceptsCard);
        Assert.Equal(("索引クリニック", InstitutionKind.Clinic, "東京都"), (registered?.Name, registered?.Kind, registered?.Prefecture));
        Assert.True(changed?.AcceptsCard);
        Assert.Equal("索引クリニック", changed?.Name);
        Assert.False((await LoadAsync<InstitutionListing>(together))?.AcceptsCard);
        var listed = await new MartenInstitutionDirectory(_store).AcceptingCardAsync("東京都", code[..^1], 500);
        Assert.Contains(listed, l => l.Id == code);
    }

    [Fact]
    public async Task A_lost_institution_listing_is_rebuilt_with_its_latest_acceptance()
    {
        var code = InstitutionCode();
        var stream = StreamRef.ForInstitution(code).Key;
        await _direct.AppendAsync(stream, 0, [Registered(code, acceptsCard: true)], Metadata());
        await _direct.AppendAsync(stream, 1, [Acceptance(code, acceptsCard: false)], Metadata());
        await _direct.AppendAsync(stream, 2, [Acceptance(code, acceptsCard: true)], Metadata());
        var live = await LoadAsync<InstitutionListing>(code);
        await WriteAsync(s => s.Delete<InstitutionListing>(code));

        var (rows, last) = await RebuildAsync(RebuildableIndex.Institutions);

        var rebuilt = await LoadAsync<InstitutionListing>(code);
        Assert.NotNull(rebuilt);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(live), System.Text.Json.JsonSerializer.Serialize(rebuilt));
        Assert.True(rebuilt.AcceptsCard);
        Assert.True(rows >= 1);
        Assert.Equal(last.Total, last.Processed);
    }

    [Fact]
    public async Task Two_rebuilds_of_one_projection_asked_at_once_both_complete_with_the_rows()
    {
        var card = new CardId(Guid.NewGuid());
        var issued = Issued(card);
        await _direct.AppendAsync(StreamRef.For(card).Key, 0, [issued], Metadata());

        var rows = await Task.WhenAll(
            _rebuilder.RebuildAsync(RebuildableIndex.Certificates),
            _rebuilder.RebuildAsync(RebuildableIndex.Certificates));

        Assert.All(rows, r => Assert.True(r >= 1));
        Assert.Equal(card.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
    }

    /// <summary>
    /// A PIN check looks its certificate up while an operator rebuilds the index: the rebuild never empties the
    /// table (it replaces only the rows that differ, in one transaction), so every lookup finds the serial.
    /// </summary>
    [Fact]
    public async Task A_lookup_during_a_rebuild_always_finds_its_certificate()
    {
        var card = new CardId(Guid.NewGuid());
        var issued = Issued(card);
        await _direct.AppendAsync(StreamRef.For(card).Key, 0, [issued], Metadata());
        var index = new MartenCertificateIndex(_store);
        var misses = 0;
        var lookups = 0;

        var rebuild = _rebuilder.RebuildAsync(RebuildableIndex.Certificates);
        do
        {
            // A fresh index each time: nothing remembered in memory, every lookup reads the table.
            misses += await new MartenCertificateIndex(_store).FindAsync(issued.Serial) is null ? 1 : 0;
            lookups++;
        }
        while (!rebuild.IsCompleted);
        await rebuild;

        Assert.True(lookups > 0);
        Assert.Equal(0, misses);
        Assert.Equal(card, await index.FindAsync(issued.Serial));
    }

    /// <summary>
    /// The rebuild stages the projection's rows page by page instead of holding them in memory; where two events
    /// make the same row, the row of the later event is the one the index keeps, as the inline projection keeps it.
    /// </summary>
    [Fact]
    public async Task Where_two_events_make_one_row_the_rebuild_keeps_the_later_ones()
    {
        var (first, second) = (new CardId(Guid.NewGuid()), new CardId(Guid.NewGuid()));
        var issued = Issued(first);
        await _direct.AppendAsync(StreamRef.For(first).Key, 0, [issued], Metadata());
        await _direct.AppendAsync(StreamRef.For(second).Key, 0, [issued with { CardId = second }], Metadata());
        Assert.Equal(second.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
        await WriteAsync(s => s.Store(new CertificateRecord { Id = issued.Serial, CardId = first.Value }));
        await BackdateAsync<CertificateRecord>(issued.Serial);

        await RebuildAsync(RebuildableIndex.Certificates);

        Assert.Equal(second.Value, (await LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
    }

    /// <summary>
    /// A row written within seconds before a rebuild started may belong to an append still committing (its event
    /// not yet visible to the scan): it is kept. A row that no event made and that is older than that is dropped.
    /// </summary>
    [Fact]
    public async Task A_rebuild_keeps_a_row_written_just_before_it_and_drops_an_old_stray_one()
    {
        var fresh = new CertificateRecord { Id = "S-fresh-" + Guid.NewGuid().ToString("N"), CardId = Guid.NewGuid() };
        var old = new CertificateRecord { Id = "S-old-" + Guid.NewGuid().ToString("N"), CardId = Guid.NewGuid() };
        await WriteAsync(s => s.Store(fresh, old));
        await BackdateAsync<CertificateRecord>(old.Id);

        await RebuildAsync(RebuildableIndex.Certificates);

        Assert.Equal(fresh.CardId, (await LoadAsync<CertificateRecord>(fresh.Id))?.CardId);
        Assert.Null(await LoadAsync<CertificateRecord>(old.Id));
    }

    /// <summary>The projections' documents are part of what the migration step applies: nothing is created at run time.</summary>
    [Fact]
    public async Task The_migration_step_creates_the_projections_documents_and_appends_then_project_into_them()
    {
        using var store = TestInfrastructure.CreateStoreInOwnSchema("projections_");
        Assert.Equal(JasperFx.AutoCreate.None, store.Options.AutoCreateSchemaObjects);
        await using var schema = Npgsql.NpgsqlDataSource.Create(TestInfrastructure.Postgres);
        try
        {
            await SchemaMigration.ApplyAsync(store);
            await SchemaMigration.VerifyAsync(store);
            var card = new CardId(Guid.NewGuid());
            var issued = Issued(card);
            var code = InstitutionCode();
            var streams = new MartenEventStreamStore(store);

            await streams.AppendAsync(StreamRef.For(card).Key, 0, [issued], Metadata());
            await streams.AppendAsync(StreamRef.ForInstitution(code).Key, 0, [Registered(code, acceptsCard: true)], Metadata());

            await using var query = store.QuerySession();
            Assert.Equal(card.Value, (await query.LoadAsync<CertificateRecord>(issued.Serial))?.CardId);
            Assert.True((await query.LoadAsync<InstitutionListing>(code))?.AcceptsCard);
            await SchemaMigration.VerifyAsync(store);
        }
        finally
        {
            await schema.CreateCommand($"drop schema if exists {store.Options.DatabaseSchemaName} cascade").ExecuteNonQueryAsync();
        }
    }
}
