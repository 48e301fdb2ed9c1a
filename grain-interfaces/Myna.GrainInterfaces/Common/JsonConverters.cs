using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myna.GrainInterfaces.Common;

/// <summary>Typed ids are stored as plain strings in event JSON: the stored shape is a contract.</summary>
public sealed class PersonIdJsonConverter : JsonConverter<PersonId>
{
    public override PersonId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetGuid());
    public override void Write(Utf8JsonWriter writer, PersonId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

public sealed class CardIdJsonConverter : JsonConverter<CardId>
{
    public override CardId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetGuid());
    public override void Write(Utf8JsonWriter writer, CardId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

public sealed class MunicipalityCodeJsonConverter : JsonConverter<MunicipalityCode>
{
    public override MunicipalityCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString() ?? string.Empty);
    public override void Write(Utf8JsonWriter writer, MunicipalityCode value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
