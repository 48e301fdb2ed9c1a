namespace Myna.GrainInterfaces.Persons;

/// <summary>One of the basic four items (基本4情報), e.g. to report which of them did not match.</summary>
public enum BasicFourItem
{
    Name,
    Address,
    DateOfBirth,
    Sex,
}
