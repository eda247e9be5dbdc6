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

// AuditActions lists the actions the console records, for the log's filter.
func AuditActions() []string {
	return []string{
		"user.sign_in", "user.sign_out", "user.sessions_ended", "user.locale_changed",
		"user.created", "user.updated", "user.disabled", "user.enabled",
		"customer.created", "customer.updated", "customers.exported",
		"billing_account.created", "billing_account.updated", "console.onboarded", "user.time_zone_changed",
	}
}
