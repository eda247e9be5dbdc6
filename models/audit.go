package models

import "time"

// AuditEvent is one row of the append-only audit log (R-AUD-1).
type AuditEvent struct {
	ID             int64
	OrganisationID int64
	ActorUserID    *int64
	ActorName      string
	Action         string
	RecordType     string
	RecordID       int64
	Before         []byte `gorm:"type:jsonb"`
	After          []byte `gorm:"type:jsonb"`
	IP             string `gorm:"column:ip"`
	At             time.Time
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	ActorUserID int64
	Action      string
	RecordType  string
	RecordID    int64
}

// AuditActions lists the actions the console records, for the log's filter
// (TestAuditActionsListed keeps it in step with the actions the store writes).
func AuditActions() []string {
	return []string{
		"billing_account.created", "billing_account.updated",
		"case.assigned", "case.commented", "case.filed", "case.internal_note", "case.refund_approved", "case.refund_rejected", "case.reopened", "case.state_changed",
		"cases.exported",
		"console.cloud_essentials_set", "console.onboarded",
		"console_connection.accepted", "console_connection.closed", "console_connection.invited",
		"credit.issued",
		"customer.created", "customer.deprovisioned", "customer.terms_accepted", "customer.transferred", "customer.updated",
		"customer_migration.batch_queued", "customer_migration.cancelled", "customer_migration.completed", "customer_migration.started", "customer_migration.undone",
		"customers.exported",
		"delegated_admin.accepted", "delegated_admin.declined", "delegated_admin.ended", "delegated_admin.offered", "delegated_admin.withdrawn",
		"email.retried",
		"invoice.issued",
		"invoices.exported",
		"meet_migration.step_done",
		"offer.created", "offer.sent", "offer.state_changed",
		"offers.exported",
		"payment.automatic_failed",
		"payment_method.added", "payment_method.expiry_changed", "payment_method.made_primary", "payment_method.removed",
		"product_keys.loaded", "product_keys.redeemed", "product_keys.reserved",
		"renewals.exported",
		"software.download_refused", "software.download_started", "software.downloaded", "software.key_revealed", "software.line_cancelled", "software.line_refunded", "software.link_copied", "software.order_placed", "software.refund_rejected",
		"subscription.consolidated", "subscription.created", "subscription.deleted", "subscription.disabled", "subscription.expired", "subscription.grace_plan", "subscription.moved", "subscription.reactivated", "subscription.renewed_by_key", "subscription.term_restored",
		"subscriptions.exported",
		"transfer_token.created", "transfer_token.regenerated", "transfer_token.revoked", "transfer_token.used",
		"user.created", "user.disabled", "user.email_settings_changed", "user.enabled", "user.invitation_accepted", "user.invitation_resent", "user.invited", "user.locale_changed", "user.recovery_code_used", "user.recovery_codes_regenerated", "user.second_factor_disabled", "user.second_factor_enabled", "user.second_factor_passed", "user.second_factor_reset", "user.sessions_ended", "user.sign_in", "user.sign_out", "user.time_zone_changed", "user.updated",
	}
}
