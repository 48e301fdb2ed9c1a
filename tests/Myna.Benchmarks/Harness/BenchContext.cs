using Marten;

namespace Myna.Benchmarks.Harness;

/// <summary>Sizes of one run: the full run fits the 30-minute budget on 2 cores, the quick one is a smoke test.</summary>
public sealed record BenchSizes(
    bool Quick,
    int Rounds,
    int Patients,
    int Receptions, // reception terminals, 20 per institution: each terminal may ask 120 challenges a minute (AbuseLimits)
    TimeSpan RateStep,
    double[] Rates,
    TimeSpan LoopStep,
    int[] StreamCounts,
    int[] Concurrencies,
    int HotBurst,
    int[] HistoryLengths,
    int ActivationRounds, // F3's rounds: one cold activation per round and length is a single sample of a few ms
    int AuditLength,
    int RegistrationsPerRound,
    int RawRegistrationsPerRound,
    int MemoryGrains,
    TimeSpan ScaleOutStep)
{
    public static BenchSizes Full { get; } = new(
        Quick: false,
        Rounds: 3,
        // F1's patients are seeded through the public API (ten requests each) at 10–21 patients/s on the 2 cores:
        // the 100k would take 80–160 minutes, so the count is the largest that fits the 30-minute run.
        Patients: 1_000,
        Receptions: 2_000,
        RateStep: TimeSpan.FromSeconds(4),
        Rates: [25, 50, 100, 150, 200, 300, 400, 600, 800, 1_000, 1_500, 2_000, 3_000, 4_000],
        LoopStep: TimeSpan.FromSeconds(3),
        StreamCounts: [1_000, 10_000],
        Concurrencies: [1, 8, 64],
        HotBurst: 200,
        HistoryLengths: [0, 10, 100, 1_000, 10_000],
        ActivationRounds: 9,
        AuditLength: 1_000,
        RegistrationsPerRound: 10_000,
        RawRegistrationsPerRound: 10_000,
        MemoryGrains: 100_000,
        ScaleOutStep: TimeSpan.FromSeconds(5));

    public static BenchSizes QuickRun { get; } = new(
        Quick: true,
        Rounds: 2,
        Patients: 120,
        Receptions: 40,
        RateStep: TimeSpan.FromSeconds(2),
        Rates: [25, 100, 400, 1_500],
        LoopStep: TimeSpan.FromSeconds(1.5),
        StreamCounts: [1_000],
        Concurrencies: [1, 64],
        HotBurst: 100,
        HistoryLengths: [0, 100, 1_000],
        ActivationRounds: 2,
        AuditLength: 1_000,
        RegistrationsPerRound: 1_000,
        RawRegistrationsPerRound: 1_000,
        MemoryGrains: 1_000,
        ScaleOutStep: TimeSpan.FromSeconds(3));
}

public sealed class BenchContext(BenchStores stores, BenchSizes sizes, Report report, DocumentStore raw)
{
    public BenchStores Stores { get; } = stores;

    public BenchSizes Sizes { get; } = sizes;

    public Report Report { get; } = report;

    /// <summary>The baselines' own Marten store (as a separate process would have).</summary>
    public DocumentStore Raw { get; } = raw;

    public Deployment Main { get; set; } = null!;

    public ClinicWorld World { get; set; } = null!;

    /// <summary>Figures later scenarios build on (F1's best rate for F6/F7, F2's peak for F7).</summary>
    public double BestCheckRate { get; set; }

    public double LedgerPeak { get; set; }

    /// <summary>Persons registered in F8 (through grains and raw), activated again in F4 and F5.</summary>
    public List<Guid> RegisteredPersons { get; } = [];

    public List<Guid> RawRegisteredPersons { get; } = [];
}
