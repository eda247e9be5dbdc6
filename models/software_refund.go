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
