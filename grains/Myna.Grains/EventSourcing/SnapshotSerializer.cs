using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Myna.Grains.EventSourcing;

/// <summary>
/// How snapshots are written to Azure Storage: System.Text.Json, owned by the grains layer, not the Orleans wire
/// format. The domain's states are plain immutable records of the same value types the events are stored with
/// (typed ids with their own converters), so a snapshot reads like the events do and outlives an Orleans upgrade.
/// A snapshot that would not read back as it was written is refused (the write fails with a warning and the
/// grain activates by replay): no state is ever restored with a field missing.
/// </summary>
public sealed class SnapshotSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter(), new DefaultAsNull(), new ReceiptsJsonConverter() },
    };

    public BinaryData Serialize<T>(T? input)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(input, Json);
        var readBack = JsonSerializer.SerializeToUtf8Bytes(JsonSerializer.Deserialize<T>(json, Json), Json);
        if (!json.AsSpan().SequenceEqual(readBack))
        {
            throw new InvalidOperationException($"A snapshot of {typeof(T).Name} does not read back as written; not stored.");
        }
        return new BinaryData(json);
    }

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, Json)
        ?? throw new InvalidOperationException($"An empty snapshot of {typeof(T).Name}.");

    /// <summary>
    /// Value types with a converter of their own (typed ids, codes) write their unset value as null and read null back
    /// as unset. Their event converters read a null code as "" instead, which a state must not turn into.
    /// </summary>
    private sealed class DefaultAsNull : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert is { IsValueType: true, IsPrimitive: false } && Nullable.GetUnderlyingType(typeToConvert) is null
            && typeToConvert.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType is not null;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        {
            var own = (JsonConverter)Activator.CreateInstance(typeToConvert.GetCustomAttribute<JsonConverterAttribute>()!.ConverterType!)!;
            return (JsonConverter)Activator.CreateInstance(typeof(DefaultAsNull<>).MakeGenericType(typeToConvert), own)!;
        }
    }

    private sealed class DefaultAsNull<T>(JsonConverter<T> own) : JsonConverter<T> where T : struct
    {
        public override bool HandleNull => true;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? default : own.Read(ref reader, typeToConvert, options);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (EqualityComparer<T>.Default.Equals(value, default))
            {
                writer.WriteNullValue();
            }
            else
            {
                own.Write(writer, value, options);
            }
        }
    }
}
