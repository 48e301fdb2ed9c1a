using System.ComponentModel.DataAnnotations;

namespace Myna.EventStore.Configuration;

/// <summary>Bound from the "EventStore" section; the connection string from ConnectionStrings:Postgres.</summary>
public sealed class EventStoreOptions
{
    public const string Section = "EventStore";

    [Required(ErrorMessage = "ConnectionStrings:Postgres is not set: the event store needs PostgreSQL.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Whether a process may create or change tables as it starts (Marten's AutoCreate.CreateOrUpdate).
    /// Off by default: outside Development the schema is applied by the migration step at deploy time
    /// (<c>dotnet Myna.Silo.dll migrate</c>), and a silo whose database does not match refuses to start.
    /// Development turns it on unless configured otherwise.
    /// </summary>
    public bool UpdateSchemaOnStart { get; set; }

    /// <summary>PostgreSQL schema holding the event and document tables.</summary>
    [Required]
    public string Schema { get; set; } = "myna";

    /// <summary>
    /// Secret key for deriving Individual Number candidates and the number index keys. Must be set in
    /// production; the development default is public and only fit for local runs.
    /// </summary>
    [Required, MinLength(32)]
    public string NumberKey { get; set; } = "development-only-number-key-change-me-0001";

    /// <summary>Secret key from which per-agency codes are derived; without it two agencies' codes cannot be linked.</summary>
    [Required, MinLength(32)]
    public string AgencyCodeKey { get; set; } = "development-only-agency-code-key-change-me-01";
}
