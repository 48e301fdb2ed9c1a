using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>
/// The secret reference a move-out hands to the resident for their destination: the person id (32 hex digits)
/// and a secret, joined by a dot. Anything else is "not found", like an unknown, expired or used reference.
/// </summary>
public static class TransferReference
{
    public static readonly DomainError NotFound =
        DomainError.NotFound("transfer.not-found", "No open move-out to your municipality matches this transfer reference.");

    public static string Format(PersonId person, string secret) => $"{person.Value:N}.{secret}";

    public static bool TryParse(string? text, out PersonId person, out string secret)
    {
        person = default;
        secret = string.Empty;
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 2 || parts[0].Length != 32 || !Guid.TryParseExact(parts[0], "N", out var id) || id == Guid.Empty
            || parts[1].Length is 0 or > 100)
        {
            return false;
        }
        person = new PersonId(id);
        secret = parts[1];
        return true;
    }
}
