package models

import (
	"testing"
	"time"
)

func TestWhoMayFileARefund(t *testing.T) {
	for _, tc := range []struct {
		name string
		role Role
		typ  CaseType
		ok   bool
	}{
		{"admin agent files a refund", RoleAdminAgent, CaseCSPRefund, true},
		{"super admin files a refund", RoleSuperAdmin, CaseCSPRefund, true},
		{"helpdesk agent may not", RoleHelpdeskAgent, CaseCSPRefund, false},
		{"sales agent may not", RoleSalesAgent, CaseCSPRefund, false},
		{"helpdesk agent files a billing question", RoleHelpdeskAgent, CaseBillingQuestion, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CanFileCaseType(tc.role, tc.typ)
			if (err == nil) != tc.ok || (err != nil && ErrorCode(err) != CodeForbidden) {
				t.Fatalf("CanFileCaseType(%s, %s) = %v", tc.role, tc.typ, err)
			}
		})
	}
}

func TestRefundAmountAtMostWhatWasPaid(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	line := SoftwareOrderLine{State: LineActive, AmountMinor: 10000}
	for _, tc := range []struct {
		name   string
		line   SoftwareOrderLine
		amount int64
		ok     bool
	}{
		{"less than paid", line, 5000, true},
		{"exactly what was paid", line, 10000, true},
		{"more than paid", line, 10001, false},
		{"more than left after a credit", SoftwareOrderLine{State: LineActive, AmountMinor: 10000, CreditedMinor: 4000}, 7000, false},
		{"a revoked line", SoftwareOrderLine{State: LineCancelled, AmountMinor: 10000, RevokedAt: &now}, 100, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRefundRequest(tc.line, tc.amount)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckRefundRequest = %v, want ok %v", err, tc.ok)
			}
			if err != nil && ErrorCode(err) != CodeInvalid {
				t.Fatalf("code = %s", ErrorCode(err))
			}
			if _, err := RefundCredit(tc.line, tc.amount); (err == nil) != tc.ok {
				t.Fatalf("RefundCredit = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestRefundCaseNeedsPhoneAndAGoodOrderLine(t *testing.T) {
	base := CaseInput{Type: CaseCSPRefund, Impact: ImpactHigh, Title: "Refund", Description: "d", CustomerID: 9,
		ContactName: "A", ContactEmail: "a@b.test", ContactPhone: "+33 1 23 45 67 89",
		Fields: map[string]string{"customer_name": "C", "tenant_or_domain": "c.test", "order_or_subscription_id": "SW-1",
			"refund_reason": "r", "amount_requested": "10.00", FieldOrderLine: "12"}}
	for _, tc := range []struct {
		name  string
		edit  func(*CaseInput)
		field string
	}{
		{"complete", func(*CaseInput) {}, ""},
		{"no phone", func(in *CaseInput) { in.ContactPhone = "" }, "contact_phone"},
		{"bad order line", func(in *CaseInput) { in.Fields[FieldOrderLine] = "x" }, "cf_order_line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			in.Fields = map[string]string{}
			for k, v := range base.Fields {
				in.Fields[k] = v
			}
			tc.edit(&in)
			in.Normalize()
			fe, _ := AsValidation(in.Validate("EUR"))
			if tc.field == "" && len(fe) != 0 || tc.field != "" && fe[tc.field] == "" {
				t.Fatalf("errors = %v, want on %q", fe, tc.field)
			}
		})
	}
}
