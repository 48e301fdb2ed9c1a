using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;

namespace Myna.Grains.Clinics;

/// <summary>Bound from the "Eligibility" section of the silo's configuration.</summary>
public sealed class EligibilityOptions
{
    public const string Section = "Eligibility";

    /// <summary>
    /// How long a silo answers "is this terminal registered and active" from memory before it asks the
    /// institution grain again. A change (a retirement, card acceptance withdrawn) is seen at once on the silo
    /// that hosts the institution grain, and on the others within this time. 0 asks the grain every time.
    /// </summary>
    [Range(0, 60)]
    public int TerminalCacheSeconds { get; set; } = 5;
}

/// <summary>
/// The terminal registry read from warm state (issue: the clinic check at national peak): every eligibility
/// check and every challenge asks whether the calling terminal is registered and active, and the institution
/// grain is the authority. This silo-wide cache keeps each registered institution's view for
/// <see cref="EligibilityOptions.TerminalCacheSeconds"/>, and the institution grain forgets its entry on this
/// silo after every change. Unknown institutions are never remembered, so a registration works at once.
/// </summary>
public sealed class TerminalRegistry(IGrainFactory grains, IOptions<EligibilityOptions> options, TimeProvider clock)
{
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, (InstitutionView View, long At)> _views = new(StringComparer.Ordinal);
    private readonly long _lifetime = (long)(TimeSpan.FromSeconds(options.Value.TerminalCacheSeconds).TotalSeconds * clock.TimestampFrequency);

    /// <summary>The registered institution, or null when there is none under this code.</summary>
    public async ValueTask<InstitutionView?> FindAsync(string code)
    {
        var now = clock.GetTimestamp();
        if (_lifetime > 0 && _views.TryGetValue(code, out var known) && now - known.At < _lifetime)
        {
            return known.View;
        }
        var read = await grains.GetInstitution(code).Get();
        if (!read.IsSuccess)
        {
            _views.TryRemove(code, out _);
            return null;
        }
        if (_lifetime > 0)
        {
            if (_views.Count >= MaxRemembered)
            {
                _views.Clear();
            }
            _views[code] = (read.Value!, now);
        }
        return read.Value;
    }

    /// <summary>Called by the institution grain after a change: this silo asks the grain again next time.</summary>
    public void Forget(string code) => _views.TryRemove(code, out _);
}
