using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.EventStore.Audit;
using Myna.EventStore.Configuration;
using Myna.EventStore.Streams;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.Grains.Audit;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.EventStore;

/// <summary>
/// An auditor's replay shows an event of a type without masked or personal values as its stored JSON, never
/// deserialised and written again. That is only right if the stored JSON says exactly what the audit serialiser would
/// write: for every such type in the catalogue, one sample event is stored and read both ways.
/// </summary>
public sealed class AuditStoredJsonTests
{
    [Fact]
    public async Task Every_event_type_shown_as_stored_reads_as_the_audit_serialiser_writes_it()
    {
        await TestInfrastructure.EnsureSchemaAsync();
        using var store = TestInfrastructure.CreateStore();
        var reader = new MartenEventHistoryReader(store);
        var streams = new MartenEventStreamStore(store);
        var key = StreamRef.LedgerOf(PersonId.New()).Key;

        var shown = EventCatalogue.All.Where(e => AuditEventJson.ShowsStored(e.Type)).ToList();
        // Each type twice: every property set, then every nullable one null (written as null, or left out, alike).
        shown = [.. shown, .. shown];
        var samples = shown.Select((e, i) => Samples.Of(e.Type, sparse: i >= shown.Count / 2)).ToList();
        Assert.True(shown.Count >= 2 * 40, $"only {shown.Count} event types are shown as stored");
        // A correction's effective date is read from its stored JSON too.
        Assert.Contains(shown, e => typeof(IRetroactiveEvent).IsAssignableFrom(e.Type));
        await streams.AppendAsync(key, 0, samples, new AppendMetadata(Guid.NewGuid(), Guid.NewGuid(), "test", "fp:audit"));

        var asStored = (await reader.ReadStreamAsync(key, 1, samples.Count, AuditEventJson.ShowsStored));
        var asTyped = (await reader.ReadStreamAsync(key, 1, samples.Count, _ => false));

        Assert.Equal(samples.Count, asStored.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            var (stored, typed) = (asStored[i], asTyped[i]);
            Assert.Equal(shown[i].Name, stored.EventTypeName);
            Assert.NotNull(stored.StoredJson);
            Assert.Null(stored.Data);
            Assert.Null(typed.StoredJson);
            var written = AuditEventJson.Write(typed.Data!);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AuditEventJson.Write(samples[i])), JsonNode.Parse(written)), $"{shown[i].Name} did not read back");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.StoredJson!), JsonNode.Parse(written)),
                $"{shown[i].Name}: stored {stored.StoredJson} but the audit serialiser writes {written}");
            // The same instants with the same offsets (the API writes them as they are).
            Assert.Equal(typed.OccurredAt?.ToString("O"), stored.OccurredAt?.ToString("O"));
            Assert.Equal(typed.Actor, stored.Actor);
            Assert.Equal(typed.EffectiveFrom?.ToString("O"), stored.EffectiveFrom?.ToString("O"));
            Assert.Equal((typed.Version, typed.Sequence, typed.RecordedAt, typed.CommandId, typed.Channel),
                (stored.Version, stored.Sequence, stored.RecordedAt, stored.CommandId, stored.Channel));
        }
    }

    [Fact]
    public void Types_with_numbers_or_personal_data_are_always_written_again()
    {
        // The number is masked and personal data decrypted only by writing the event again.
        Assert.False(AuditEventJson.ShowsStored(typeof(IndividualNumberAssigned)));
        Assert.False(AuditEventJson.ShowsStored(typeof(PersonRegistered)));
        Assert.False(AuditEventJson.ShowsStored(typeof(object)));
        Assert.True(AuditEventJson.ShowsStored(typeof(Myna.Domain.Clinics.EligibilityChecked)));
        foreach (var (type, _) in EventCatalogue.All.Where(e => AuditEventJson.ShowsStored(e.Type)))
        {
            Assert.False(Myna.EventStore.Privacy.PersonalDataProtection.CarriesPersonalData(type));
        }
    }

    /// <summary>One sample value of a type: every property set (the last enum member, one element per list), or sparse: every nullable one null.</summary>
    private static class Samples
    {
        private static readonly Actor Clerk = new("clerk-7", "municipal_clerk", "resident-3");
        private static readonly NullabilityInfoContext Nullability = new();

        public static object Of(Type type, bool sparse) => Value(type, 0, sparse)
            ?? throw new InvalidOperationException($"No sample for {type.Name}");

        private static object? Value(Type type, int depth, bool sparse)
        {
            if (Nullable.GetUnderlyingType(type) is { } inner)
            {
                return sparse ? null : Value(inner, depth, sparse);
            }
            if (type == typeof(string)) return "sample <&> テスト";
            if (type == typeof(bool)) return true;
            if (type == typeof(int)) return 7;
            if (type == typeof(long)) return 7_000_000_000L;
            if (type == typeof(short)) return (short)7;
            if (type == typeof(decimal)) return 1234.5m;
            if (type == typeof(double)) return 0.25;
            if (type == typeof(Guid)) return Guid.NewGuid();
            if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 12, 6, 7, 8, 9, 123, TimeSpan.FromHours(9)).AddTicks(4567);
            if (type == typeof(DateTime)) return new DateTime(2026, 12, 6, 7, 8, 9, DateTimeKind.Utc);
            if (type == typeof(DateOnly)) return new DateOnly(2026, 12, 6);
            if (type == typeof(TimeSpan)) return TimeSpan.FromMinutes(90);
            if (type == typeof(byte[])) return new byte[] { 1, 2, 3, 250 };
            if (type == typeof(Actor)) return Clerk;
            if (type == typeof(InsurerNumber)) return new InsurerNumber("0613999" + InsurerNumber.ComputeCheckDigit("0613999"));
            if (type.IsEnum) return Enum.GetValues(type).Cast<object>().Last();
            if (depth > 6) return null;
            if (type.IsArray)
            {
                var array = Array.CreateInstance(type.GetElementType()!, 1);
                array.SetValue(Value(type.GetElementType()!, depth + 1, sparse), 0);
                return array;
            }
            if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
            {
                return Collection(type, depth, sparse);
            }
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            if (constructor is null)
            {
                return type.IsValueType ? Activator.CreateInstance(type) : null;
            }
            var arguments = constructor.GetParameters()
                .Select(p => sparse && Nullability.Create(p).WriteState == NullabilityState.Nullable ? null : Value(p.ParameterType, depth + 1, sparse))
                .ToArray();
            try
            {
                return constructor.Invoke(arguments);
            }
            catch (TargetInvocationException ex)
            {
                throw new InvalidOperationException($"No sample for {type.Name}: {ex.InnerException?.Message}", ex);
            }
        }

        private static object Collection(Type type, int depth, bool sparse)
        {
            var arguments = type.GetGenericArguments();
            if (arguments.Length == 2)
            {
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
                dictionary.Add(Value(arguments[0], depth + 1, sparse)!, Value(arguments[1], depth + 1, sparse));
                return type.GetGenericTypeDefinition() == typeof(ImmutableDictionary<,>)
                    ? typeof(ImmutableDictionary).GetMethods().First(m => m.Name == "CreateRange" && m.GetParameters().Length == 1)
                        .MakeGenericMethod(arguments).Invoke(null, [dictionary])!
                    : dictionary;
            }
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments[0]))!;
            list.Add(Value(arguments[0], depth + 1, sparse));
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(ImmutableList<>))
            {
                return typeof(ImmutableList).GetMethods().First(m => m.Name == "CreateRange" && m.GetParameters().Length == 1)
                    .MakeGenericMethod(arguments[0]).Invoke(null, [list])!;
            }
            if (definition == typeof(ImmutableArray<>))
            {
                return typeof(ImmutableArray).GetMethods().First(m => m.Name == "CreateRange" && m.GetParameters().Length == 1)
                    .MakeGenericMethod(arguments[0]).Invoke(null, [list])!;
            }
            return list;
        }
    }
}
