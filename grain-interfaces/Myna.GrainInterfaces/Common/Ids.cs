namespace Myna.GrainInterfaces.Common;

/// <summary>Stable internal person id. Never the Individual Number, which can change after a leak.</summary>
[GenerateSerializer, Immutable, Alias("myna.person-id")]
[System.Text.Json.Serialization.JsonConverter(typeof(PersonIdJsonConverter))]
public readonly record struct PersonId([property: Id(0)] Guid Value)
{
    public static PersonId New() => new(Guid.CreateVersion7());
    public override string ToString() => Value.ToString("D");
    /// <summary>A non-empty UUID; route parameters bind through it.</summary>
    public static bool TryParse(string? text, out PersonId id)
    {
        var ok = NonEmptyGuid.TryParse(text, out var g);
        id = ok ? new PersonId(g) : default;
        return ok;
    }
}

[GenerateSerializer, Immutable, Alias("myna.card-id")]
[System.Text.Json.Serialization.JsonConverter(typeof(CardIdJsonConverter))]
public readonly record struct CardId([property: Id(0)] Guid Value)
{
    public static CardId New() => new(Guid.CreateVersion7());
    public override string ToString() => Value.ToString("D");

    /// <summary>A non-empty UUID; route parameters bind through it.</summary>
    public static bool TryParse(string? text, out CardId id)
    {
        var ok = NonEmptyGuid.TryParse(text, out var g);
        id = ok ? new CardId(g) : default;
        return ok;
    }
}

internal static class NonEmptyGuid
{
    public static bool TryParse(string? text, out Guid value) => Guid.TryParse(text, out value) && value != Guid.Empty;
}

/// <summary>A municipality's 6-digit local government code (全国地方公共団体コード).</summary>
[GenerateSerializer, Immutable, Alias("myna.municipality-code")]
[System.Text.Json.Serialization.JsonConverter(typeof(MunicipalityCodeJsonConverter))]
public readonly record struct MunicipalityCode([property: Id(0)] string Value)
{
    public static bool IsValid(string? text) => text is { Length: 6 } && text.All(char.IsAsciiDigit);
    public override string ToString() => Value;
}
