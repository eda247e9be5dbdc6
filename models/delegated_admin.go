package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Delegated administration (issue 11, R-PK-2, seed 003): a console enrolled
// in the cloud-essentials programme offers to administer one of its
// customers; the customer's admin accepts or declines; until accepted the
// console can do no admin task for that customer.

// DelegatedAdminState is where a delegated-admin relationship stands.
type DelegatedAdminState string

const (
	DAOffered   DelegatedAdminState = "offered"   // sent, awaiting the customer's answer
	DAAccepted  DelegatedAdminState = "accepted"  // the console administers the customer
	DADeclined  DelegatedAdminState = "declined"  // the customer said no
	DAEnded     DelegatedAdminState = "ended"     // the customer ended an accepted relationship
	DAWithdrawn DelegatedAdminState = "withdrawn" // the console took its offer back
)

// DelegatedAdminMessageMax is the longest offer message.
const DelegatedAdminMessageMax = 2000

// DelegatedAdminRelationship is one offer of delegated admin by a console to
// a customer and what became of it. Version changes with every move.
type DelegatedAdminRelationship struct {
	ID         int64
	ConsoleID  int64
	CustomerID int64
	Message    string
	State      DelegatedAdminState
	Version    int
	OfferedBy  *int64
	OfferedAt  time.Time
	AnsweredBy *int64
	AnsweredAt *time.Time
	EndedBy    *int64
	EndedAt    *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Live tells whether the relationship is offered or accepted (at most one
// per console and customer).
func (r DelegatedAdminRelationship) Live() bool { return r.State == DAOffered || r.State == DAAccepted }

// DelegatedAdminStateLabel is the state a person reads.
func DelegatedAdminStateLabel(s DelegatedAdminState) string {
	switch s {
	case DAOffered:
		return "Offered, awaiting the customer's answer"
	case DAAccepted:
		return "Delegated admin"
	case DADeclined:
		return "Declined"
	case DAEnded:
		return "Ended by the customer"
	case DAWithdrawn:
		return "Withdrawn"
	}
	return "Unknown"
}

// DelegatedAdminMove is a change of a relationship's state.
type DelegatedAdminMove string

const (
	DAAccept   DelegatedAdminMove = "accept"   // the customer's admin accepts an offer
	DADecline  DelegatedAdminMove = "decline"  // the customer's admin declines an offer
	DAEnd      DelegatedAdminMove = "end"      // the customer ends an accepted relationship
	DAWithdraw DelegatedAdminMove = "withdraw" // the console withdraws its offer
)

// moveRule is a move's one starting state and its end state.
func moveRule(m DelegatedAdminMove) (from, to DelegatedAdminState, ok bool) {
	switch m {
	case DAAccept:
		return DAOffered, DAAccepted, true
	case DADecline:
		return DAOffered, DADeclined, true
	case DAEnd:
		return DAAccepted, DAEnded, true
	case DAWithdraw:
		return DAOffered, DAWithdrawn, true
	}
	return "", "", false
}

func errDelegatedAdminMoved(s DelegatedAdminState) *Error {
	switch s {
	case DAAccepted:
		return &Error{Code: CodeConflict, Message: "This delegated-admin offer was already accepted."}
	case DADeclined:
		return &Error{Code: CodeConflict, Message: "This delegated-admin offer was already declined."}
	case DAEnded:
		return &Error{Code: CodeConflict, Message: "This delegated-admin relationship has already ended."}
	case DAWithdrawn:
		return &Error{Code: CodeConflict, Message: "The partner has withdrawn this delegated-admin offer."}
	}
	return &Error{Code: CodeConflict, Message: "This delegated-admin offer is still waiting for the customer's answer."}
}

// Move applies m by user at now. A move already made (a double click: the
// relationship is in the move's end state) changes nothing and is no error
// (changed is false); any other state is a conflict.
func (r DelegatedAdminRelationship) Move(m DelegatedAdminMove, by int64, now time.Time) (next DelegatedAdminRelationship, changed bool, err error) {
	from, to, ok := moveRule(m)
	if !ok {
		return r, false, &Error{Code: CodeInvalid, Message: "Unknown action."}
	}
	if r.State == to {
		return r, false, nil
	}
	if r.State != from {
		return r, false, errDelegatedAdminMoved(r.State)
	}
	next = r
	next.State, next.Version, next.UpdatedAt = to, r.Version+1, now
	uid := &by
	if by == 0 {
		uid = nil
	}
	switch m {
	case DAAccept, DADecline:
		next.AnsweredBy, next.AnsweredAt = uid, &now
	case DAEnd, DAWithdraw:
		next.EndedBy, next.EndedAt = uid, &now
	}
	return next, true, nil
}

// DelegatedAdminOfferFacts are what the store loads, under locks, before a
// console offers delegated admin to a customer.
type DelegatedAdminOfferFacts struct {
	Enrolled    bool // the console is in the cloud-essentials programme
	OwnCustomer bool // the customer is one of the console's customers
	Live        *DelegatedAdminRelationship
	Message     string
}

// DelegatedAdminOfferBlock is why the console cannot send an offer now, or
// "" when it can: shown on the disabled action, and the store's answer.
func DelegatedAdminOfferBlock(enrolled bool, live *DelegatedAdminRelationship) string {
	switch {
	case !enrolled:
		return "Your console is not enrolled in the cloud-essentials programme, so it cannot offer delegated administration. Ask the support desk to enrol it."
	case live != nil && live.State == DAOffered:
		return "An offer of delegated administration is already waiting for this customer's answer."
	case live != nil && live.State == DAAccepted:
		return "Your console is already this customer's delegated admin."
	}
	return ""
}

// CheckDelegatedAdminOffer decides whether the console may offer delegated
// admin and returns the trimmed message. Not enrolled is forbidden (403,
// with the reason); a live relationship is a conflict; the message is
// required.
func CheckDelegatedAdminOffer(f DelegatedAdminOfferFacts) (string, error) {
	if !f.OwnCustomer {
		return "", NotFound()
	}
	if !f.Enrolled {
		return "", &Error{Code: CodeForbidden, Message: DelegatedAdminOfferBlock(false, nil)}
	}
	if msg := DelegatedAdminOfferBlock(true, f.Live); msg != "" {
		return "", &Error{Code: CodeConflict, Message: msg}
	}
	m := strings.TrimSpace(f.Message)
	fe := FieldErrors{}
	switch n := utf8.RuneCountInString(m); {
	case n == 0:
		fe.Add("message", "Write a message to the customer: say what you will administer for them.")
	case n > DelegatedAdminMessageMax:
		fe.Add("message", "The message is at most 2000 characters.")
	}
	return m, fe.Err()
}

// DelegatedAdminGateReason is why the console cannot administer the customer
// now, or "" when it can (an accepted relationship).
func DelegatedAdminGateReason(live *DelegatedAdminRelationship) string {
	switch {
	case live == nil:
		return "Your console is not this customer's delegated admin. Send a delegated-admin offer from the customer's page; you can manage its users once the customer's admin accepts it."
	case live.State == DAOffered:
		return "The customer has not accepted your delegated-admin offer yet. You can manage its users once the customer's admin accepts it."
	case live.State == DAAccepted:
		return ""
	}
	return "Your console is not this customer's delegated admin."
}

// CheckDelegatedAdmin is the gate of every admin task a console does for a
// customer (R-PK-2): only an accepted relationship lets it through; anything
// else is forbidden with the reason.
func CheckDelegatedAdmin(live *DelegatedAdminRelationship) error {
	if msg := DelegatedAdminGateReason(live); msg != "" {
		return &Error{Code: CodeForbidden, Message: msg}
	}
	return nil
}

// AsDelegatedAdmin is the actor as the audit logs name it when a partner
// acts as a customer's delegated admin: the person and their console.
func (a Actor) AsDelegatedAdmin(consoleName string) Actor {
	a.Name = a.Name + " (" + consoleName + ", delegated admin)"
	return a
}

// CustomerUserChangeFacts are what the store loads, under locks, before a
// delegated admin changes one of the customer's users.
type CustomerUserChangeFacts struct {
	User User // locked
	// ActiveAdmins counts the customer's active customer admins, User included.
	ActiveAdmins int
	Role         Role // the new role; "" keeps it
	Disable      bool
}

// CheckCustomerUserChange decides a delegated admin's change of a customer's
// user: the role is a customer role, and the customer keeps at least one
// active customer admin.
func CheckCustomerUserChange(f CustomerUserChangeFacts) error {
	if f.Role != "" && f.Role.Kind() != OrgCustomer {
		return FieldErrors{"role": "Choose a role from the list."}.Err()
	}
	isActiveAdmin := f.User.Role == RoleCustomerAdmin && f.User.DisabledAt == nil
	losesAdmin := f.Disable || (f.Role != "" && f.Role != RoleCustomerAdmin)
	if isActiveAdmin && losesAdmin && f.ActiveAdmins <= 1 {
		return FieldErrors{"role": "The customer must keep at least one active customer admin."}.Err()
	}
	return nil
}

// DelegatedAdminRow is a relationship with the names of its console and
// customer, as the customer portal lists it.
type DelegatedAdminRow struct {
	DelegatedAdminRelationship
	ConsoleName  string
	CustomerName string
}

// DelegatedAdminPanel is what the console sees of delegated admin for one of
// its customers: whether it is enrolled, the live relationship if any, and
// why an offer cannot be sent now ("" when it can).
type DelegatedAdminPanel struct {
	Enrolled bool
	Live     *DelegatedAdminRelationship
	Block    string
}
