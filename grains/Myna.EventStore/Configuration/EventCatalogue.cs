using Myna.Domain.Persons;

namespace Myna.EventStore.Configuration;

/// <summary>
/// Every stored event type under its stable name. Registered at start-up so a fresh process can read
/// streams it never wrote. A name, once released, is never reused for another shape: a changed event
/// gets a new type and name (…_v2) plus an upcaster.
/// </summary>
public static class EventCatalogue
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        (typeof(PersonRegistered), "person_registered_v1"),
        (typeof(IndividualNumberAssigned), "individual_number_assigned_v1"),
        (typeof(PersonMoved), "person_moved_v1"),
        (typeof(PersonRenamed), "person_renamed_v1"),
        (typeof(ResidentRecordClosed), "resident_record_closed_v1"),
        (typeof(IndividualNumberReplaced), "individual_number_replaced_v1"),
        (typeof(NumberNotificationLetterSent), "number_notification_letter_sent_v1"),
        (typeof(DisabilityCertificateRecorded), "disability_certificate_recorded_v1"),
        (typeof(DisabilityCertificateUpdated), "disability_certificate_updated_v1"),
        (typeof(DisabilityCertificateExpired), "disability_certificate_expired_v1"),
        (typeof(IncomeSummaryRecorded), "income_summary_recorded_v1"),
        (typeof(IdentityVerified), "identity_verified_v1"),
        (typeof(AgencyCodeIssued), "agency_code_issued_v1"),
        (typeof(PersonDataProvided), "person_data_provided_v1"),
        (typeof(PersonDataRequestRefused), "person_data_request_refused_v1"),
        (typeof(ResidentRecordCodeAssigned), "resident_record_code_assigned_v1"),
    ];
}
