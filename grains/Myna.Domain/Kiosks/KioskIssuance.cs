using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Calendar;
using Myna.GrainInterfaces.Kiosks;
using Myna.Domain.Persons;

namespace Myna.Domain.Kiosks;

// Stored events are contracts: never edit one once released; add a V2 and an upcaster instead.

/// <summary>
/// A kiosk printed a certificate for the person. The content as printed is part of the event, so an auditor
/// replays exactly what was handed out; the verification code is kept only as a hash.
/// </summary>
[EventName("kiosk_certificate_issued_v1")]
public sealed record KioskCertificateIssued(
    PersonId PersonId,
    Guid DocumentId,
    KioskDocumentKind Kind,
    string Kiosk,
    CardId Card,
    MunicipalityCode IssuedBy,
    BasicFourItems Holder,
    int? FiscalYear,
    [property: PersonalData] long? TotalIncomeYen,
    [property: PersonalData] long? TaxableIncomeYen,
    string VerificationCodeHash,
    string ContentDigest,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>A kiosk asked for a certificate and was refused; the refusal is on the person's record too.</summary>
[EventName("kiosk_certificate_refused_v1")]
public sealed record KioskCertificateRefused(
    PersonId PersonId,
    Guid DocumentId,
    KioskDocumentKind Kind,
    string Kiosk,
    CardId Card,
    string Reason,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>The municipality placed the record under a protection measure (支援措置).</summary>
[EventName("protection_measure_started_v1")]
public sealed record ProtectionMeasureStarted(
    PersonId PersonId,
    ProtectionReason Reason,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

[EventName("protection_measure_ended_v1")]
public sealed record ProtectionMeasureEnded(
    PersonId PersonId,
    MunicipalityCode Municipality,
    DateTimeOffset OccurredAt,
    Actor Actor) : IPersonEvent;

/// <summary>Convenience-store issuance (flow: kiosk → card authentication → one certificate), as pure rules.</summary>
public static class KioskIssuanceRules
{
    public const int MinimumAge = 15;

    /// <summary>How many issued documents the state keeps for answering retries (the stream keeps all).</summary>
    public const int KeptDocuments = 16;

    public static readonly DomainError Deceased = DomainError.Rule("kiosk.holder-deceased", "No certificate can be issued for a deceased person.");
    public static readonly DomainError MovedOut = DomainError.Rule("kiosk.holder-moved-out", "The person has left this resident record; ask the new municipality.");
    public static readonly DomainError Protected = DomainError.Rule("kiosk.protection-measure",
        "This record is under a protection measure; certificates are issued only at the municipal counter.");
    public static readonly DomainError UnderFifteen = DomainError.Rule("kiosk.under-fifteen", "Kiosks issue certificates only to holders aged 15 or over.");
    public static readonly DomainError CardNotActive = DomainError.Rule("kiosk.card-not-active", "The card used is not the person's active card.");
    public static readonly DomainError NoTaxationRecord = DomainError.Rule("kiosk.no-taxation-record", "There is no taxation record for that fiscal year.");

    /// <summary>The day in Japan for an instant.</summary>
    

    public static int AgeOn(DateOnly birth, DateOnly day)
    {
        var age = day.Year - birth.Year;
        return birth.AddYears(age) > day ? age - 1 : age;
    }

    /// <summary>Why this person may not have this certificate from a kiosk now, or null.</summary>
    public static DomainError? Refusal(PersonState state, IssueKioskCertificate command, DateTimeOffset now)
    {
        if (state.ClosedBecause is { } closed)
        {
            return closed == ClosureReason.Death ? Deceased : MovedOut;
        }
        if (state.Protection is not null)
        {
            return Protected;
        }
        if (state.Items is not { } items || AgeOn(items.DateOfBirth, JapanCalendar.DateOf(now)) < MinimumAge)
        {
            return UnderFifteen;
        }
        if (state.ActiveCard != command.Card)
        {
            return CardNotActive;
        }
        if (command.Kind == KioskDocumentKind.TaxationCertificate && !state.IncomeSummaries.Exists(s => s.FiscalYear == command.FiscalYear))
        {
            return NoTaxationRecord;
        }
        return null;
    }

    public static Decision<IPersonEvent> Issue(PersonState state, IssueKioskCertificate command, DateTimeOffset now, Actor actor)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (!Enum.IsDefined(command.Kind) || command.Kind == KioskDocumentKind.TaxationCertificate && command.FiscalYear is not (>= 2000 and <= 2100))
        {
            return DomainError.Validation("kiosk.invalid-request", "Ask for a known certificate; a taxation certificate needs its fiscal year.");
        }
        if (state.KioskDocuments.Exists(d => d.DocumentId == command.DocumentId))
        {
            return Decision<IPersonEvent>.Accept();
        }
        if (Refusal(state, command, now) is { } refused)
        {
            // Recorded, then answered as a refusal: the person sees every attempt, not only the successes.
            return Decision<IPersonEvent>.Accept(new KioskCertificateRefused(
                state.Id, command.DocumentId, command.Kind, command.Kiosk, command.Card, refused.Code, now, actor));
        }
        var income = command.Kind == KioskDocumentKind.TaxationCertificate
            ? state.IncomeSummaries.Find(s => s.FiscalYear == command.FiscalYear)
            : null;
        var document = new KioskDocument(command.DocumentId, command.Kind, state.Municipality, now, command.Kiosk, state.Items!,
            command.Kind == KioskDocumentKind.TaxationCertificate ? command.FiscalYear : null,
            income?.TotalIncomeYen, income?.TaxableIncomeYen, command.VerificationCode, string.Empty);
        return Decision<IPersonEvent>.Accept(new KioskCertificateIssued(
            state.Id, document.DocumentId, document.Kind, document.Kiosk, command.Card, document.IssuedBy, document.Holder,
            document.FiscalYear, document.TotalIncomeYen, document.TaxableIncomeYen,
            HashCode(command.VerificationCode), Digest(document), now, actor));
    }

    /// <summary>The reply to an issuance, also on a retry: the document recorded under the command's id, or why not.</summary>
    public static Result<KioskDocument> Reply(PersonState state, IssueKioskCertificate command, DateTimeOffset now)
    {
        if (!state.IsRegistered)
        {
            return PersonErrors.NotRegistered;
        }
        if (state.KioskDocuments.Find(d => d.DocumentId == command.DocumentId) is { } issued)
        {
            return Result<KioskDocument>.Ok(issued with { VerificationCode = command.VerificationCode });
        }
        return Refusal(state, command, now) ?? DomainError.Rule("kiosk.not-issued", "The certificate was not issued; start a new session.");
    }

    public static Decision<IPersonEvent> StartProtection(PersonState state, StartProtectionMeasure command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (!Enum.IsDefined(command.Reason))
        {
            return DomainError.Validation("person.invalid-protection-reason", "Unknown protection reason.");
        }
        return state.Protection == command.Reason
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new ProtectionMeasureStarted(state.Id, command.Reason, command.Municipality, now, actor));
    }

    public static Decision<IPersonEvent> EndProtection(PersonState state, EndProtectionMeasure command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        return state.Protection is null
            ? Decision<IPersonEvent>.Accept()
            : Decision<IPersonEvent>.Accept(new ProtectionMeasureEnded(state.Id, command.Municipality, now, actor));
    }

    /// <summary>The document as the event recorded it (the verification code itself is never stored).</summary>
    public static KioskDocument ToDocument(KioskCertificateIssued e) =>
        new(e.DocumentId, e.Kind, e.IssuedBy, e.OccurredAt, e.Kiosk, e.Holder, e.FiscalYear, e.TotalIncomeYen, e.TaxableIncomeYen,
            string.Empty, e.ContentDigest);

    /// <summary>SHA-256 over the canonical content: what a verifier recomputes from a paper copy.</summary>
    public static string Digest(KioskDocument d)
    {
        var canonical = string.Join('\n',
            "myna-kiosk-document-v1",
            d.DocumentId.ToString("D"),
            d.Kind.ToString(),
            d.IssuedBy.Value,
            d.IssuedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            d.Holder.Name,
            d.Holder.Address,
            d.Holder.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.Holder.Sex.ToString(),
            d.FiscalYear?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            d.TotalIncomeYen?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            d.TaxableIncomeYen?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Verification codes are stored and looked up only as hashes.</summary>
    public static string HashCode(string verificationCode) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("myna-verification-code-v1\n" + Normalise(verificationCode))));

    /// <summary>Codes are printed in groups of four for reading aloud; dashes, spaces and case do not matter.</summary>
    public static string Normalise(string code) =>
        new(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
}
