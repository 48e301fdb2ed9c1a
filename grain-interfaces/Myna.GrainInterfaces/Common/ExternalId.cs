namespace Myna.GrainInterfaces.Common;

/// <summary>
/// An identifier another system keys and this one stores, compares or echoes, but nobody reads as text: a feeder's
/// batch, an insurer's record, a phone's device id, a card maker's chip batch, a terminal, a kiosk, a member of a
/// desk's staff. One rule for all of them: ASCII letters, digits, '-' and '_'. Nothing else fits an id: spaces,
/// controls, invisible formatting characters (a right-to-left override) and any other script are refused, so an id
/// reads the same on every screen and in every log. (Free text that people read is a <see cref="DisplayText"/>.)
/// </summary>
public static class ExternalId
{
    /// <summary>What every refusal of an id says of its shape.</summary>
    public const string Shape = "ASCII letters, digits, '-' and '_'";

    /// <summary>1 to <paramref name="maxLength"/> characters of <see cref="Shape"/>.</summary>
    public static bool Fits(string? id, int maxLength) =>
        id is { Length: > 0 } && id.Length <= maxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
