namespace Myna.GrainInterfaces.Cards;

/// <summary>The purposes and fixed audiences of sealed challenges, as they appear on the wire (invariant 18).</summary>
public static class ChallengeNames
{
    public const string PortalLogin = "portal-login";
    public const string EligibilityCheck = "eligibility-check";
    public const string KioskBinding = "kiosk-binding";
    public const string RelyingParty = "relying-party";
    public const string KeyProof = "key-proof";
    public const string CounterPresence = "counter-presence";

    /// <summary>The portal's login audience.</summary>
    public const string PortalAudience = "portal";

    /// <summary>The resident's remote certificate re-issue after a campaign (key-proof challenges).</summary>
    public const string RemoteReissueAudience = "remote-reissue";

    /// <summary>A relying party's audience is this prefix and its name.</summary>
    public const string RelyingPartyPrefix = "relying-party:";
}
