package store_test

import (
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// openInvoice writes an open invoice of total on the account, issued on day.
func openInvoice(t *testing.T, f *storetest.Fixture, accountID int64, cur string, total int64, issued time.Time) models.Invoice {
	t.Helper()
	inv := models.Invoice{Number: "T-" + issued.Format("20060102") + "-" + cur + "-" + time.Now().Format("150405.000000000"), BillingAccountID: accountID,
		PeriodStart: issued.AddDate(0, -1, 0), PeriodEnd: issued, Currency: cur, SubtotalMinor: total, TotalMinor: total, State: models.InvoiceOpen,
		IssuedOn: issued, DueOn: issued.AddDate(0, 0, 30), CreatedAt: issued, UpdatedAt: issued}
	if err := f.Gorm.Create(&inv).Error; err != nil {
		t.Fatalf("invoice: %v", err)
	}
	return inv
}

func TestBillingHelpers(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	t.Run("addCharge is idempotent by key and checks the currency", func(t *testing.T) {
		key := "charge-1"
		c := models.BillingCharge{BillingAccountID: ba.ID, Kind: models.ChargeOther, Description: "x", AmountMinor: 500, IdempotencyKey: &key}
		for i := 0; i < 2; i++ {
			if err := f.Store.AddChargeForTest(bg, c); err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		f.Gorm.Model(&models.BillingCharge{}).Where("billing_account_id = ?", ba.ID).Count(&n)
		if n != 1 {
			t.Fatalf("charges = %d, want 1", n)
		}
		c.IdempotencyKey, c.Currency = nil, "JPY"
		if err := f.Store.AddChargeForTest(bg, c); err == nil {
			t.Fatal("a JPY charge on a EUR account was accepted")
		}
		c.Currency, c.AmountMinor = "", 0
		if err := f.Store.AddChargeForTest(bg, c); err == nil {
			t.Fatal("a zero charge was accepted")
		}
	})
	t.Run("addCredit starts with the whole amount remaining", func(t *testing.T) {
		key := "credit-1"
		for i := 0; i < 2; i++ {
			if err := f.Store.AddCreditForTest(bg, models.Credit{BillingAccountID: ba.ID, AmountMinor: 700, Source: models.CreditOverPayment, IdempotencyKey: &key}); err != nil {
				t.Fatal(err)
			}
		}
		var cs []models.Credit
		f.Gorm.Where("billing_account_id = ?", ba.ID).Find(&cs)
		if len(cs) != 1 || cs[0].RemainingMinor != 700 || cs[0].Currency != "EUR" {
			t.Fatalf("credits = %+v", cs)
		}
	})
	t.Run("allocatePayment pays the oldest first and returns the over-payment", func(t *testing.T) {
		d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		older := openInvoice(t, f, ba.ID, "EUR", 1000, d)
		newer := openInvoice(t, f, ba.ID, "EUR", 3000, d.AddDate(0, 1, 0))
		if due, _ := f.Store.BalanceDueForTest(bg, ba.ID); due != 4000 {
			t.Fatalf("balance = %d", due)
		}
		over, err := f.Store.AllocatePaymentForTest(bg, ba.ID, 1500, "pay-1")
		if err != nil || over != 0 {
			t.Fatalf("allocate: %d %v", over, err)
		}
		var a, b models.Invoice
		f.Gorm.Take(&a, older.ID)
		f.Gorm.Take(&b, newer.ID)
		if a.State != models.InvoicePaid || a.PaidMinor != 1000 || b.State != models.InvoiceOpen || b.PaidMinor != 500 {
			t.Fatalf("after 15.00: %+v / %+v", a, b)
		}
		over, err = f.Store.AllocatePaymentForTest(bg, ba.ID, 4000, "pay-2")
		if err != nil || over != 1500 {
			t.Fatalf("over-payment: %d %v", over, err)
		}
		if due, _ := f.Store.BalanceDueForTest(bg, ba.ID); due != 0 {
			t.Fatalf("balance = %d", due)
		}
		m, err := f.Store.BalanceDue(bg, f.Actor("A:super_admin"), ba.ID)
		if err != nil || m.Minor != 0 || m.Currency != "EUR" {
			t.Fatalf("BalanceDue = %+v %v", m, err)
		}
		if _, err := f.Store.BalanceDue(bg, f.Actor("B:super_admin"), ba.ID); !isNotFound(err) {
			t.Fatalf("another console's balance: %v", err)
		}
		if _, err := f.Store.BalanceDue(bg, f.Actor("A:sales_agent"), ba.ID); err == nil {
			t.Fatal("a sales agent read the balance")
		}
	})
}
