namespace Myna.GrainInterfaces.Cards;

/// <summary>Applied → Produced → ReadyForPickup → Active ⇄ Suspended → Abolished (terminal).</summary>
public enum CardStatus
{
    None,
    Applied,
    Produced,
    ReadyForPickup,
    Active,
    Suspended,
    Abolished,
}

public enum ApplicationChannel
{
    PaperForm,
    Smartphone,
    Pc,
    PhotoBooth,
    Counter,
}

/// <summary>Why a card ended. Abolition is terminal.</summary>
public enum AbolitionReason
{
    Expired,
    Returned,
    Lost,
    Reissued,
    Death,
    NumberChanged,
    LeftJapan,
    /// <summary>The holder was removed from the resident record (職権消除).</summary>
    RemovedFromResidentRecord,
}

/// <summary>Why a proxy may collect a card for the holder.</summary>
public enum ProxyHandoverReason
{
    IllnessOrDisability,
    Aged75OrOver,
    NeedsCare,
    UnderFifteen,
    Other,
}

public enum CertificateKind
{
    /// <summary>利用者証明用電子証明書: proves who is logging in; 4-digit PIN on the chip.</summary>
    UserAuthentication,
    /// <summary>署名用電子証明書: signs documents; 6–16 character password; carries the basic four items.</summary>
    Signature,
}

public enum PinKind
{
    /// <summary>The 4-digit PIN (locks after 3 wrong tries).</summary>
    UserAuthenticationPin,
    /// <summary>The 6–16 character signature password (locks after 5 wrong tries).</summary>
    SignaturePassword,
}
