using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Portal;

/// <summary>
/// The access ledger as the resident reads it ("who looked at my data, when, why"): one entry per ledger
/// event, and the accessor kinds the portal filters by.
/// </summary>
public static class AccessLedgerEntries
{
    public static IReadOnlyDictionary<string, Type[]> Kinds { get; } = new Dictionary<string, Type[]>(StringComparer.Ordinal)
    {
        [AccessorKinds.Institution] = [typeof(EligibilityChecked), typeof(ClinicConsentGiven), typeof(MedicalInformationRead), typeof(DisasterLookupPerformed)],
        [AccessorKinds.Agency] = [typeof(AgencyDataRequested)],
        [AccessorKinds.App] = [typeof(AppDataRequested)],
        [AccessorKinds.Proxy] = [typeof(ProxyAccessed)],
        [AccessorKinds.Resident] = [typeof(IndividualNumberRevealed)],
        [AccessorKinds.Staff] = [typeof(StaffDataRead)],
    };

    public static Decision<ILedgerEvent> AgencyRequest(PersonId person, RecordAgencyRequest c, DateTimeOffset now, Actor actor) =>
        Decision<ILedgerEvent>.Accept(new AgencyDataRequested(person, c.Agency, c.Item, c.Procedure, c.Provided, c.Reason, now, actor));

    public static Decision<ILedgerEvent> AppRead(PersonId person, RecordAppRequest c, DateTimeOffset now, Actor actor) =>
        Decision<ILedgerEvent>.Accept(new AppDataRequested(person, c.AppId, c.AppName, c.Item, c.ConsentId, c.Provided, c.Reason, now, actor));

    public static Decision<ILedgerEvent> ProxyAccess(PersonId person, RecordProxyAccess c, DateTimeOffset now, Actor actor) =>
        c.What is { Length: > 0 and <= 100 }
            ? Decision<ILedgerEvent>.Accept(new ProxyAccessed(person, c.Proxy, c.What, now, actor))
            : DomainError.Validation("ledger.invalid-what", "Name what the proxy did (1 to 100 characters).");

    /// <summary>
    /// How long a staff read stands for the same reader's repeats of it: paging through one history, or reading a record
    /// again, is one entry while nothing else is recorded between (so an auditor paging through the ledger itself, which
    /// each recorded read lengthens, reaches its end).
    /// </summary>
    public static readonly TimeSpan StaffReadRepeatWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A staff read of the person's data (invariant 22). Not written again when the ledger's latest entry is the same
    /// reader's same read, for the same purpose, less than <see cref="StaffReadRepeatWindow"/> ago: that entry already
    /// tells the person who read what and why.
    /// </summary>
    public static Decision<ILedgerEvent> StaffRead(PersonId person, RecordStaffRead c, DateTimeOffset now, Actor actor, ActorScope scope,
        StaffDataRead? latest = null)
    {
        if (c.What is not { Length: > 0 and <= 100 } || c.Purpose is not { Length: > 0 and <= 200 })
        {
            return DomainError.Validation("ledger.invalid-what", "Name what was read (1 to 100 characters) and why (1 to 200).");
        }
        var read = new StaffDataRead(person, Office(actor, scope), c.What, c.Purpose, now, actor);
        return latest is not null && latest with { OccurredAt = now } == read
            && now >= latest.OccurredAt && now - latest.OccurredAt < StaffReadRepeatWindow
            ? Decision<ILedgerEvent>.Accept()
            : Decision<ILedgerEvent>.Accept(read);
    }

    /// <summary>The office a staff member reads as: the role, with the municipality, insurer or agency it is scoped to.</summary>
    public static string Office(Actor actor, ActorScope scope) =>
        (scope.Municipality ?? scope.Insurer ?? scope.Agency) is { } where ? $"{actor.Role} {where}" : actor.Role;

    public static Decision<ILedgerEvent> Reveal(PersonId person, RecordNumberReveal c, DateTimeOffset now, Actor actor) =>
        Decision<ILedgerEvent>.Accept(new IndividualNumberRevealed(person, c.SessionId, now, actor));

    /// <summary>One ledger event as an entry: who (kind and accessor), what, why, and whether it was refused.</summary>
    public static AccessLedgerEntry Describe(long version, ILedgerEvent e) => e switch
    {
        EligibilityChecked c => new AccessLedgerEntry(version, c.OccurredAt, AccessorKinds.Institution, c.Institution,
            "eligibility-check:" + (c.Eligible ? "eligible" : c.Reason ?? "not-eligible"),
            $"reception ({Kebab(c.Method.ToString())}{(c.StaffId is null ? string.Empty : ", staff " + c.StaffId)})", !c.Eligible),
        ClinicConsentGiven g => new AccessLedgerEntry(version, g.OccurredAt, AccessorKinds.Institution, g.Institution,
            "consent:" + string.Join(",", g.Scopes.Select(s => s.ToString())), $"valid until {g.ValidUntil:O}", false),
        MedicalInformationRead m => new AccessLedgerEntry(version, m.OccurredAt, AccessorKinds.Institution, m.Institution,
            "medical-information:" + string.Join(",", m.Items.Select(i => i.ToString())),
            m.RefusedBecause is null ? $"under the consent of check {m.CheckId:D}" : "refused: " + m.RefusedBecause, m.RefusedBecause is not null),
        DisasterLookupPerformed d => new AccessLedgerEntry(version, d.OccurredAt, AccessorKinds.Institution, d.Institution,
            "disaster-lookup:eligibility" + (d.IncludedMedication ? ",MedicationHistory" : string.Empty),
            $"disaster mode without card or consent (disaster {d.DisasterId:D})", false),
        AgencyDataRequested a => new AccessLedgerEntry(version, a.OccurredAt, AccessorKinds.Agency, a.Agency, Kebab(a.Item.ToString()),
            a.Provided ? a.Procedure : $"{a.Procedure} (refused: {a.Reason})", !a.Provided),
        AppDataRequested a => new AccessLedgerEntry(version, a.OccurredAt, AccessorKinds.App, $"{a.AppName} ({a.AppId})", Kebab(a.Item.ToString()),
            a.Provided ? $"consent {a.ConsentId:D}" : $"refused: {a.Reason}", !a.Provided),
        ProxyAccessed p => new AccessLedgerEntry(version, p.OccurredAt, AccessorKinds.Proxy, p.Proxy.ToString(), p.What, "as proxy", false),
        StaffDataRead s => new AccessLedgerEntry(version, s.OccurredAt, AccessorKinds.Staff, $"{s.Office} ({s.Actor.Subject})", s.What, s.Purpose, false),
        IndividualNumberRevealed r => new AccessLedgerEntry(version, r.OccurredAt, AccessorKinds.Resident, r.Actor.Subject, "individual-number",
            "revealed in the portal", false),
        _ => new AccessLedgerEntry(version, e.OccurredAt, "system", e.Actor.Subject, e.GetType().Name, string.Empty, false),
    };

    /// <summary>"FaceMatch" → "face-match".</summary>
    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(ch) : ch.ToString()));
}
