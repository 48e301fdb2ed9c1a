using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Myna.EventStore.Privacy;
using Myna.GrainInterfaces.Common;

namespace Myna.Grains.Audit;

/// <summary>
/// How auditors see event data: every Individual Number and resident record code masked to its last four digits
/// (auditors replay histories; they do not need the numbers themselves), personal data as the person's key reads it.
/// The API copies an event's data into its response as written here (it does not parse it again), so the escaping is
/// the API's own: ASP.NET Core writes JSON with the relaxed encoder.
/// </summary>
public static class AuditEventJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(), new MaskedConverter<IndividualNumber>(), new MaskedConverter<ResidentRecordCode>() },
    };

    /// <summary>The types written masked: a value of an event type that holds one anywhere is never shown as stored.</summary>
    private static readonly Type[] Masked = [typeof(IndividualNumber), typeof(ResidentRecordCode)];

    private static readonly ConcurrentDictionary<Type, bool> Stored = new();

    public static string Write(object data) => JsonSerializer.Serialize(data, data.GetType(), Options);

    /// <summary>
    /// True when an event of this type may be shown as its stored JSON: it holds no personal data (stored encrypted)
    /// and no masked value anywhere in its properties, so writing it again here would give the same JSON (properties
    /// in PostgreSQL's order). A type too deep to be sure of is written again.
    /// </summary>
    public static bool ShowsStored(Type eventType) => Stored.GetOrAdd(eventType, static t =>
        !PersonalDataProtection.CarriesPersonalData(t) && Plain(t, 0, []));

    private static bool Plain(Type type, int depth, HashSet<Type> seen)
    {
        // An object-typed value is written as whatever it holds at run time, and a polymorphic one by its derived type.
        if (Masked.Contains(type) || Nullable.GetUnderlyingType(type) is { } inner && Masked.Contains(inner) || type == typeof(object)
            || type.IsDefined(typeof(JsonPolymorphicAttribute), inherit: true) || type.IsDefined(typeof(JsonDerivedTypeAttribute), inherit: true))
        {
            return false;
        }
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeSpan)
            || !seen.Add(type))
        {
            return true;
        }
        if (depth > 6)
        {
            return false;
        }
        if (type.IsArray)
        {
            return Plain(type.GetElementType()!, depth + 1, seen);
        }
        if (type.IsGenericType && !type.GetGenericArguments().All(a => Plain(a, depth + 1, seen)))
        {
            return false;
        }
        return typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            || type.GetProperties(BindingFlags.Public | BindingFlags.Instance).All(p =>
                !p.IsDefined(typeof(PersonalDataAttribute), inherit: false) && Plain(p.PropertyType, depth + 1, seen));
    }

    /// <summary>Writes a sensitive typed value as its <c>ToString()</c>, which these types keep masked.</summary>
    private sealed class MaskedConverter<T> : JsonConverter<T>
        where T : struct
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Audit views are written, never read back.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
