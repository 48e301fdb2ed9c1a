using Myna.Domain.Campaigns;
using Myna.Domain.Cards;
using Myna.Domain.Clinics;
using Myna.Domain.Insurance;
using Myna.Domain.Persons;
using Myna.Domain.Portal;
using Myna.Domain.Services;

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
        (typeof(PersonMovedOut), "person_moved_out_v1"),
        (typeof(MoveOutCancelled), "move_out_cancelled_v1"),
        (typeof(PersonMovedIn), "person_moved_in_v1"),
        (typeof(PersonRenamed), "person_renamed_v1"),
        (typeof(ResidentRecordClosed), "resident_record_closed_v1"),
        (typeof(IndividualNumberReplaced), "individual_number_replaced_v1"),
        (typeof(NumberNotificationLetterSent), "number_notification_letter_sent_v1"),
        (typeof(DisabilityCertificateRecorded), "disability_certificate_recorded_v1"),
        (typeof(DisabilityCertificateUpdated), "disability_certificate_updated_v1"),
        (typeof(DisabilityCertificateExpired), "disability_certificate_expired_v1"),
        (typeof(IncomeSummaryRecorded), "income_summary_recorded_v1"),
        (typeof(PersonalDataErased), "personal_data_erased_v1"),
        (typeof(PersonalDataErasureRequested), "personal_data_erasure_requested_v1"),
        (typeof(PersonalDataErasureApproved), "personal_data_erasure_approved_v1"),
        (typeof(NumberReplacementRequested), "number_replacement_requested_v1"),
        (typeof(NumberReplacementApproved), "number_replacement_approved_v1"),
        (typeof(IdentityVerified), "identity_verified_v1"),
        (typeof(AgencyCodeIssued), "agency_code_issued_v1"),
        (typeof(PersonDataProvided), "person_data_provided_v1"),
        (typeof(PersonDataRequestRefused), "person_data_request_refused_v1"),
        (typeof(ResidentRecordCodeAssigned), "resident_record_code_assigned_v1"),
        (typeof(ActiveCardChanged), "active_card_changed_v1"),
        (typeof(CardReactionCompleted), "card_reaction_completed_v1"),
        (typeof(CardApplied), "card_applied_v1"),
        (typeof(CardProduced), "card_produced_v1"),
        (typeof(CardReadyForPickup), "card_ready_for_pickup_v1"),
        (typeof(CardHandedOver), "card_handed_over_v1"),
        (typeof(CertificateIssued), "certificate_issued_v1"),
        (typeof(CertificateRevoked), "certificate_revoked_v1"),
        (typeof(CardSuspended), "card_suspended_v1"),
        (typeof(CardSuspendedByCampaign), "card_suspended_by_campaign_v1"),
        (typeof(CardHolderIdentityVerified), "card_holder_identity_verified_v1"),
        (typeof(CardResumed), "card_resumed_v1"),
        (typeof(CardAbolished), "card_abolished_v1"),
        (typeof(PinLockReported), "pin_lock_reported_v1"),
        (typeof(PinReset), "pin_reset_v1"),
        (typeof(CardAddressUpdateRequired), "card_address_update_required_v1"),
        (typeof(CardAddressUpdated), "card_address_updated_v1"),
        (typeof(CardConvertedToFaceAuthentication), "card_converted_to_face_authentication_v1"),
        (typeof(CardConvertedToPinCard), "card_converted_to_pin_card_v1"),
        (typeof(SmartphoneCredentialLinked), "smartphone_credential_linked_v1"),
        (typeof(SmartphoneCredentialUnlinked), "smartphone_credential_unlinked_v1"),
        (typeof(DrivingLicenceLinked), "driving_licence_linked_v1"),
        (typeof(DrivingLicenceUnlinked), "driving_licence_unlinked_v1"),
        (typeof(SuspensionCampaignRequested), "suspension_campaign_requested_v1"),
        (typeof(SuspensionCampaignApproved), "suspension_campaign_approved_v1"),
        (typeof(SuspensionCampaignStarted), "suspension_campaign_started_v1"),
        (typeof(CampaignTargetsListed), "campaign_targets_listed_v1"),
        (typeof(CampaignCardsProcessed), "campaign_cards_processed_v1"),
        (typeof(SuspensionCampaignCompleted), "suspension_campaign_completed_v1"),
        (typeof(InsuranceQualificationAcquired), "insurance_qualification_acquired_v1"),
        (typeof(InsuranceQualificationEnded), "insurance_qualification_ended_v1"),
        (typeof(CeilingCategoryChanged), "ceiling_category_changed_v1"),
        (typeof(ConfirmationDocumentIssued), "confirmation_document_issued_v1"),
        (typeof(CardRegisteredForInsurance), "card_registered_for_insurance_v1"),
        (typeof(CardInsuranceRegistrationCancelled), "card_insurance_registration_cancelled_v1"),
        (typeof(InsurerRegistered), "insurer_registered_v1"),
        (typeof(InsurerSuspended), "insurer_suspended_v1"),
        (typeof(InsurerResumed), "insurer_resumed_v1"),
        (typeof(InsurerMerged), "insurer_merged_v1"),
        (typeof(InstitutionRegistered), "institution_registered_v1"),
        (typeof(CardAcceptanceChanged), "card_acceptance_changed_v1"),
        (typeof(TerminalRegistered), "terminal_registered_v1"),
        (typeof(TerminalRetired), "terminal_retired_v1"),
        (typeof(EligibilityChecked), "eligibility_checked_v1"),
        (typeof(ClinicConsentGiven), "clinic_consent_given_v1"),

        // Resident portal: the portal stream, registered apps, and the access ledger beyond clinics.
        (typeof(ResidentLoggedIn), "resident_logged_in_v1"),
        (typeof(PortalSessionRefreshed), "portal_session_refreshed_v1"),
        (typeof(PortalSessionEnded), "portal_session_ended_v1"),
        (typeof(AppConsentGranted), "app_consent_granted_v1"),
        (typeof(AppConsentRevoked), "app_consent_revoked_v1"),
        (typeof(ProxyAppointed), "proxy_appointed_v1"),
        (typeof(ProxyRemoved), "proxy_removed_v1"),
        (typeof(ThirdPartyAppRegistered), "third_party_app_registered_v1"),
        (typeof(AgencyDataRequested), "agency_data_requested_v1"),
        (typeof(StaffDataRead), "staff_data_read_v1"),
        (typeof(AppDataRequested), "app_data_requested_v1"),
        (typeof(ProxyAccessed), "proxy_accessed_v1"),
        (typeof(IndividualNumberRevealed), "individual_number_revealed_v1"),
        (typeof(KioskRegistered), "kiosk_registered_v1"),
        (typeof(KioskWithdrawn), "kiosk_withdrawn_v1"),
        (typeof(KioskCertificateIssued), "kiosk_certificate_issued_v1"),
        (typeof(KioskCertificateRefused), "kiosk_certificate_refused_v1"),
        (typeof(ProtectionMeasureStarted), "protection_measure_started_v1"),
        (typeof(ProtectionMeasureEnded), "protection_measure_ended_v1"),
        (typeof(MedicalRecordsReceived), "medical_records_received_v1"),
        (typeof(MedicalInformationRead), "medical_information_read_v1"),
        (typeof(DisasterDeclared), "disaster_declared_v1"),
        (typeof(DisasterEnded), "disaster_ended_v1"),
        (typeof(DisasterLookupPerformed), "disaster_lookup_performed_v1"),
        (typeof(ProcedureSubmitted), "procedure_submitted_v1"),
        (typeof(ProcedureAccepted), "procedure_accepted_v1"),
        (typeof(ProcedureReturned), "procedure_returned_v1"),
        (typeof(ProcedureResubmitted), "procedure_resubmitted_v1"),
        (typeof(ProcedureResubmittedV2), "procedure_resubmitted_v2"),
        (typeof(ProcedureDecided), "procedure_decided_v1"),
        // Corrections (two timelines: recorded now, in effect from earlier)
        (typeof(InsuranceQualificationVoided), "insurance_qualification_voided_v1"),
    ];
}
