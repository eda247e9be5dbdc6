package models

import "time"

// InvitationResendWait is how long a partner waits between two invitations
// to one person: a new link replaces the old one, and nobody's inbox is
// flooded by repeated clicks.
const InvitationResendWait = 10 * time.Minute

// PendingInvitation is a customer's administrator who has not set a
// password through an invitation yet: the partner can send a new link.
type PendingInvitation struct {
	UserID    int64
	Name      string
	Email     string
	SentAt    time.Time
	ExpiresAt time.Time
}

// Expired tells whether the latest link no longer works at now.
func (p PendingInvitation) Expired(now time.Time) bool { return !now.Before(p.ExpiresAt) }

// DecideResendInvitation tells whether a new invitation may replace latest
// (the person's newest) at now: not once a password was set through one,
// and not within InvitationResendWait of the last.
func DecideResendInvitation(latest UserInvitation, now time.Time) error {
	if latest.UsedAt != nil {
		return &Error{Code: CodeConflict, Message: "This person already set a password through an invitation: they sign in with it."}
	}
	if now.Before(latest.CreatedAt.Add(InvitationResendWait)) {
		return &Error{Code: CodeConflict, Message: "An invitation was sent less than 10 minutes ago: wait before sending another."}
	}
	return nil
}
