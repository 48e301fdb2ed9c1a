using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Myna.Domain.EventSourcing;
using Myna.Domain.Persons;
using Myna.GrainInterfaces.Common;

namespace Myna.EventStore.Privacy;

/// <summary>
/// Crypto-shredding in the event store's JSON. Every <see cref="PersonalDataAttribute"/> property inside a
/// stored person event is written as <c>"pd1:{subject}:{base64url(nonce | tag | ciphertext)}"</c>: AES-256-GCM
/// under the person's own key, the plaintext being the property's ordinary JSON. The nonce is derived from
/// the key and the plaintext (HMAC), so the same value serialises to the same text: the hash chain sealed
/// from one serialisation matches the row written from another. With the key destroyed, the value reads
/// as erased (<see cref="Erased{T}"/>) while the stored text, and so the chain, stays as it was.
/// One instance per document store (a DI singleton), holding its key ring: nothing here is process-wide.
/// </summary>
public sealed class PersonalDataProtection(PersonalDataKeyRing ring)
{
    public const string Prefix = "pd1:";

    private static readonly byte[] PrefixBytes = Encoding.ASCII.GetBytes(Prefix);

    /// <summary>What an erased text reads as.</summary>
    public const string ErasedText = "[erased]";

    // The subjects of the events being serialised on this thread (serialisation is synchronous), innermost on top.
    private readonly ThreadLocal<Stack<Guid>> _subjects = new(() => new Stack<Guid>());
    // The read in flight on this async flow: when it began (the ring's clock; keys fresh then stay usable to it) and
    // the keys its current pass found missing.
    private readonly AsyncLocal<ReadPass?> _read = new();

    private sealed record ReadPass(long Started)
    {
        public ConcurrentBag<Guid> Misses { get; } = new();
    }

    private static readonly ConcurrentDictionary<Type, bool> Carries = new();

    public PersonalDataKeyRing Ring => ring;

    /// <summary>The JSON contract modifier Marten's serializer is configured with.</summary>
    public void Modify(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        if (typeof(IDomainEvent).IsAssignableFrom(typeInfo.Type) && CarriesPersonalData(typeInfo.Type))
        {
            // The subject of every personal value inside this event, while it is written (synchronously): the
            // person it names, or none (Guid.Empty: written as it is) for an event that names nobody.
            var subject = SubjectAccessor(typeInfo.Type);
            typeInfo.OnSerializing = e => _subjects.Value!.Push(subject?.Invoke(e) ?? Guid.Empty);
            typeInfo.OnSerialized = _ => _subjects.Value!.Pop();
        }
        foreach (var property in typeInfo.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(PersonalDataAttribute), inherit: false) == true)
            {
                property.CustomConverter = (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(property.PropertyType), this)!;
            }
        }
    }

    /// <summary>True when values of this type hold a personal-data property (in nested records and lists too, three levels down).</summary>
    public static bool CarriesPersonalData(Type type) => Carries.GetOrAdd(type, static t => Holds(t, 0));

    private static bool Holds(Type type, int depth)
    {
        if (depth > 3 || type == typeof(string) || type.IsPrimitive || type.IsEnum || type.IsValueType && Nullable.GetUnderlyingType(type) is null && !type.IsGenericType)
        {
            return false;
        }
        if (type.IsArray)
        {
            return Holds(type.GetElementType()!, depth + 1);
        }
        if (type.IsGenericType)
        {
            return type.GetGenericArguments().Any(a => Holds(a, depth + 1))
                || (!typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && HoldsInProperties(type, depth));
        }
        return HoldsInProperties(type, depth);
    }

    private static bool HoldsInProperties(Type type, int depth) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p =>
            p.IsDefined(typeof(PersonalDataAttribute), inherit: false) || Holds(p.PropertyType, depth + 1));

    /// <summary>The person an event is about: its <c>PersonId</c> property (every person event has one; so do some others).</summary>
    private static Func<object, Guid>? SubjectAccessor(Type type) => Subjects.GetOrAdd(type, static t =>
        t.GetProperty("PersonId", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var p } property && p == typeof(PersonId)
            ? e => ((PersonId)property.GetValue(e)!).Value
            : null);

    private static readonly ConcurrentDictionary<Type, Func<object, Guid>?> Subjects = new();

    /// <summary>The persons whose keys an append of these events needs.</summary>
    public static IEnumerable<Guid> SubjectsOf(IEnumerable<object> events) =>
        events.Where(e => e is IDomainEvent && CarriesPersonalData(e.GetType()))
            .Select(e => SubjectAccessor(e.GetType())?.Invoke(e) ?? Guid.Empty)
            .Where(g => g != Guid.Empty)
            .Distinct();

    /// <summary>Before an append: loads or creates the keys its personal values will be encrypted with.</summary>
    public Task PrepareAppendAsync(IEnumerable<object> events, CancellationToken cancellationToken = default) =>
        ring.EnsureForWriteAsync(SubjectsOf(events), cancellationToken);

    /// <summary>The keys of persons about to be written, ahead of their events (a bulk registration fetches them while its numbers are reserved).</summary>
    public Task PrepareSubjectsAsync(IEnumerable<Guid> subjects, CancellationToken cancellationToken = default) =>
        ring.EnsureForWriteAsync(subjects, cancellationToken);

    /// <summary>
    /// Before a whole-store read that needs about <paramref name="needed"/> keys: loaded in one pass over the key table
    /// unless that many are cached and fresh already (<see cref="PersonalDataKeyRing.PrefetchAsync"/>).
    /// </summary>
    public Task<int> PrefetchKeysAsync(int needed, CancellationToken cancellationToken = default) => ring.PrefetchAsync(needed, cancellationToken);

    /// <summary>
    /// Runs a read of stored events with the keys it needs: <paramref name="knownSubjects"/> are loaded first;
    /// a value under a key this process has not loaded makes the read load it and run once more.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read, IEnumerable<Guid>? knownSubjects = null, CancellationToken cancellationToken = default)
    {
        if (knownSubjects is not null)
        {
            await ring.LoadAsync(knownSubjects, foundInEvents: false, cancellationToken);
        }
        // A read over the whole store may meet new persons' events on every pass (others append meanwhile): each pass
        // collects the keys it missed, loads them, and reads again; the last pass reads with whatever is loaded. Every
        // pass judges a key's freshness as of the read's start: a read that loads many keys (one table read each) is not
        // sent round again by the keys that expired meanwhile, which a burst of registrations five minutes earlier made
        // a whole wave of (a rebuild under load failed so after five passes).
        var started = ring.Timestamp;
        for (var pass = 1; ; pass++)
        {
            var current = new ReadPass(started);
            _read.Value = current;
            var misses = current.Misses;
            try
            {
                var result = await read();
                if (misses.IsEmpty)
                {
                    return result;
                }
            }
            finally
            {
                _read.Value = null;
            }
            await ring.LoadAsync(misses, foundInEvents: true, cancellationToken);
            if (pass == MaxReadPasses)
            {
                throw new InvalidOperationException("Personal data keys kept missing while reading events: the store is changing faster than the read.");
            }
        }
    }

    private const int MaxReadPasses = 5;

    /// <summary>The subject a stream key names, for the streams keyed by a person ("person-{id}").</summary>
    public static IEnumerable<Guid> SubjectOfStream(string streamKey) =>
        streamKey.StartsWith("person-", StringComparison.Ordinal) && Guid.TryParse(streamKey.AsSpan("person-".Length), out var id) ? [id] : [];

    /// <summary>What an erased value reads as: "[erased]", the minimum date, an undefined enum value (-1), or the default.</summary>
    public static T Erased<T>()
    {
        var type = typeof(T);
        if (type == typeof(string))
        {
            return (T)(object)ErasedText;
        }
        if (type == typeof(DateOnly))
        {
            return (T)(object)DateOnly.MinValue;
        }
        return type.IsEnum ? (T)Enum.ToObject(type, -1) : default!;
    }

    private static byte[] Nonce(byte[] key, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, plaintext, mac);
        return mac[..12].ToArray();
    }

    private sealed class Converter<T>(PersonalDataProtection owner) : JsonConverter<T>
    {
        private static JsonConverter<T> Inner(JsonSerializerOptions options) => (JsonConverter<T>)options.GetConverter(typeof(T));

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (owner._subjects.Value is not { Count: > 0 } subjects || subjects.Peek() == Guid.Empty)
            {
                Inner(options).Write(writer, value, options);
                return;
            }
            var subject = subjects.Peek();
            if (!owner.Ring.TryGet(subject, out var key))
            {
                // The whole serialisation is abandoned: leave no subject behind for the next one on this thread.
                subjects.Clear();
                throw new InvalidOperationException("A person's data key was not loaded before their event was written.");
            }
            if (key.Erased)
            {
                // Nothing personal is written for a person whose data was erased.
                writer.WriteStringValue(Prefix + subject.ToString("N") + ":");
                return;
            }
            var buffer = new ArrayBufferWriter<byte>();
            using (var inner = new Utf8JsonWriter(buffer))
            {
                Inner(options).Write(inner, value, options);
            }
            var plaintext = buffer.WrittenSpan;
            var nonce = Nonce(key.Key!, plaintext);
            var sealedBytes = new byte[12 + 16 + plaintext.Length];
            nonce.CopyTo(sealedBytes, 0);
            using (var aes = new AesGcm(key.Key!, 16))
            {
                aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), subject.ToByteArray());
            }
            writer.WriteStringValue(Prefix + subject.ToString("N") + ":" + Base64Url(sealedBytes));
        }

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !StartsWithPrefix(ref reader))
            {
                // Stored before protection existed: the plain value.
                return Inner(options).Read(ref reader, typeToConvert, options)!;
            }
            var text = reader.GetString()!;
            var parts = text.Split(':', 3);
            if (parts.Length != 3 || !Guid.TryParseExact(parts[1], "N", out var subject))
            {
                throw new JsonException("A personal data value is malformed.");
            }
            if (parts[2].Length == 0)
            {
                return Erased<T>();
            }
            var read = owner._read.Value;
            if (!owner.Ring.TryGet(subject, out var key, read?.Started ?? owner.Ring.Timestamp))
            {
                if (read is not null)
                {
                    read.Misses.Add(subject);
                    return Erased<T>();
                }
                throw new InvalidOperationException("A person's data key was not loaded before their events were read.");
            }
            if (key.Erased)
            {
                return Erased<T>();
            }
            var sealedBytes = FromBase64Url(parts[2]);
            var plaintext = new byte[sealedBytes.Length - 28];
            using (var aes = new AesGcm(key.Key!, 16))
            {
                aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plaintext, subject.ToByteArray());
            }
            var inner = new Utf8JsonReader(plaintext);
            inner.Read();
            return Inner(options).Read(ref inner, typeToConvert, options)!;
        }

        private static bool StartsWithPrefix(ref Utf8JsonReader reader)
        {
            if (reader.HasValueSequence || reader.ValueIsEscaped)
            {
                return reader.GetString()!.StartsWith(Prefix, StringComparison.Ordinal);
            }
            return reader.ValueSpan.StartsWith(PrefixBytes);
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
