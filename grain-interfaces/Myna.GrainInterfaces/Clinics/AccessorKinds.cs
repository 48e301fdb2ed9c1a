namespace Myna.GrainInterfaces.Clinics;

/// <summary>The kinds of accessor a resident can filter their access ledger by (published language).</summary>
public static class AccessorKinds
{
    public const string Institution = "institution";
    public const string Agency = "agency";
    public const string App = "app";
    public const string Proxy = "proxy";
    public const string Resident = "resident";
    public const string Staff = "staff";

    public static IReadOnlyList<string> All { get; } = [Institution, Agency, App, Proxy, Resident, Staff];
}
