package models

import (
	"strconv"
	"strings"
)

// ---- Refunds after 168 hours (R-SW-2, R-SW-6) ----

// FieldOrderLine is the refund case's field naming the software order line
// to refund (its id); the Software page's Cancel fills it in.
const FieldOrderLine = "order_line"

// CanFileCaseType tells whether a console role may file a case of type t:
// a refund of CSP offers only an admin agent or the super admin.
func CanFileCaseType(r Role, t CaseType) error {
	if t == CaseCSPRefund && r != RoleAdminAgent && r != RoleSuperAdmin {
		return &Error{Code: CodeForbidden, Message: "Only an admin agent or the super admin may ask for a refund."}
	}
	return nil
}

// RefundLineID reads the order line a refund case names; 0 when it names
// none (a refund of other CSP offers).
func RefundLineID(fields map[string]string) (int64, bool) {
	v := strings.TrimSpace(fields[FieldOrderLine])
	if v == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// CheckRefundRequest judges a refund asked for an order line at filing:
// the line's key must still work and the amount asked is at most what was
// paid for the line and not yet credited.
func CheckRefundRequest(line SoftwareOrderLine, amountMinor int64) error {
	if line.Revoked() {
		return &Error{Code: CodeInvalid, Field: "cf_" + FieldOrderLine, Message: "This order line is already cancelled or refunded."}
	}
	if amountMinor > line.AmountMinor-line.CreditedMinor {
		return &Error{Code: CodeInvalid, Field: "cf_amount_requested", Message: "The amount requested is more than what was paid for this order line."}
	}
	return nil
}

// RefundCredit decides the approval of a refund: the amount to credit, or
// why the refund can no longer be given.
func RefundCredit(line SoftwareOrderLine, amountMinor int64) (int64, error) {
	if line.Revoked() {
		return 0, &Error{Code: CodeConflict, Message: "This order line is already cancelled or refunded: its key is revoked."}
	}
	if amountMinor <= 0 || amountMinor > line.AmountMinor-line.CreditedMinor {
		return 0, &Error{Code: CodeConflict, Message: "The amount requested is more than what is left to credit on this order line."}
	}
	return amountMinor, nil
}

// ---- The desk's decision on a refund (R-SW-6) ----

// RefundDecision is the desk's answer to a refund case that names a
// software order line: approve (possibly less than requested) or reject.
type RefundDecision struct {
	Approve bool
	// Amount is the approved amount as typed, in the case's currency;
	// empty approves the amount requested.
	Amount string
	// Note is what the partner reads: on approval, why less than requested
	// (required then); on rejection, the reason (always required).
	Note string
}

// RefundAlreadyDecided is the answer to a decision that lost the race (a
// second click, a second desk user): the case was approved or rejected
// meanwhile.
func RefundAlreadyDecided() error {
	return &Error{Code: CodeConflict, Message: "This refund was already decided (approved or rejected) by someone else: reload the case to see the decision."}
}

// DecideRefund judges the desk's decision on a refund case in state, which
// asked for requested (minor units of currency) on line: the credit to
// issue (0 on a rejection) and the note the partner reads, or why not.
func DecideRefund(state CaseState, line SoftwareOrderLine, requested int64, currency string, d RefundDecision) (int64, string, error) {
	if state.Closed() {
		return 0, "", RefundAlreadyDecided()
	}
	note := strings.TrimSpace(d.Note)
	if len([]rune(note)) > 5000 {
		return 0, "", &Error{Code: CodeInvalid, Field: "note", Message: "Keep the note under 5,000 characters."}
	}
	if !d.Approve {
		if note == "" {
			return 0, "", &Error{Code: CodeInvalid, Field: "note", Message: "Write why the refund is rejected: the partner reads it."}
		}
		return 0, note, nil
	}
	amount := requested
	if strings.TrimSpace(d.Amount) != "" {
		m, ok := ParseCaseAmount(d.Amount, currency)
		if !ok {
			return 0, "", &Error{Code: CodeInvalid, Field: "amount", Message: "Enter an amount in the case's currency, e.g. 120.50."}
		}
		amount = m
	}
	switch {
	case amount <= 0:
		return 0, "", &Error{Code: CodeInvalid, Field: "amount", Message: "The amount must be more than zero."}
	case amount > requested:
		return 0, "", &Error{Code: CodeInvalid, Field: "amount", Message: "Approve at most the amount requested."}
	case amount < requested && note == "":
		return 0, "", &Error{Code: CodeInvalid, Field: "note", Message: "Say why less than the amount requested is refunded: the partner reads it."}
	}
	credit, err := RefundCredit(line, amount)
	if err != nil {
		return 0, "", err
	}
	return credit, note, nil
}
