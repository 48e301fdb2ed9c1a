using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Clinics;

namespace Myna.GrainInterfaces.Medical;

/// <summary>
/// The shape of an insurer's medical feed (published language): the API checks it to name every bad line at
/// once, and the feed grain checks it again before anything is written.
/// </summary>
public static class MedicalFeeds
{
    public const int MaxBatchLines = 1_000;
    public const int MaxText = 200;

    /// <summary>The items a clinic may read with the patient's consent; expenses are for the resident alone.</summary>
    public static bool IsReadableByClinics(ClinicConsentScope scope) =>
        scope is ClinicConsentScope.MedicationHistory or ClinicConsentScope.HealthCheckResults;

    /// <summary>No record predates the Individual Number, whose enrolments link it to a person (January 2016).</summary>
    public static readonly DateOnly EarliestOn = new(2016, 1, 1);

    /// <summary>Why a line is malformed, or null. A record tells what happened: its day is not after today in Japan.</summary>
    public static string? Problem(MedicalRecord record, DateTimeOffset now) =>
        !ExternalId.Fits(record.RecordId, 64) ? $"recordId is 1 to 64 {ExternalId.Shape}"
        : !Enum.IsDefined(record.Kind) ? "unknown kind"
        : record.On < EarliestOn || record.On > JapanDate.LatestPast(now) ? $"on is a day from {EarliestOn:yyyy-MM-dd} to today"
        : record.Item is null || !DisplayText.Fits(record.Item, MaxText) ? $"item is 1 to 200 {DisplayText.Shape}"
        : record.Detail is not null && !DisplayText.Fits(record.Detail, MaxText) ? $"detail is at most 200 {DisplayText.Shape}"
        : record.Provider is not null && !DisplayText.Fits(record.Provider, MaxText) ? $"provider is at most 200 {DisplayText.Shape}"
        : record.AmountYen is < 0 ? "amountYen is not negative"
        : record.Kind == MedicalRecordKind.MonthlyMedicalExpense && record.AmountYen is null ? "a monthly expense needs amountYen"
        : null;
}
