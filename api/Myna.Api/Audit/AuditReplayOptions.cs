using System.ComponentModel.DataAnnotations;
using Myna.GrainInterfaces.Audit;

namespace Myna.Api.Audit;

/// <summary>How a whole-stream replay (<c>GET /v1/audit/streams/{kind}/{id}/replay</c>) reads its stream.</summary>
public sealed class AuditReplayOptions
{
    public const string Section = "Audit:Replay";

    /// <summary>Events read from the audit grain at a time; the next chunk is read while one is written out.</summary>
    [Range(1, HistoryQuery.MaxLimit)]
    public int ChunkSize { get; set; } = HistoryQuery.MaxLimit;
}
