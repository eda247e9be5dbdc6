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
