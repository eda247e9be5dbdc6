package store_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// The desk's decision on a refund case (R-SW-6): approve less than
// requested with a note, reject with a reason, once only, the partner
// emailed.
func TestSoftwareRefundDecision(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	desk := f.Actor("desk:support_engineer")
	file := func(t *testing.T, key, amount string) (int64, models.SupportCase) {
		t.Helper()
		lineID, in := refundAfterWindow(t, f, ba.ID, key, amount)
		c, err := f.Store.FileCase(bg, f.Actor("A:admin_agent"), in)
		if err != nil {
			t.Fatal(err)
		}
		return lineID, c
	}
	credit := func(caseID int64) (n, amount int64) {
		f.Gorm.Table("credits").Where("idempotency_key = ?", "sw-refund:case:"+strconv.FormatInt(caseID, 10)).Count(&n)
		f.Gorm.Table("credits").Select("coalesce(sum(amount_minor), 0)").Where("idempotency_key = ?", "sw-refund:case:"+strconv.FormatInt(caseID, 10)).Scan(&amount)
		return n, amount
	}
	mailTo := func(caseID int64) int64 {
		return caseCount(t, f.Gorm, "outbox", "to_email = ? AND link = ?", f.Email("A:admin_agent"), "/console/cases/"+strconv.FormatInt(caseID, 10))
	}

	t.Run("approve less than requested needs a note; the credit is the approved amount", func(t *testing.T) {
		lineID, c := file(t, "decide-1", "250.00")
		_, err := f.Store.DecideSoftwareRefund(bg, desk, c.ID, models.RefundDecision{Approve: true, Amount: "100.00"})
		if fe, _ := models.AsValidation(err); fe["note"] == "" && !strings.Contains(err.Error(), "note") {
			t.Fatalf("less without a note: %v", err)
		}
		if _, err := f.Store.DecideSoftwareRefund(bg, desk, c.ID, models.RefundDecision{Approve: true, Amount: "250.01", Note: "x"}); models.ErrorCode(err) != models.CodeInvalid {
			t.Fatalf("more than requested: %v", err)
		}
		if n, _ := credit(c.ID); n != 0 {
			t.Fatal("a refused decision credited")
		}
		mails := mailTo(c.ID)
		got, err := f.Store.DecideSoftwareRefund(bg, desk, c.ID, models.RefundDecision{Approve: true, Amount: "100.00", Note: "The licence was used for a month."})
		if err != nil || got.State != models.CaseResolved {
			t.Fatalf("approve less: %+v, %v", got.State, err)
		}
		if n, amount := credit(c.ID); n != 1 || amount != 10000 {
			t.Fatalf("credits = %d of %d; want 1 of 10000", n, amount)
		}
		var line models.SoftwareOrderLine
		f.Gorm.Where("id = ?", lineID).Take(&line)
		if !line.Revoked() || line.CreditedMinor != 10000 {
			t.Fatalf("line = %s, credited %d", line.State, line.CreditedMinor)
		}
		if mailTo(c.ID) <= mails {
			t.Fatal("the partner was not emailed")
		}
		if n := caseCount(t, f.Gorm, "case_comments", "case_id = ? AND state_to = 'resolved' AND body LIKE ?", c.ID, "%used for a month%"); n != 1 {
			t.Fatalf("the note is not in the thread (%d)", n)
		}
		if n := caseCount(t, f.Gorm, "audit_events", "action = 'case.refund_approved' AND record_id = ? AND organisation_id = ?", c.ID, f.ConsoleA.ID); n != 1 {
			t.Fatalf("approval audits = %d", n)
		}
	})

	t.Run("reject needs a reason the partner reads", func(t *testing.T) {
		lineID, c := file(t, "decide-2", "80.00")
		_, err := f.Store.DecideSoftwareRefund(bg, desk, c.ID, models.RefundDecision{Note: " "})
		if models.ErrorCode(err) != models.CodeInvalid {
			t.Fatalf("reject without a reason: %v", err)
		}
		mails := mailTo(c.ID)
		got, err := f.Store.DecideSoftwareRefund(bg, desk, c.ID, models.RefundDecision{Note: "The key was activated on 40 devices."})
		if err != nil || got.State != models.CaseRejected {
			t.Fatalf("reject: %+v, %v", got.State, err)
		}
		if n, _ := credit(c.ID); n != 0 {
			t.Fatal("a rejected refund was credited")
		}
		if _, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), lineID); err != nil {
			t.Fatalf("a rejected refund revoked the key: %v", err)
		}
		if mailTo(c.ID) <= mails {
			t.Fatal("the partner was not emailed")
		}
		if n := caseCount(t, f.Gorm, "case_comments", "case_id = ? AND state_to = 'rejected' AND body = ?", c.ID, "The key was activated on 40 devices."); n != 1 {
			t.Fatalf("the reason is not in the thread (%d)", n)
		}
		if n := caseCount(t, f.Gorm, "audit_events", "action = 'case.refund_rejected' AND record_id = ? AND organisation_id = ?", c.ID, f.ConsoleA.ID); n != 1 {
			t.Fatalf("rejection audits = %d", n)
		}
	})

	t.Run("concurrent approve and reject: one wins, the other is told it was decided", func(t *testing.T) {
		for round := 0; round < 3; round++ {
			lineID, c := file(t, "decide-race-"+strconv.Itoa(round), "50.00")
			decisions := []models.RefundDecision{{Approve: true}, {Note: "No."}, {Approve: true, Amount: "20.00", Note: "Partly."}, {Note: "Not at all."}}
			errs := make([]error, len(decisions))
			var wg sync.WaitGroup
			for i := range decisions {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, errs[i] = f.Store.DecideSoftwareRefund(bg, desk, c.ID, decisions[i])
				}(i)
			}
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch {
				case err == nil:
					if won >= 0 {
						t.Fatalf("two decisions won: %d and %d", won, i)
					}
					won = i
				case err.Error() != models.RefundAlreadyDecided().Error():
					t.Fatalf("a losing decision: %v", err)
				}
			}
			if won < 0 {
				t.Fatal("no decision won")
			}
			n, amount := credit(c.ID)
			var line models.SoftwareOrderLine
			f.Gorm.Where("id = ?", lineID).Take(&line)
			if decisions[won].Approve {
				want := int64(5000)
				if decisions[won].Amount != "" {
					want = 2000
				}
				if n != 1 || amount != want || !line.Revoked() {
					t.Fatalf("approved: credits %d of %d, revoked %v", n, amount, line.Revoked())
				}
			} else if n != 0 || line.Revoked() {
				t.Fatalf("rejected: credits %d, revoked %v", n, line.Revoked())
			}
			decided := caseCount(t, f.Gorm, "audit_events", "action IN ('case.refund_approved', 'case.refund_rejected') AND record_id = ? AND organisation_id = ?", c.ID, f.ConsoleA.ID)
			if decided != 1 {
				t.Fatalf("decision audits = %d, want 1", decided)
			}
		}
	})

	t.Run("only the desk decides", func(t *testing.T) {
		_, c := file(t, "decide-3", "10.00")
		if _, err := f.Store.DecideSoftwareRefund(bg, f.Actor("A:admin_agent"), c.ID, models.RefundDecision{Approve: true}); models.ErrorCode(err) != models.CodeForbidden {
			t.Fatalf("a partner approved: %v", err)
		}
	})
}
