package models

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// NoticeKind is a kind of event users are told about, in the app and by
// email (R-NOTE-1). Each user may turn the email of a kind off.
type NoticeKind string

const (
	NoticeCaseFiled        NoticeKind = "case_filed"
	NoticeCaseCommented    NoticeKind = "case_commented"
	NoticeCaseStateChanged NoticeKind = "case_state_changed"
	NoticeOfferSent        NoticeKind = "offer_sent"
	NoticeOfferAccepted    NoticeKind = "offer_accepted"
	NoticeOfferDeclined    NoticeKind = "offer_declined"
	NoticeOfferExpiring    NoticeKind = "offer_expiring"
	NoticeTokenUsed        NoticeKind = "token_used"
	NoticeGraceConversion  NoticeKind = "grace_conversion"
	NoticeResellerIDShared NoticeKind = "reseller_id_shared"
	NoticeRenewal          NoticeKind = "renewal"
	NoticeSuspension       NoticeKind = "suspension"
	NoticeInvitation       NoticeKind = "invitation"
	NoticeMigrationDone    NoticeKind = "migration_done"
	NoticeMigrationStep    NoticeKind = "migration_step"
	NoticeGeneral          NoticeKind = "general"
)

// NoticeKinds lists every kind in the order the email settings show them.
func NoticeKinds() []NoticeKind {
	return []NoticeKind{
		NoticeCaseFiled, NoticeCaseCommented, NoticeCaseStateChanged,
		NoticeOfferSent, NoticeOfferAccepted, NoticeOfferDeclined, NoticeOfferExpiring,
		NoticeTokenUsed, NoticeGraceConversion, NoticeResellerIDShared, NoticeMigrationStep,
		NoticeInvitation, NoticeMigrationDone, NoticeRenewal, NoticeSuspension, NoticeGeneral,
	}
}

// Label is the kind's user-facing label (an English message id).
func (k NoticeKind) Label() string {
	switch k {
	case NoticeCaseFiled:
		return "A support case is filed"
	case NoticeCaseCommented:
		return "A support case has a new comment"
	case NoticeCaseStateChanged:
		return "A support case changes state"
	case NoticeOfferSent:
		return "An offer is sent"
	case NoticeOfferAccepted:
		return "An offer is accepted"
	case NoticeOfferDeclined:
		return "An offer is declined"
	case NoticeOfferExpiring:
		return "An offer is about to expire"
	case NoticeTokenUsed:
		return "A transfer token is used"
	case NoticeGraceConversion:
		return "A subscription moves to a grace plan"
	case NoticeResellerIDShared:
		return "A reseller id is shared"
	case NoticeMigrationStep:
		return "A Meet migration moves on"
	case NoticeInvitation:
		return "A console connection invitation"
	case NoticeMigrationDone:
		return "A customer migration is done"
	case NoticeRenewal:
		return "A renewal is coming up"
	case NoticeSuspension:
		return "A subscription is suspended"
	case NoticeGeneral:
		return "Other announcements"
	}
	return string(k)
}

// Valid tells whether k is a known kind.
func (k NoticeKind) Valid() bool { return slices.Contains(NoticeKinds(), k) }

// NoticeArgs are the name/value pairs a notice's title and body fill their
// {{.Name}} placeholders with. They are stored as JSON and applied in each
// recipient's language when the notice is shown or mailed.
type NoticeArgs map[string]string

// Pairs returns the args as name/value pairs for a translator.
func (a NoticeArgs) Pairs() []any {
	out := make([]any, 0, 2*len(a))
	for k, v := range a {
		out = append(out, k, v)
	}
	return out
}

// ArgsFromPairs turns name/value pairs into NoticeArgs; values are printed
// with their default format.
func ArgsFromPairs(pairs []any) NoticeArgs {
	out := NoticeArgs{}
	for i := 0; i+1 < len(pairs); i += 2 {
		k, _ := pairs[i].(string)
		if k == "" {
			continue
		}
		switch v := pairs[i+1].(type) {
		case time.Time:
			// Stored in ISO form; the reader sees it in their locale and zone.
			out[k] = v.UTC().Format(time.RFC3339)
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// JSON encodes the args for storage.
func (a NoticeArgs) JSON() []byte {
	if a == nil {
		a = NoticeArgs{}
	}
	b, _ := json.Marshal(a)
	return b
}

// ParseNoticeArgs decodes stored args; bad JSON gives no args.
func ParseNoticeArgs(b []byte) NoticeArgs {
	out := NoticeArgs{}
	_ = json.Unmarshal(b, &out)
	return out
}

// Notification is one in-app notice to one user.
type Notification struct {
	ID        int64
	UserID    int64
	Kind      NoticeKind
	Title     string // English message id with {{.X}} placeholders
	Body      string
	Args      []byte `gorm:"type:jsonb"`
	Link      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

// TableName is the notices table.
func (Notification) TableName() string { return "notifications" }

// OutboxStatus is where an outgoing email is.
type OutboxStatus string

const (
	OutboxQueued OutboxStatus = "queued" // waiting for (another) attempt
	OutboxSent   OutboxStatus = "sent"   // handed to the SMTP server
	OutboxLogged OutboxStatus = "logged" // local mode without SMTP: kept for the Sent mail page only
	OutboxFailed OutboxStatus = "failed" // gave up after MaxMailAttempts
)

// MaxMailAttempts is how often the sender tries one email before it marks it
// failed for the desk to see.
const MaxMailAttempts = 8

// MailBackoff is the wait before attempt n+1 after n failed attempts:
// 30 s, 1 min, 2 min, 4 min ... capped at one hour.
func MailBackoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	if d > time.Hour {
		d = time.Hour
	}
	return d
}

// OutboxMessage is one email waiting to be sent, or sent. It is written in
// the same transaction as the change it tells about, and rendered in the
// recipient's language when it is sent.
type OutboxMessage struct {
	ID            int64
	UserID        *int64
	ToEmail       string
	ToName        string
	Locale        string
	Kind          NoticeKind
	Title         string
	Body          string
	Args          []byte `gorm:"type:jsonb"`
	Link          string
	Status        OutboxStatus
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	SentAt        *time.Time
	CreatedAt     time.Time
}

// TableName is the outbox table.
func (OutboxMessage) TableName() string { return "outbox" }

// OutboxFilter narrows the Sent mail page.
type OutboxFilter struct {
	Status OutboxStatus
	To     string
}

// DeskLink is the email's link as the desk's Sent mail shows it. A link that
// is itself a credential (an invitation's set-password link) shows without its
// token, so nobody reading the outbox can use it in the recipient's place.
func (m OutboxMessage) DeskLink() string {
	if strings.HasPrefix(m.Link, "/invitations/") {
		return "/invitations/…"
	}
	return m.Link
}
