namespace Myna.GrainInterfaces.Common;

/// <summary>Stable internal person id. Never the Individual Number, which can change after a leak.</summary>
[GenerateSerializer, Immutable, Alias("myna.person-id")]
[System.Text.Json.Serialization.JsonConverter(typeof(PersonIdJsonConverter))]
public readonly record struct PersonId([property: Id(0)] Guid Value)
{
    public static PersonId New() => new(Guid.CreateVersion7());
    public override string ToString() => Value.ToString("D");
    public static bool TryParse(string? text, out PersonId id)
    {
        id = default;
        if (!Guid.TryParse(text, out var g) || g == Guid.Empty)
        {
            return false;
        }
        id = new PersonId(g);
        return true;
    }
}

[GenerateSerializer, Immutable, Alias("myna.card-id")]
[System.Text.Json.Serialization.JsonConverter(typeof(CardIdJsonConverter))]
public readonly record struct CardId([property: Id(0)] Guid Value)
{
    public static CardId New() => new(Guid.CreateVersion7());
    public override string ToString() => Value.ToString("D");
}

/// <summary>A municipality's 6-digit local government code (全国地方公共団体コード).</summary>
[GenerateSerializer, Immutable, Alias("myna.municipality-code")]
[System.Text.Json.Serialization.JsonConverter(typeof(MunicipalityCodeJsonConverter))]
public readonly record struct MunicipalityCode([property: Id(0)] string Value)
{
    public static bool IsValid(string? text) => text is { Length: 6 } && text.All(char.IsAsciiDigit);
    public override string ToString() => Value;
}
