using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

public enum Sex
{
    Male,
    Female,
}

/// <summary>基本4情報: name, address, date of birth and sex, as on the resident record.</summary>
[GenerateSerializer, Immutable, Alias("myna.basic-four-items")]
public sealed record BasicFourItems(
    [property: Id(0), PersonalData] string Name,
    [property: Id(1), PersonalData] string Address,
    [property: Id(2), PersonalData] DateOnly DateOfBirth,
    [property: Id(3), PersonalData] Sex Sex);

/// <summary>How a person entered this municipality's resident record.</summary>
public enum RegistrationReason
{
    Birth,
    MoveIn,
}
