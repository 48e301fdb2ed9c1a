using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Clinics;

/// <summary>The formats of the codes medical institutions and their terminals are known by (published language).</summary>
public static class InstitutionCodes
{
    /// <summary>A 10-digit institution code (prefecture 2 + fee-table 1 + institution 7).</summary>
    public static bool IsInstitutionCode(string? code) =>
        code is { Length: 10 } && code.All(char.IsAsciiDigit) && IsPrefecture(code[..2]);

    /// <summary>A 2-digit prefecture code from 01 to 47.</summary>
    public static bool IsPrefecture(string? code) =>
        code is { Length: 2 } && code.All(char.IsAsciiDigit) && int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 47;

    /// <summary>A reception terminal's id: 1 to 40 letters, digits, '-' or '_'.</summary>
    public static bool IsTerminalId(string? id) =>
        ExternalId.Fits(id, 40);
}
