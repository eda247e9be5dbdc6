package store_test

import (
	"strconv"
	"sync"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// refundAfterWindow places an order, moves past the 168 hours and returns
// the order line and a refund case input naming it.
func refundAfterWindow(t *testing.T, f *storetest.Fixture, account int64, key, amount string) (int64, models.CaseInput) {
	t.Helper()
	o := placeSoftware(t, f, account, key)
	var lineID int64
	f.Gorm.Table("software_order_lines").Select("id").Where("order_id = ?", o.Order.ID).Scan(&lineID)
	f.Clock.Advance(models.CancelWindow)
	in := refundInput(f)
	in.Fields["order_or_subscription_id"] = o.Order.Number
	in.Fields[models.FieldOrderLine] = strconv.FormatInt(lineID, 10)
	in.Fields["amount_requested"] = amount
	return lineID, in
}

func TestSoftwareRefundCase(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	desk := f.Actor("desk:support_engineer")
	refunds := func() int64 {
		var n int64
		f.Gorm.Table("credits").Where("billing_account_id = ? AND source = ?", ba.ID, models.CreditRefundApproved).Count(&n)
		return n
	}

	t.Run("only admin agents and super admins file; at most what was paid", func(t *testing.T) {
		_, in := refundAfterWindow(t, f, ba.ID, "refund-0", "250.00")
		if _, err := f.Store.FileCase(bg, f.Actor("A:helpdesk_agent"), in); !isCode(err, models.CodeForbidden) {
			t.Fatalf("helpdesk agent files a refund: %v", err)
		}
		in.Fields["amount_requested"] = "837.01" // the line cost 2 × 418.50
		_, err := f.Store.FileCase(bg, f.Actor("A:admin_agent"), in)
		if fe, _ := models.AsValidation(err); fe["cf_amount_requested"] == "" {
			t.Fatalf("more than paid: %v", err)
		}
		in.Fields["amount_requested"] = "837.00"
		if _, err := f.Store.FileCase(bg, f.Actor("A:super_admin"), in); err != nil {
			t.Fatalf("exactly what was paid: %v", err)
		}
	})

	t.Run("approve revokes the key, credits once and resolves the case", func(t *testing.T) {
		lineID, in := refundAfterWindow(t, f, ba.ID, "refund-1", "250.00")
		c, err := f.Store.FileCase(bg, f.Actor("A:admin_agent"), in)
		if err != nil {
			t.Fatal(err)
		}
		before := refunds()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = f.Store.RunCaseAction(bg, desk, c.ID, c.Version, models.ActionApproveRefund)
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !isCode(err, models.CodeConflict) {
				t.Fatalf("the losing approval: %v", err)
			}
		}
		if ok != 1 || refunds()-before != 1 {
			t.Fatalf("approvals ok = %d, credits = %d; want 1, 1", ok, refunds()-before)
		}
		var credit int64
		f.Gorm.Table("credits").Select("amount_minor").Where("idempotency_key = ?", "sw-refund:case:"+strconv.FormatInt(c.ID, 10)).Scan(&credit)
		if credit != 25000 {
			t.Fatalf("credit = %d", credit)
		}
		if _, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), lineID); !isCode(err, models.CodeConflict) {
			t.Fatalf("a refunded key was revealed: %v", err)
		}
		if _, err := f.Store.SoftwareDownloadLink(bg, f.Actor("A:admin_agent"), lineID, "en-US", "64", false); err == nil {
			t.Fatal("a refunded line still gives download links")
		}
		v, err := f.Store.GetCase(bg, desk, c.ID)
		if err != nil || v.State != models.CaseResolved {
			t.Fatalf("case = %+v, %v", v.State, err)
		}
		var state string
		f.Gorm.Table("software_order_lines").Select("state").Where("id = ?", lineID).Scan(&state)
		if state != string(models.LineRefunded) {
			t.Fatalf("line state = %s", state)
		}
		if n := caseCount(t, f.Gorm, "audit_events", "action = 'software.line_refunded' AND record_id = ?", lineID); n == 0 {
			t.Fatalf("refund audits = %d", n)
		}
	})

	t.Run("reject needs a reason the partner reads; then approve loses", func(t *testing.T) {
		_, in := refundAfterWindow(t, f, ba.ID, "refund-2", "100.00")
		c, err := f.Store.FileCase(bg, f.Actor("A:admin_agent"), in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Store.ChangeCaseState(bg, desk, c.ID, c.Version, models.CaseRejected, " ")
		if fe, _ := models.AsValidation(err); fe["note"] == "" {
			t.Fatalf("reject without a reason: %v", err)
		}
		r, err := f.Store.ChangeCaseState(bg, desk, c.ID, c.Version, models.CaseRejected, "The licence was activated.")
		if err != nil {
			t.Fatal(err)
		}
		before := refunds()
		if _, err := f.Store.RunCaseAction(bg, desk, c.ID, r.Version, models.ActionApproveRefund); !isCode(err, models.CodeConflict) {
			t.Fatalf("approve after reject: %v", err)
		}
		if refunds() != before {
			t.Fatal("a rejected refund was credited")
		}
	})
}

var _ = store.PlacedOrder{}
