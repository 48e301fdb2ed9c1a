namespace Myna.Observability;

/// <summary>Bound from the "Telemetry" section. Everything is off by default except the in-process instruments.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Service name on every span and metric; defaults to "myna-api" / "myna-silo".</summary>
    public string? ServiceName { get; set; }

    /// <summary>OTLP collector endpoint (e.g. http://otel-collector:4317). Empty: no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (default) or "http/protobuf".</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Write spans and metrics to the console (local debugging only: verbose).</summary>
    public bool Console { get; set; }

    /// <summary>Serve metrics in Prometheus text format at /metrics.</summary>
    public bool Prometheus { get; set; }

    /// <summary>Ratio of traces kept (parent-based); 1 keeps all.</summary>
    public double TraceSampleRatio { get; set; } = 1.0;
}
