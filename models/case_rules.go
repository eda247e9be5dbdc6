package models

import (
	"encoding/json"
	"strings"
	"time"
)

// The rules of a support case's life: filing, the desk's moves under
// optimistic locking, comments, reopening and desk actions. The store loads
// the case locked, asks these, and writes what they decided.

// CaseChanged is the answer to a writer that lost the race: someone changed
// the case since the version it saw.
func CaseChanged() *Error {
	return &Error{Code: CodeConflict,
		Message: "Someone else changed this case while you were looking at it. Its current state is shown; nothing was changed."}
}

// CheckVersion refuses a change made on a stale copy of the case.
func (c SupportCase) CheckVersion(version int) error {
	if c.Version != version {
		return CaseChanged()
	}
	return nil
}

// CaseFiler is who files a case and for which console.
type CaseFiler struct {
	ConsoleID int64
	Currency  string // the console's, in which a money field is typed
	UserID    int64  // 0 for the system
	Name      string
}

// NewCase checks what a partner typed and builds the case to file, open
// at version 1. Bad fields come back together as a ValidationError.
func NewCase(in CaseInput, by CaseFiler, now time.Time) (SupportCase, error) {
	var c SupportCase
	currency := strings.TrimSpace(by.Currency)
	in.Normalize()
	if err := in.Validate(currency); err != nil {
		return c, err
	}
	fields, err := json.Marshal(in.Fields)
	if err != nil {
		return c, err
	}
	if in.CustomerID > 0 {
		cid := in.CustomerID
		c.CustomerID = &cid
	}
	c.ConsoleID, c.Type, c.State, c.Impact = by.ConsoleID, in.Type, CaseOpen, in.Impact
	c.Title, c.Description, c.Fields, c.Currency = in.Title, in.Description, fields, currency
	if amt, ok := in.Amount(currency); ok {
		c.AmountMinor = &amt
	}
	c.ContactName, c.ContactEmail, c.ContactPhone = in.ContactName, in.ContactEmail, in.ContactPhone
	if by.UserID != 0 {
		uid := by.UserID
		c.FiledByID = &uid
	}
	c.FiledByName, c.Version, c.CreatedAt, c.UpdatedAt = by.Name, 1, now, now
	return c, nil
}

// NoOfflineMeet refuses a Meet hardware case for a customer with nothing
// offline to move.
func NoOfflineMeet() *Error {
	return &Error{Code: CodeInvalid, Field: "customer_id",
		Message: "This customer has no offline Google Meet hardware subscription to move online."}
}

// CheckMeetCaseFiling is R-MEET-2 step 3 for every way a case of type
// CaseMeetOfflineToOnline is filed (the Meet page or Report a problem): the
// customer has an offline Meet hardware subscription, and the case is filed
// between 48 and 24 hours before the first one renews.
func CheckMeetCaseFiling(subs []MeetSub, now time.Time) error {
	var first *MeetSub
	for i, s := range subs {
		if s.Family != FamilyMeetHardware || s.Channel != SubOffline {
			continue
		}
		if first == nil || s.EndDate.Before(first.EndDate) {
			first = &subs[i]
		}
	}
	if first == nil {
		return NoOfflineMeet()
	}
	return CheckCaseWindow(Day(first.EndDate), now)
}

// ChangeState is the desk moving a case it saw at version: a stale version
// is a conflict; the move follows the transition table; a note, when
// given, is a valid comment.
func (c *SupportCase) ChangeState(version int, to CaseState, note string, now time.Time) error {
	if err := c.CheckVersion(version); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := c.Move(to, note, now); err != nil {
		return err
	}
	if note != "" {
		return ValidateComment(note)
	}
	return nil
}

// AssignTo gives the case to a desk user; an open case moves to in
// progress. It tells whether the state changed.
func (c *SupportCase) AssignTo(version int, userID int64, now time.Time) (moved bool, err error) {
	if err := c.CheckVersion(version); err != nil {
		return false, err
	}
	uid := userID
	c.AssigneeID = &uid
	if c.State == CaseOpen {
		return true, c.Move(CaseInProgress, "", now)
	}
	c.Version++
	c.UpdatedAt = now
	return false, nil
}

// CaseClosedToComments refuses a partner's comment on a closed case.
func CaseClosedToComments() *Error {
	return &Error{Code: CodeConflict, Message: "This case is closed. Reopen it to add a comment."}
}

// Commented applies a comment to the case: a partner may not comment on a
// closed case, and a partner's comment on a case waiting on them hands it
// back to the desk (it tells whether the state changed).
func (c *SupportCase) Commented(byDesk bool, now time.Time) (moved bool, err error) {
	if byDesk {
		return false, nil
	}
	if c.State.Closed() {
		return false, CaseClosedToComments()
	}
	return c.PartnerReplied(now), nil
}

// Normalize trims the comment; only the desk writes internal notes.
func (in CommentInput) Normalize(byDesk bool) CommentInput {
	in.Body = strings.TrimSpace(in.Body)
	if !byDesk {
		in.Internal = false
	}
	return in
}

// CheckAction decides whether the desk may run the named action on the
// case it saw at version; available tells whether the action is wired to
// code at all.
func (c SupportCase) CheckAction(version int, name string, available bool) error {
	if err := c.CheckVersion(version); err != nil {
		return err
	}
	if !available || !c.Type.Offers(name) {
		return &Error{Code: CodeConflict, Message: "This kind of case does not offer that action."}
	}
	if c.State.Closed() {
		return &Error{Code: CodeConflict, Message: "This case is closed; reopen it before acting on it."}
	}
	return nil
}

// ActionDone settles the case after an action changed it: the closing time
// follows the state, and the version moves on by one.
func (c *SupportCase) ActionDone(version int, now time.Time) {
	switch {
	case c.State.Closed() && c.ClosedAt == nil:
		t := now
		c.ClosedAt = &t
	case !c.State.Closed():
		c.ClosedAt = nil
	}
	c.Version = version + 1
	c.UpdatedAt = now
}

// CheckedUpload is a file that passed CheckUploads: its cleaned name and
// the content type its bytes show.
type CheckedUpload struct {
	Name, ContentType string
	Data              []byte
}

// CheckUploads applies the attachment rules to every file of one message:
// at most five, each at most 10 MB, and PDF, PNG, JPEG, TXT or CSV by
// content. One bad file refuses the whole message (nothing is saved).
// Empty file inputs are skipped.
func CheckUploads(files []Upload) ([]CheckedUpload, error) {
	var real []Upload
	for _, f := range files {
		if f.Name == "" && len(f.Data) == 0 {
			continue // an empty file input
		}
		real = append(real, f)
	}
	if len(real) > MaxAttachmentsPerMessage {
		return nil, &Error{Code: CodeInvalid, Field: "files", Message: "Attach at most 5 files to one message."}
	}
	out := make([]CheckedUpload, 0, len(real))
	for _, f := range real {
		name, ct, err := CheckUpload(f)
		if err != nil {
			return nil, err
		}
		out = append(out, CheckedUpload{Name: name, ContentType: ct, Data: f.Data})
	}
	return out, nil
}
