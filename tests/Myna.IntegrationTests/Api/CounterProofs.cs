using Myna.CardSimulator;

namespace Myna.IntegrationTests.Api;

/// <summary>
/// Invariant 19 at the counter, as a clerk's terminal does it: sealed challenges for this counter, signed by the
/// chip. A new key signs a key-proof challenge; the card's user-authentication key signs a counter-presence one.
/// </summary>
internal static class CounterProofs
{
    public const string SignaturePassword = "signature-pass";

    public static async Task<string> Challenge(HttpClient clerk, string cardUrl, string purpose)
    {
        var response = await clerk.PostJson($"{cardUrl}/counter-challenges", new { purpose });
        response.EnsureSuccessStatusCode();
        return (await response.Json()).Str("challenge");
    }

    public static object Sign(SimulatedCard chip, ChipKey key, string pin, string challenge) =>
        new { challenge, signature = Convert.ToBase64String(chip.Sign(key, pin, Convert.FromBase64String(challenge))) };

    /// <summary>The card is here: its user-authentication key signs a counter-presence challenge of this counter.</summary>
    public static async Task<object> Presence(HttpClient clerk, string cardUrl, SimulatedCard chip, string pin = Patient.Pin) =>
        Sign(chip, ChipKey.UserAuthentication, pin, await Challenge(clerk, cardUrl, "counter-presence"));

    /// <summary>A new key of the chip proves itself over a key-proof challenge.</summary>
    public static async Task<object> KeyProof(HttpClient clerk, string cardUrl, SimulatedCard chip, ChipKey key, string pin) =>
        Sign(chip, key, pin, await Challenge(clerk, cardUrl, "key-proof"));

    /// <summary>The handover body: PINs set, both public keys, each signing the same key-proof challenge.</summary>
    public static async Task<object> Handover(HttpClient clerk, string cardUrl, SimulatedCard chip, string pin = Patient.Pin)
    {
        var challenge = await Challenge(clerk, cardUrl, "key-proof");
        return new
        {
            pinsSet = true,
            userAuthenticationPublicKey = chip.PublicKey(ChipKey.UserAuthentication),
            signaturePublicKey = chip.PublicKey(ChipKey.Signature),
            userAuthenticationKeyProof = Sign(chip, ChipKey.UserAuthentication, pin, challenge),
            signatureKeyProof = Sign(chip, ChipKey.Signature, SignaturePassword, challenge),
        };
    }

    public static async Task<HttpResponseMessage> HandOver(HttpClient clerk, string cardUrl, SimulatedCard chip, string pin = Patient.Pin) =>
        await clerk.PostJson($"{cardUrl}/handover", await Handover(clerk, cardUrl, chip, pin));
}
