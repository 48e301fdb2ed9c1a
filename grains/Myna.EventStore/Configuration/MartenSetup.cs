using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Myna.EventStore.Agencies;
using Myna.EventStore.Cards;
using Myna.EventStore.Certificates;
using Myna.EventStore.Clinics;
using Myna.EventStore.Devices;
using Myna.EventStore.Insurance;
using Myna.EventStore.Numbers;
using Myna.EventStore.Privacy;
using Weasel.Core;
using Myna.EventStore.Disasters;
using Myna.EventStore.Kiosks;
using Myna.EventStore.Procedures;

namespace Myna.EventStore.Configuration;

public static class MartenSetup
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, PersonalDataProtection> Protections = new();

    /// <summary>The personal data protection this store's serializer was configured with (its key ring).</summary>
    public static PersonalDataProtection PersonalData(this IDocumentStore store) =>
        Protections.TryGetValue(store.Options, out var protection)
            ? protection
            : throw new InvalidOperationException("This document store was not configured by MartenSetup.Configure.");

    /// <summary>The one Marten configuration: used by the silo, the tests and the tools alike.</summary>
    public static void Configure(StoreOptions opts, EventStoreOptions options, PersonalDataProtection protection)
    {
        Protections.AddOrUpdate(opts, protection);
        opts.Connection(options.ConnectionString);
        opts.DatabaseSchemaName = options.Schema;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, configure: json =>
        {
            json.Converters.Add(new JsonStringEnumConverter());
            // Personal data inside person events is encrypted per person (crypto-shredding).
            json.TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(protection.Modify);
        });
        // Outside Development nothing changes the schema at run time: the migration step applies it.
        opts.AutoCreateSchemaObjects = options.UpdateSchemaOnStart ? AutoCreate.CreateOrUpdate : AutoCreate.None;

        // One stream per grain, keyed "{kind}-{id}".
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        // Quick mode: one call of Marten's append function per stream, which checks the expected version in the
        // database (a stale writer is refused with a concurrency error, before any sequence number is taken). Rich
        // mode read every stream's version and the sequence numbers in a round trip of their own before the write.
        opts.Events.AppendMode = EventAppendMode.Quick;
        opts.Events.MetadataConfig.EnableAll();
        // An index on (type, seq_id): rebuilds and their top-ups read the few event types an index is folded from
        // without walking every ledger entry in between (F7: a rebuild's scans were whole-table reads beside the checks).
        opts.Events.EnableEventTypeIndex = true;

        foreach (var (type, name) in EventCatalogue.All)
        {
            opts.Events.MapEventType(type, name);
        }
        foreach (var (type, legacyName) in EventCatalogue.Legacy)
        {
            // Same shape, older name: read with the ordinary deserializer (Marten's documented upcast by name).
            opts.Events.Upcast(type, legacyName, new Marten.Services.Json.Transformations.JsonTransformation(
                (serializer, reader, index) => serializer.FromJson(type, reader, index)));
        }

        opts.Schema.For<NumberReservation>().Identity(x => x.Id).Index(x => x.PersonId);
        opts.Schema.For<AgencyCodeRecord>().Identity(x => x.Id).Index(x => x.PersonId);
        opts.Schema.For<CertificateRecord>().Identity(x => x.Id);
        // Lookup indexes that are pure functions of events: Marten projections, written in the append's own
        // transaction (inline: read-after-write holds) and rebuilt from their events (MartenIndexRebuilder).
        opts.Projections.Add(new CertificateProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new QualificationProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new ConfirmationDocumentProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new InstitutionListingProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new ClinicConsentProjection(), ProjectionLifecycle.Inline);
        // Not an index: its insert is the eligibility check's single-use guard, in the ledger append's commit.
        opts.Projections.Add(new ConsumedChallengeProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<DeviceRecord>().Identity(x => x.Id);
        opts.Schema.For<ConsumedChallenge>().Identity(x => x.Id).Index(x => x.ExpiresAt);
        opts.Schema.For<PersonMatchRecord>().Identity(x => x.Id).Index(x => x.NameKey).Index(x => x.AddressKey);
        opts.Schema.For<QualificationRecord>().Identity(x => x.Id);
        opts.Schema.For<ConfirmationDocumentRecord>().Identity(x => x.Id);
        opts.Schema.For<InstitutionListing>().Identity(x => x.Id).Index(x => x.Prefecture);
        opts.Schema.For<IssuedDocumentRecord>().Identity(x => x.Id).Index(x => x.PersonId);
        opts.Schema.For<ClinicConsentRecord>().Identity(x => x.Id);
        opts.Schema.For<DisasterRecord>().Identity(x => x.Id);
        opts.Schema.For<ProcedureListing>().Identity(x => x.Id).Index(x => x.Agency).Index(x => x.PersonId);
    }
}
