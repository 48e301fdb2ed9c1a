using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;
using Myna.Domain.Medical;
using Myna.GrainInterfaces.Medical;

namespace Myna.Domain.Tests.Medical;

public class MedicalSpecs : DeciderSpec<MedicalState, IMedicalEvent>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Feeder = new("insurer-1", "insurer");
    private static readonly PersonId Person = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000e1"));
    private static readonly InsurerNumber Insurer = Valid("0113001");
    private static readonly InsurerNumber OtherInsurer = Valid("0613999");

    /// <summary>An 8-digit insurer number with its real check digit.</summary>
    private static InsurerNumber Valid(string body)
    {
        foreach (var digit in "0123456789")
        {
            if (InsurerNumber.TryParse(body + digit, out var number, out _))
            {
                return number;
            }
        }
        throw new InvalidOperationException("no check digit fits " + body);
    }

    private static readonly MedicalRecord Medicine = new("r-1", MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 10, 2), "アムロジピン錠5mg", "28日分", null, "さくら薬局");
    private static readonly MedicalRecord HealthCheck = new("r-2", MedicalRecordKind.HealthCheckResult, new DateOnly(2026, 6, 15), "HbA1c", "5.6%", null, null);
    private static readonly MedicalRecord Expense = new("r-3", MedicalRecordKind.MonthlyMedicalExpense, new DateOnly(2026, 10, 1), "10月", null, 12_340, null);

    private static ReceiveMedicalRecords Batch(InsurerNumber insurer, params MedicalRecord[] records) => new("b-1", insurer, records);


    [Fact]
    public void Records_already_kept_from_the_same_insurer_are_not_received_again()
    {
        var first = MedicalRules.Receive(Given(), Person, Batch(Insurer, Medicine, HealthCheck, Medicine), Now, Feeder);
        var received = Assert.IsType<MedicalRecordsReceived>(Assert.Single(first.Events));
        Assert.Equal([Medicine, HealthCheck], received.Records);

        var state = Given([.. first.Events]);
        Assert.Empty(MedicalRules.Receive(state, Person, Batch(Insurer, Medicine), Now, Feeder).Events);
        var fromOther = Assert.IsType<MedicalRecordsReceived>(Assert.Single(MedicalRules.Receive(state, Person, Batch(OtherInsurer, Medicine), Now, Feeder).Events));
        Assert.Equal(3, AggregateState.Fold(state, [fromOther]).Records.Count);
    }

    [Fact]
    public void Clinics_see_only_the_consented_kinds_and_never_expenses()
    {
        var state = Given([.. MedicalRules.Receive(Given(), Person, Batch(Insurer, Medicine, HealthCheck, Expense), Now, Feeder).Events]);
        Assert.Equal([Medicine], MedicalRules.ForClinic(state.Records, [ClinicConsentScope.MedicationHistory]));
        Assert.Equal([Medicine, HealthCheck], MedicalRules.ForClinic(state.Records, [ClinicConsentScope.MedicationHistory, ClinicConsentScope.HealthCheckResults]));
        Assert.False(MedicalFeeds.IsReadableByClinics(ClinicConsentScope.CeilingCategory));
    }

    [Fact]
    public void A_read_needs_this_institutions_live_consent_covering_every_item()
    {
        var consent = new ClinicConsentView(Guid.NewGuid(), "1310000001", [ClinicConsentScope.MedicationHistory], VerificationMethod.Pin, null, Now, Now.AddHours(24), true);
        Assert.Null(MedicalRules.Refusal(consent, "1310000001", [ClinicConsentScope.MedicationHistory]));
        Assert.Equal("no-consent", MedicalRules.Refusal(null, "1310000001", [ClinicConsentScope.MedicationHistory]));
        Assert.Equal("no-consent", MedicalRules.Refusal(consent, "1310000002", [ClinicConsentScope.MedicationHistory]));
        Assert.Equal("consent-expired", MedicalRules.Refusal(consent with { Active = false }, "1310000001", [ClinicConsentScope.MedicationHistory]));
        Assert.Equal("item-not-consented", MedicalRules.Refusal(consent, "1310000001", [ClinicConsentScope.MedicationHistory, ClinicConsentScope.HealthCheckResults]));
    }

    [Theory]
    [InlineData("", "item", null, "recordId")]
    [InlineData("r", "", null, "item")]
    [InlineData("r", "item", -1L, "amountYen")]
    [InlineData("r", "ロキソニン 1234 5678 9018", null, "item")]   // a clinic reads it: never a number-like run
    [InlineData("r", "ロキソ\u202Eニン", null, "item")]              // nor a right-to-left override
    public void Malformed_lines_are_named(string recordId, string item, long? amount, string field)
    {
        var problem = MedicalFeeds.Problem(new MedicalRecord(recordId, MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 1, 1), item, null, amount, null), Now);
        Assert.Contains(field, problem, StringComparison.Ordinal);
        Assert.Contains("amountYen", MedicalFeeds.Problem(Expense with { AmountYen = null }, Now), StringComparison.Ordinal);
        Assert.Null(MedicalFeeds.Problem(Expense, Now));
    }

    [Theory]
    [InlineData("2026-11-27")] // the day after today in Japan is the latest (a day's slack at midnight's edge)
    [InlineData("2016-01-01")] // the number's first day
    public void A_records_day_is_one_that_has_happened(string on) =>
        Assert.Null(MedicalFeeds.Problem(Expense with { On = DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture) }, Now));

    [Theory]
    [InlineData("2026-11-28")] // not yet: a clinic reads records newest first, and a future one would head the list for good
    [InlineData("2999-12-31")]
    [InlineData("2015-12-31")] // before any number linked a record to a person
    [InlineData("1800-01-01")]
    public void A_record_dated_in_the_future_or_before_the_number_is_malformed(string on) =>
        Assert.Contains("on is a day", MedicalFeeds.Problem(Expense with { On = DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture) }, Now), StringComparison.Ordinal);

    [Fact]
    public void A_detail_or_provider_a_clinic_reads_holds_no_number_like_run()
    {
        var line = new MedicalRecord("r", MedicalRecordKind.MedicationDispensed, new DateOnly(2026, 1, 1), "ロキソニン錠60mg", "1日3回 7日分", null, "みどり薬局");
        Assert.Null(MedicalFeeds.Problem(line, Now));
        Assert.Contains("detail", MedicalFeeds.Problem(line with { Detail = "番号 123456789018" }, Now), StringComparison.Ordinal);
        Assert.Contains("provider", MedicalFeeds.Problem(line with { Provider = "薬局 1234-5678-9018" }, Now), StringComparison.Ordinal);
    }
}
