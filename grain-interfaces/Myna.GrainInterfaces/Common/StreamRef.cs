namespace Myna.GrainInterfaces.Common;

/// <summary>The aggregate kinds that own an event stream. The name is part of every stored stream key.</summary>
public enum StreamKind
{
    Person,
    Card,
    Insurer,
    Campaign,
    Institution,
    /// <summary>A person's access ledger for reads by clinics: "ledger-{person id}".</summary>
    Ledger,
    /// <summary>A resident's portal: sessions, places, app consents, proxies: "portal-{person id}".</summary>
    Portal,
    /// <summary>A registered third-party app: "app-{app id}".</summary>
    App,
    /// <summary>A convenience-store kiosk: "kiosk-{id}".</summary>
    Kiosk,
    /// <summary>A person's medical information fed by claims processing: "medical-{person id}".</summary>
    Medical,
    /// <summary>A declared disaster: "disaster-{id}".</summary>
    Disaster,
    /// <summary>One online procedure submission: "procedure-{id}".</summary>
    Procedure,
    /// <summary>One bulk registration job's progress (never the lines' personal data): "bulkregistrationjob-{id}".</summary>
    BulkRegistrationJob,
}

/// <summary>One event stream, one grain: the key is "{kind}-{id}", e.g. "person-0193…".</summary>
[GenerateSerializer, Immutable, Alias("myna.stream-ref")]
public readonly record struct StreamRef([property: Id(0)] StreamKind Kind, [property: Id(1)] string Id)
{
    public string Key => $"{Kind.ToString().ToLowerInvariant()}-{Id}";

    public static StreamRef For(PersonId id) => new(StreamKind.Person, id.ToString());

    public static StreamRef For(CardId id) => new(StreamKind.Card, id.ToString());

    public static StreamRef ForCampaign(Guid id) => new(StreamKind.Campaign, id.ToString("D"));

    public static StreamRef ForInsurer(string insurerNumber) => new(StreamKind.Insurer, insurerNumber);

    public static StreamRef ForInstitution(string code) => new(StreamKind.Institution, code);

    public static StreamRef LedgerOf(PersonId id) => new(StreamKind.Ledger, id.ToString());

    public static StreamRef PortalOf(PersonId id) => new(StreamKind.Portal, id.ToString());

    public static StreamRef ForApp(string appId) => new(StreamKind.App, appId);
    public static StreamRef ForKiosk(string id) => new(StreamKind.Kiosk, id);

    public static StreamRef MedicalOf(PersonId id) => new(StreamKind.Medical, id.ToString());

    public static StreamRef ForDisaster(Guid id) => new(StreamKind.Disaster, id.ToString("D"));

    public static StreamRef ForProcedure(Guid id) => new(StreamKind.Procedure, id.ToString("D"));

    public static StreamRef ForBulkRegistrationJob(Guid id) => new(StreamKind.BulkRegistrationJob, id.ToString("D"));

    public override string ToString() => Key;
}

/// <summary>What an operator may ask any event-sourced grain: how big its history is and how it activated.</summary>
[GenerateSerializer, Immutable, Alias("myna.stream-info")]
public sealed record StreamInfo(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] long Version,
    [property: Id(2)] long? ActivatedFromSnapshotVersion,
    [property: Id(3)] int EventsReplayedOnActivation,
    [property: Id(4)] string? SnapshotFallbackReason);

public interface IEventSourcedGrain : IGrain
{
    [Alias("GetStreamInfo")]
    Task<StreamInfo> GetStreamInfo();
}
