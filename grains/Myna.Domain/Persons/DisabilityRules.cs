using Myna.Domain.Calendar;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;

namespace Myna.Domain.Persons;

/// <summary>Disability certificates (physical / intellectual / mental health) recorded by the municipality.</summary>
public static class DisabilityRules
{
    public static Decision<IPersonEvent> Record(PersonState state, RecordDisabilityCertificate command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (Invalid(command.CertificateNumber, command.Grade) is { } invalid)
        {
            return invalid;
        }
        if (command.Issuer is null || !DisplayText.Fits(command.Issuer.Trim(), 100))
        {
            return PersonErrors.Invalid("issuer", $"The issuing authority is 1 to 100 {DisplayText.Shape}.");
        }
        if (!Enum.IsDefined(command.Kind))
        {
            return PersonErrors.Invalid("kind", "Physical, intellectual or mental-health.");
        }
        if (command.ValidUntil is { } until && until < command.ValidFrom)
        {
            return PersonErrors.Invalid("validity", "A certificate cannot end before it starts.");
        }
        if (command.ValidFrom < state.Items!.DateOfBirth || command.ValidFrom > JapanCalendar.FurthestAhead(now))
        {
            return PersonErrors.Invalid("validity", "A certificate starts after its holder's birth and at most a year from today.");
        }
        if (state.FindCertificate(command.CertificateNumber.Trim()) is not null)
        {
            return PersonErrors.CertificateAlreadyRecorded;
        }
        return Decision<IPersonEvent>.Accept(new DisabilityCertificateRecorded(
            state.Id, command.CertificateNumber.Trim(), command.Kind, command.Grade.Trim(), command.Issuer.Trim(),
            command.ValidFrom, command.ValidUntil, now, actor));
    }

    public static Decision<IPersonEvent> Update(PersonState state, UpdateDisabilityCertificate command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        if (Invalid(command.CertificateNumber, command.Grade) is { } invalid)
        {
            return invalid;
        }
        var certificate = state.FindCertificate(command.CertificateNumber.Trim());
        if (certificate is null)
        {
            return PersonErrors.CertificateUnknown;
        }
        if (certificate.ExpiredOn is not null)
        {
            return PersonErrors.CertificateAlreadyExpired;
        }
        if (command.ValidUntil is { } until && until < certificate.ValidFrom)
        {
            return PersonErrors.Invalid("validity", "A certificate cannot end before it starts.");
        }
        return Decision<IPersonEvent>.Accept(new DisabilityCertificateUpdated(
            state.Id, certificate.CertificateNumber, command.Grade.Trim(), command.ValidUntil, now, actor));
    }

    public static Decision<IPersonEvent> Expire(PersonState state, ExpireDisabilityCertificate command, DateTimeOffset now, Actor actor)
    {
        if (PersonDecider.CanChange(state, command.Municipality) is { } error)
        {
            return error;
        }
        var certificate = state.FindCertificate(command.CertificateNumber?.Trim() ?? string.Empty);
        if (certificate is null)
        {
            return PersonErrors.CertificateUnknown;
        }
        if (certificate.ExpiredOn is not null)
        {
            return PersonErrors.CertificateAlreadyExpired;
        }
        if (command.ExpiredOn < certificate.ValidFrom || command.ExpiredOn > JapanCalendar.LatestPast(now))
        {
            return PersonErrors.Invalid("expired-on", "A certificate expires on a day from its start to today (a later end is its valid-until).");
        }
        return Decision<IPersonEvent>.Accept(new DisabilityCertificateExpired(state.Id, certificate.CertificateNumber, command.ExpiredOn, now, actor));
    }

    /// <summary>Valid on a day: not expired by the municipality, and within its validity period.</summary>
    public static bool IsValidOn(DisabilityCertificate c, DateOnly day) =>
        c.ExpiredOn is null && c.ValidFrom <= day && (c.ValidUntil is null || day <= c.ValidUntil);

    public static DisabilityCertificateView ToView(DisabilityCertificate c) =>
        new(c.CertificateNumber, c.Kind, c.Grade, c.Issuer, c.ValidFrom, c.ValidUntil, c.ExpiredOn is not null);

    private static DomainError? Invalid(string? certificateNumber, string? grade)
    {
        // Agencies and apps read both back: display texts, never holding a number-like run.
        if (string.IsNullOrWhiteSpace(certificateNumber) || !DisplayText.Fits(certificateNumber.Trim(), 40))
        {
            return PersonErrors.Invalid("certificate-number", $"A certificate number is 1 to 40 {DisplayText.Shape}.");
        }
        return string.IsNullOrWhiteSpace(grade) || !DisplayText.Fits(grade.Trim(), 40)
            ? PersonErrors.Invalid("grade", "A grade is 1 to 40 printable characters (e.g. 1級, A, 2).")
            : null;
    }
}
