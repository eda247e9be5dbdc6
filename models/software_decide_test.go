package models

import (
	"testing"
	"time"
)

func TestDecideRefund(t *testing.T) {
	paid := SoftwareOrderLine{AmountMinor: 83700, State: LineActive}
	revokedAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	revoked := SoftwareOrderLine{AmountMinor: 83700, State: LineCancelled, RevokedAt: &revokedAt}
	for _, tc := range []struct {
		name     string
		state    CaseState
		line     SoftwareOrderLine
		d        RefundDecision
		credit   int64
		code     Code
		field    string
		wantNote string
	}{
		{"approve the amount requested", CaseOpen, paid, RefundDecision{Approve: true}, 25000, "", "", ""},
		{"approve the amount requested, typed", CaseInProgress, paid, RefundDecision{Approve: true, Amount: "250.00"}, 25000, "", "", ""},
		{"approve less, with a note", CaseOpen, paid, RefundDecision{Approve: true, Amount: "120.50", Note: " Half was used. "}, 12050, "", "", "Half was used."},
		{"approve less without a note", CaseOpen, paid, RefundDecision{Approve: true, Amount: "120.50"}, 0, CodeInvalid, "note", ""},
		{"approve more than requested", CaseOpen, paid, RefundDecision{Approve: true, Amount: "250.01", Note: "x"}, 0, CodeInvalid, "amount", ""},
		{"approve nothing", CaseOpen, paid, RefundDecision{Approve: true, Amount: "0", Note: "x"}, 0, CodeInvalid, "amount", ""},
		{"approve a typo", CaseOpen, paid, RefundDecision{Approve: true, Amount: "12x", Note: "x"}, 0, CodeInvalid, "amount", ""},
		{"approve a revoked line", CaseOpen, revoked, RefundDecision{Approve: true}, 0, CodeConflict, "", ""},
		{"reject with a reason", CaseWaitingOnPartner, paid, RefundDecision{Note: "The licence was activated."}, 0, "", "", "The licence was activated."},
		{"reject without a reason", CaseOpen, paid, RefundDecision{Note: "  "}, 0, CodeInvalid, "note", ""},
		{"approve an approved case", CaseResolved, paid, RefundDecision{Approve: true}, 0, CodeConflict, "", ""},
		{"reject an approved case", CaseResolved, paid, RefundDecision{Note: "no"}, 0, CodeConflict, "", ""},
		{"approve a rejected case", CaseRejected, paid, RefundDecision{Approve: true}, 0, CodeConflict, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			credit, note, err := DecideRefund(tc.state, tc.line, 25000, "EUR", tc.d)
			if tc.code == "" {
				if err != nil || credit != tc.credit || note != tc.wantNote {
					t.Fatalf("DecideRefund = %d, %q, %v; want %d, %q", credit, note, err, tc.credit, tc.wantNote)
				}
				return
			}
			e, _ := err.(*Error)
			if e == nil || e.Code != tc.code || e.Field != tc.field || credit != 0 {
				t.Fatalf("DecideRefund = %d, %v; want %s on %q", credit, err, tc.code, tc.field)
			}
		})
	}
	t.Run("a lost race says it was already decided", func(t *testing.T) {
		_, _, err := DecideRefund(CaseResolved, paid, 25000, "EUR", RefundDecision{Approve: true})
		if err.Error() != RefundAlreadyDecided().Error() {
			t.Fatalf("err = %v", err)
		}
	})
}
