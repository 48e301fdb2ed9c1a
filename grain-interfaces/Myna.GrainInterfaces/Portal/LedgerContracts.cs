using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.GrainInterfaces.Portal;

/// <summary>An agency asked for an item under its code: provided, or refused with the reason (invariant 11).</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-agency-request")]
public sealed record RecordAgencyRequest(
    [property: Id(0)] string Agency,
    [property: Id(1)] DataItem Item,
    [property: Id(2)] string Procedure,
    [property: Id(3)] bool Provided,
    [property: Id(4)] string? Reason);

/// <summary>An app asked for an item: provided under a consent, or refused with the reason.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-app-request")]
public sealed record RecordAppRequest(
    [property: Id(0)] string AppId,
    [property: Id(1)] string AppName,
    [property: Id(2)] AppItem Item,
    [property: Id(3)] Guid? ConsentId,
    [property: Id(4)] bool Provided,
    [property: Id(5)] string? Reason);

/// <summary>A proxy read or acted on the principal's data through the portal.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-proxy-access")]
public sealed record RecordProxyAccess(
    [property: Id(0)] PersonId Proxy,
    [property: Id(1)] string What);

/// <summary>The resident asked the portal to show their full Individual Number.</summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-number-reveal")]
public sealed record RecordNumberReveal([property: Id(0)] Guid? SessionId);

/// <summary>
/// Staff of the system read the person's data (invariant 22): a municipality clerk their record or card, the call
/// centre a card, an auditor the history. The accessor is the command's actor (role, scope, subject).
/// </summary>
[GenerateSerializer, Immutable, Alias("myna.cmd.record-staff-read")]
public sealed record RecordStaffRead(
    [property: Id(0)] string What,
    [property: Id(1)] string Purpose);

/// <summary>Newest first; <see cref="Before"/> is the version of the last entry of the previous page.</summary>
[GenerateSerializer, Immutable, Alias("myna.ledger-query")]
public sealed record LedgerQuery(
    [property: Id(0)] long? Before,
    [property: Id(1)] IReadOnlyList<string>? Kinds,
    [property: Id(2)] DateTimeOffset? From,
    [property: Id(3)] DateTimeOffset? To,
    [property: Id(4)] int Limit);

[GenerateSerializer, Immutable, Alias("myna.ledger-page")]
public sealed record LedgerPage(
    [property: Id(0)] IReadOnlyList<AccessLedgerEntry> Entries,
    [property: Id(1)] long? Next);
