using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>What an agency may ask for instead of a paper attachment.</summary>
public enum DataItem
{
    BasicFourItems,
    DisabilityCertificates,
    IncomeSummary,
}

/// <summary>An agency's own, unlinkable code for one person (機関別符号). Never the Individual Number.</summary>
[GenerateSerializer, Immutable, Alias("myna.agency-code")]
[System.Text.Json.Serialization.JsonConverter(typeof(AgencyCodeJsonConverter))]
public readonly record struct AgencyCode([property: Id(0)] string Value)
{
    public static bool IsWellFormed(string? text) =>
        text is { Length: 32 } && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'z');

    public override string ToString() => Value;
}

public sealed class AgencyCodeJsonConverter : System.Text.Json.Serialization.JsonConverter<AgencyCode>
{
    public override AgencyCode Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => new(reader.GetString() ?? string.Empty);
    public override void Write(System.Text.Json.Utf8JsonWriter writer, AgencyCode value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

[GenerateSerializer, Immutable, Alias("myna.cmd.provide-data")]
public sealed record ProvideData(
    [property: Id(0)] string Agency,
    [property: Id(1)] DataItem Item,
    [property: Id(2)] string Procedure);

/// <summary>What an agency receives: the requested item only, and never the Individual Number.</summary>
[GenerateSerializer, Immutable, Alias("myna.provided-data")]
public sealed record ProvidedData(
    [property: Id(0), Common.PersonalData] AgencyCode Code,
    [property: Id(1)] DataItem Item,
    [property: Id(2)] BasicFourItems? BasicFourItems,
    [property: Id(3)] IReadOnlyList<DisabilityCertificateView>? DisabilityCertificates,
    [property: Id(4)] IReadOnlyList<IncomeSummaryView>? IncomeSummaries);

/// <summary>One entry of the person's access ledger: who looked at what, when and why.</summary>
[GenerateSerializer, Immutable, Alias("myna.ledger-entry")]
public sealed record AccessLedgerEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string AccessorKind,
    [property: Id(3)] string Accessor,
    [property: Id(4)] string What,
    [property: Id(5)] string Purpose,
    [property: Id(6)] bool Refused);

public interface IAgencyGatewayGrain : IGrainWithIntegerKey
{
    /// <summary>The one time an agency uses the number: to obtain its own code for the person.</summary>
    [Alias("IssueCode")]
    Task<Result<AgencyCode>> IssueCode(CommandContext context, string agency, IndividualNumber number);

    [Alias("Request")]
    Task<Result<ProvidedData>> Request(CommandContext context, AgencyCode code, ProvideData request);

    /// <summary>An agency counter checks presented documents for one of its procedures, under its code.</summary>
    [Alias("VerifyIdentity")]
    Task<Result<IdentityVerificationResult>> VerifyIdentity(CommandContext context, string agency, AgencyCode code, VerifyIdentity command);
}
