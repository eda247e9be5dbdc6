package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// payFixture is a direct billing account of customer A (EUR) with one
// subscription billed to it.
type payFixture struct {
	*storetest.Fixture
	Account int64
	Sub     int64
}

func newPayFixture(t *testing.T) *payFixture {
	t.Helper()
	f := storetest.Seed(t)
	pf := &payFixture{Fixture: f}
	now := f.Clock.Now()
	if err := f.Gorm.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'Customer A direct', 'EUR', 'Customer A SAS', ?, ?) RETURNING id`, f.CustomerA.ID, now, now).Scan(&pf.Account).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.Gorm.Raw(`INSERT INTO subscriptions (customer_id, product_id, quantity, plan, channel, status, start_date, end_date,
  renewal_option, billing_account_id, created_at, updated_at)
VALUES (?, (SELECT min(id) FROM products), 10, 'annual_monthly', 'online', 'active', ?, ?, 'auto_renew', ?, ?, ?) RETURNING id`,
		f.CustomerA.ID, now.AddDate(0, -3, 0), now.AddDate(1, 0, 0), pf.Account, now, now).Scan(&pf.Sub).Error; err != nil {
		t.Fatal(err)
	}
	return pf
}

// invoice adds an open invoice of total minor units due on due.
func (pf *payFixture) invoice(t *testing.T, total int64, due time.Time) int64 {
	t.Helper()
	seq := int(pf.count(t, "SELECT count(*) FROM invoices WHERE billing_account_id = ?", pf.Account))
	start := time.Date(2025, time.Month(1+seq), 1, 0, 0, 0, 0, time.UTC)
	var id int64
	if err := pf.Gorm.Raw(`INSERT INTO invoices (number, billing_account_id, period_start, period_end, currency, subtotal_minor, total_minor,
  state, issued_on, due_on, created_at, updated_at)
VALUES (?, ?, ?, ?, 'EUR', ?, ?, 'open', ?, ?, now(), now()) RETURNING id`, fmt.Sprintf("INV-T-%d-%d", pf.Account, seq), pf.Account,
		start, start.AddDate(0, 1, 0), total, total, due.AddDate(0, 0, -30), due).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

func (pf *payFixture) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := pf.Gorm.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (pf *payFixture) addCard(t *testing.T, actor, number string, primary bool) models.PaymentMethod {
	t.Helper()
	m, err := pf.Store.AddPaymentMethod(context.Background(), pf.Actor(actor), pf.Account,
		models.CardInput{Number: number, ExpMonth: 12, ExpYear: 2030, Name: "Ann Payer", MakePrimary: primary})
	if err != nil {
		t.Fatalf("add card %s: %v", number, err)
	}
	return m
}

func fieldMsg(err error, field string) string {
	f, _ := models.AsValidation(err)
	return f[field]
}

// The full card number is in no row of any table after a card is added
// and a payment made with it (only the token, brand, last 4, expiry).
func TestCardNumberNeverStored(t *testing.T) {
	pf := newPayFixture(t)
	pf.invoice(t, 12000, pf.Clock.Now())
	m := pf.addCard(t, "custA:customer_admin", "4242 4242 4242 4242", false)
	if m.Last4 != "4242" || m.Brand != "Visa" || !m.IsPrimary || m.Token == "" {
		t.Fatalf("card %+v", m)
	}
	if _, err := pf.Store.PayBalance(context.Background(), pf.Actor("custA:customer_billing"), pf.Account,
		models.PaymentInput{Amount: "120", NewCard: &models.CardInput{Number: "5555555555554444", ExpMonth: 1, ExpYear: 2031, Name: "B"}, Key: "key-never-stored-0001"}); err != nil {
		t.Fatal(err)
	}
	var tables []string
	pf.Gorm.Raw("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").Scan(&tables)
	for _, tb := range tables {
		var rows []string
		if err := pf.Gorm.Raw(fmt.Sprintf(`SELECT t::text FROM %q t`, tb)).Scan(&rows).Error; err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		for _, r := range rows {
			for _, n := range []string{"4242424242424242", "4242 4242 4242 4242", "5555555555554444", "424242424242"} {
				if strings.Contains(r, n) {
					t.Fatalf("table %s holds the card number: %s", tb, r)
				}
			}
		}
	}
}

func TestPaymentMethodRules(t *testing.T) {
	pf := newPayFixture(t)
	ctx := context.Background()
	admin := pf.Actor("custA:customer_admin")
	t.Run("bad input on the field, nothing saved", func(t *testing.T) {
		for _, tc := range []struct {
			in    models.CardInput
			field string
		}{
			{models.CardInput{Number: "4242424242424241", ExpMonth: 12, ExpYear: 2030, Name: "A"}, "card_number"},
			{models.CardInput{Number: "4111111111111111", ExpMonth: 12, ExpYear: 2030, Name: "A"}, "card_number"}, // not a test card
			{models.CardInput{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2020, Name: "A"}, "exp_year"},
			{models.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030}, "card_name"},
		} {
			_, err := pf.Store.AddPaymentMethod(ctx, admin, pf.Account, tc.in)
			if fieldMsg(err, tc.field) == "" {
				t.Fatalf("%v: %v", tc.in, err)
			}
		}
		if n := pf.count(t, "SELECT count(*) FROM payment_methods"); n != 0 {
			t.Fatalf("%d cards saved", n)
		}
	})
	t.Run("roles and tenants", func(t *testing.T) {
		in := models.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Name: "A"}
		if _, err := pf.Store.AddPaymentMethod(ctx, pf.Actor("custA:customer_viewer"), pf.Account, in); models.ErrorCode(err) != models.CodeForbidden {
			t.Fatalf("viewer: %v", err)
		}
		if _, err := pf.Store.AddPaymentMethod(ctx, pf.Actor("custB:customer_admin"), pf.Account, in); models.ErrorCode(err) != models.CodeNotFound {
			t.Fatalf("foreign customer: %v", err)
		}
		if _, err := pf.Store.AddPaymentMethod(ctx, pf.Actor("A:super_admin"), pf.Account, in); models.ErrorCode(err) != models.CodeNotFound {
			t.Fatalf("console on a direct account: %v", err)
		}
	})
	first := pf.addCard(t, "custA:customer_admin", "4242424242424242", false)
	second := pf.addCard(t, "custA:customer_admin", "5555555555554444", false)
	if !first.IsPrimary || second.IsPrimary {
		t.Fatalf("primary: %v %v", first.IsPrimary, second.IsPrimary)
	}
	t.Run("make primary", func(t *testing.T) {
		if err := pf.Store.MakePrimaryPaymentMethod(ctx, admin, pf.Account, second.ID); err != nil {
			t.Fatal(err)
		}
		if n := pf.count(t, "SELECT count(*) FROM payment_methods WHERE is_primary AND id = ?", second.ID); n != 1 {
			t.Fatal("not primary")
		}
		if err := pf.Store.MakePrimaryPaymentMethod(ctx, pf.Actor("custA:customer_billing"), pf.Account, first.ID); models.ErrorCode(err) != models.CodeForbidden {
			t.Fatalf("billing user chose the primary: %v", err)
		}
	})
	t.Run("change expiry", func(t *testing.T) {
		if err := pf.Store.ChangeCardExpiry(ctx, admin, pf.Account, first.ID, 13, 2031); fieldMsg(err, "exp_month") == "" {
			t.Fatalf("month 13: %v", err)
		}
		if err := pf.Store.ChangeCardExpiry(ctx, admin, pf.Account, first.ID, 6, 2032); err != nil {
			t.Fatal(err)
		}
		if n := pf.count(t, "SELECT count(*) FROM payment_methods WHERE id = ? AND exp_month = 6 AND exp_year = 2032", first.ID); n != 1 {
			t.Fatal("expiry not changed")
		}
	})
	t.Run("remove: not the last one while a balance is due", func(t *testing.T) {
		pf.invoice(t, 5000, pf.Clock.Now().AddDate(0, 0, 10))
		if err := pf.Store.RemovePaymentMethod(ctx, admin, pf.Account, second.ID); err != nil {
			t.Fatal(err)
		}
		if n := pf.count(t, "SELECT count(*) FROM payment_methods WHERE is_primary AND removed_at IS NULL AND id = ?", first.ID); n != 1 {
			t.Fatal("the remaining card did not become primary")
		}
		err := pf.Store.RemovePaymentMethod(ctx, admin, pf.Account, first.ID)
		if models.ErrorCode(err) != models.CodeConflict {
			t.Fatalf("removed the last card with a balance: %v", err)
		}
		if n := pf.count(t, "SELECT count(*) FROM audit_events WHERE action LIKE 'payment_method.%'"); n < 4 {
			t.Fatalf("audit events %d", n)
		}
	})
}

func TestPayBalance(t *testing.T) {
	pf := newPayFixture(t)
	ctx := context.Background()
	payer := pf.Actor("custA:customer_billing")
	card := pf.addCard(t, "custA:customer_admin", "4242424242424242", true)
	inv := pf.invoice(t, 12000, pf.Clock.Now().AddDate(0, 0, 5))

	t.Run("minimum per currency named on the field", func(t *testing.T) {
		_, err := pf.Store.PayBalance(ctx, payer, pf.Account, models.PaymentInput{Amount: "9.99", MethodID: card.ID, Key: "key-minimum-0000001"})
		if fieldMsg(err, "amount") != models.MsgMinimumPayment {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("declined card: the processor's reason, nothing changes", func(t *testing.T) {
		_, err := pf.Store.PayBalance(ctx, payer, pf.Account, models.PaymentInput{Amount: "120",
			NewCard: &models.CardInput{Number: "4000000000009995", ExpMonth: 1, ExpYear: 2031, Name: "X"}, Key: "key-declined-000001"})
		if fieldMsg(err, "card_number") != "Your card has insufficient funds." {
			t.Fatalf("got %v", err)
		}
		if n := pf.count(t, "SELECT count(*) FROM payments") + pf.count(t, "SELECT count(*) FROM payment_methods WHERE last4 = '9995'"); n != 0 {
			t.Fatalf("a declined payment changed %d rows", n)
		}
		if n := pf.count(t, "SELECT paid_minor FROM invoices WHERE id = ?", inv); n != 0 {
			t.Fatal("invoice touched")
		}
	})
	t.Run("forbidden and foreign", func(t *testing.T) {
		in := models.PaymentInput{Amount: "120", MethodID: card.ID, Key: "key-forbidden-00001"}
		if _, err := pf.Store.PayBalance(ctx, pf.Actor("custA:customer_viewer"), pf.Account, in); models.ErrorCode(err) != models.CodeForbidden {
			t.Fatalf("viewer: %v", err)
		}
		if _, err := pf.Store.PayBalance(ctx, pf.Actor("custB:customer_billing"), pf.Account, in); models.ErrorCode(err) != models.CodeNotFound {
			t.Fatalf("foreign: %v", err)
		}
	})
	t.Run("50 parallel posts of one form take one payment", func(t *testing.T) {
		in := models.PaymentInput{Amount: "150", MethodID: card.ID, Key: "key-fifty-parallel-01"}
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		ids := make(chan int64, 50)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := pf.Store.PayBalance(ctx, payer, pf.Account, in)
				if err != nil {
					errs <- err
					return
				}
				ids <- r.Payment.ID
			}()
		}
		wg.Wait()
		close(errs)
		close(ids)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for id := range ids {
			seen[id] = true
		}
		if len(seen) != 1 {
			t.Fatalf("payments %v", seen)
		}
		if n := pf.count(t, "SELECT count(*) FROM payments"); n != 1 {
			t.Fatalf("%d payments", n)
		}
		if n := pf.count(t, "SELECT count(*) FROM invoices WHERE id = ? AND state = 'paid'", inv); n != 1 {
			t.Fatal("invoice not paid")
		}
		// 150 on 120 due: 30 over-paid, one credit.
		if n := pf.count(t, "SELECT COALESCE(SUM(amount_minor), 0) FROM credits WHERE source = 'over_payment'"); n != 3000 {
			t.Fatalf("over-payment credit %d", n)
		}
		r, err := pf.Store.PayBalance(ctx, payer, pf.Account, in)
		if err != nil || !r.Replayed || r.OverPaidMinor != 3000 || r.AllocatedMinor != 12000 {
			t.Fatalf("replay %+v %v", r, err)
		}
	})
}

// A manual payment that races the automatic one (seed 004's double
// payment): one is allocated, the other becomes one over-payment credit,
// applied to the next invoice.
func TestManualPaymentRacingAutomaticCreditsTheOverPayment(t *testing.T) {
	pf := newPayFixture(t)
	ctx := context.Background()
	card := pf.addCard(t, "custA:customer_admin", "4242424242424242", true)
	inv := pf.invoice(t, 12000, pf.Clock.Now())
	var wg sync.WaitGroup
	var manual error
	var auto int
	var autoErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, manual = pf.Store.PayBalance(ctx, pf.Actor("custA:customer_billing"), pf.Account,
			models.PaymentInput{Amount: "120", MethodID: card.ID, Key: "key-race-manual-0001"})
	}()
	go func() { defer wg.Done(); auto, autoErr = pf.Store.ChargeDueInvoices(ctx) }()
	wg.Wait()
	if manual != nil || autoErr != nil {
		t.Fatal(manual, autoErr)
	}
	autos := pf.count(t, "SELECT count(*) FROM payments WHERE kind = 'automatic' AND state = 'succeeded'")
	credits := pf.count(t, "SELECT COALESCE(SUM(amount_minor), 0) FROM credits WHERE source = 'over_payment'")
	ncredits := pf.count(t, "SELECT count(*) FROM credits WHERE source = 'over_payment'")
	if pf.count(t, "SELECT count(*) FROM invoices WHERE id = ? AND state = 'paid'", inv) != 1 {
		t.Fatal("invoice not paid")
	}
	// The automatic charge may have come first (then the manual one is all
	// over-payment) or found the invoice paid (then it charged nothing).
	switch {
	case autos == 1 && auto == 1:
		if credits != 12000 || ncredits != 1 {
			t.Fatalf("over-payment credit %d (%d)", credits, ncredits)
		}
	case autos == 0:
		if credits != 0 {
			t.Fatalf("credit %d without a double payment", credits)
		}
	default:
		t.Fatalf("automatic payments %d", autos)
	}
	// Force the race's worst order: the invoice is paid by the automatic
	// charge, then the manual form posted from the stale page.
	pf2 := newPayFixture(t)
	card2 := pf2.addCard(t, "custA:customer_admin", "4242424242424242", true)
	pf2.invoice(t, 12000, pf2.Clock.Now())
	if n, err := pf2.Store.ChargeDueInvoices(ctx); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	r, err := pf2.Store.PayBalance(ctx, pf2.Actor("custA:customer_billing"), pf2.Account,
		models.PaymentInput{Amount: "120", MethodID: card2.ID, Key: "key-race-manual-0002"})
	if err != nil || r.OverPaidMinor != 12000 || r.AllocatedMinor != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	if n := pf2.count(t, "SELECT count(*) FROM credits WHERE source = 'over_payment' AND remaining_minor = 12000"); n != 1 {
		t.Fatalf("over-payment credits %d", n)
	}
	// A second run of the job charges nothing more.
	if n, err := pf2.Store.ChargeDueInvoices(ctx); err != nil || n != 0 {
		t.Fatal(n, err)
	}
}

// R-LIC-4 with a moved clock: unpaid → suspended → paid → active at once;
// and a fixed card reactivates after the next successful automatic charge.
func TestNonPaymentLifecycle(t *testing.T) {
	ctx := context.Background()
	t.Run("paying the balance reactivates at once", func(t *testing.T) {
		pf := newPayFixture(t)
		due := pf.Clock.Now()
		pf.invoice(t, 12000, due)
		pf.Clock.Set(due.AddDate(0, 0, 29))
		if n, err := pf.Store.SuspendNonPaying(ctx); err != nil || n != 0 {
			t.Fatalf("29 days: %d %v", n, err)
		}
		pf.Clock.Set(due.AddDate(0, 0, 30))
		if n, err := pf.Store.SuspendNonPaying(ctx); err != nil || n != 1 {
			t.Fatalf("30 days: %d %v", n, err)
		}
		if n, err := pf.Store.SuspendNonPaying(ctx); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
		if pf.count(t, "SELECT count(*) FROM subscriptions WHERE id = ? AND status = 'suspended' AND 'non_payment' = ANY(suspension_reasons)", pf.Sub) != 1 {
			t.Fatal("not suspended")
		}
		if pf.count(t, "SELECT count(*) FROM notifications WHERE title LIKE '%suspended for non-payment%'") == 0 {
			t.Fatal("no notice")
		}
		r, err := pf.Store.PayBalance(ctx, pf.Actor("custA:customer_billing"), pf.Account, models.PaymentInput{Amount: "120",
			NewCard: &models.CardInput{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2031, Name: "A"}, Key: "key-lifecycle-000001"})
		if err != nil || r.Reactivated != 1 {
			t.Fatalf("%+v %v", r, err)
		}
		if pf.count(t, "SELECT count(*) FROM subscriptions WHERE id = ? AND status = 'active' AND cardinality(suspension_reasons) = 0", pf.Sub) != 1 {
			t.Fatal("not active at once")
		}
	})
	t.Run("a fixed card reactivates after the next automatic charge", func(t *testing.T) {
		pf := newPayFixture(t)
		admin := pf.Actor("custA:customer_admin")
		bad := pf.addCard(t, "custA:customer_admin", "4000000000000002", true)
		due := pf.Clock.Now()
		pf.invoice(t, 12000, due)
		if n, err := pf.Store.ChargeDueInvoices(ctx); err != nil || n != 0 {
			t.Fatal(n, err)
		}
		if pf.count(t, "SELECT count(*) FROM payments WHERE state = 'declined' AND decline_reason = 'Your card was declined.'") != 1 {
			t.Fatal("declined attempt not recorded")
		}
		pf.Clock.Set(due.AddDate(0, 0, 31))
		if n, err := pf.Store.SuspendNonPaying(ctx); err != nil || n != 1 {
			t.Fatal(n, err)
		}
		good := pf.addCard(t, "custA:customer_admin", "5555555555554444", true)
		_ = bad
		if pf.count(t, "SELECT count(*) FROM subscriptions WHERE id = ? AND status = 'suspended'", pf.Sub) != 1 {
			t.Fatal("fixing the card alone reactivated")
		}
		if n, err := pf.Store.RetryFailedCharges(ctx); err != nil || n != 1 {
			t.Fatalf("retry: %d %v", n, err)
		}
		if pf.count(t, "SELECT count(*) FROM payments WHERE state = 'succeeded' AND payment_method_id = ?", good.ID) != 1 {
			t.Fatal("new card not charged")
		}
		if pf.count(t, "SELECT count(*) FROM subscriptions WHERE id = ? AND status = 'active'", pf.Sub) != 1 {
			t.Fatal("not reactivated after the automatic charge")
		}
		if err := pf.Store.RemovePaymentMethod(ctx, admin, pf.Account, bad.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("retry waits an hour and a processing error is retried", func(t *testing.T) {
		pf := newPayFixture(t)
		pf.addCard(t, "custA:customer_admin", "4000000000000119", true)
		pf.invoice(t, 12000, pf.Clock.Now())
		if n, err := pf.Store.ChargeDueInvoices(ctx); err != nil || n != 0 {
			t.Fatal(n, err)
		}
		if n, err := pf.Store.RetryFailedCharges(ctx); err != nil || pf.count(t, "SELECT count(*) FROM payments") != 1 {
			t.Fatal("retried within the hour", n, err)
		}
		pf.Clock.Advance(time.Hour)
		if _, err := pf.Store.RetryFailedCharges(ctx); err != nil || pf.count(t, "SELECT count(*) FROM payments WHERE state = 'pending_retry'") != 2 {
			t.Fatal("not retried after an hour", err)
		}
	})
}

func TestIssueCredit(t *testing.T) {
	pf := newPayFixture(t)
	ctx := context.Background()
	desk := pf.Actor("desk:operator_admin")
	in := models.CreditInput{Amount: "25.50", Reason: "Service outage on 3 March", Key: "key-credit-00000001"}
	if _, err := pf.Store.IssueCredit(ctx, pf.Actor("custA:customer_admin"), pf.Account, in); models.ErrorCode(err) != models.CodeForbidden {
		t.Fatalf("customer issued a credit: %v", err)
	}
	if _, err := pf.Store.IssueCredit(ctx, pf.Actor("desk:sales_rep"), pf.Account, in); models.ErrorCode(err) != models.CodeForbidden {
		t.Fatalf("sales rep issued a credit: %v", err)
	}
	for _, bad := range []models.CreditInput{
		{Amount: "0", Reason: "Service outage", Key: in.Key},
		{Amount: "abc", Reason: "Service outage", Key: in.Key},
		{Amount: "10", Reason: "", Key: in.Key},
	} {
		if _, err := pf.Store.IssueCredit(ctx, desk, pf.Account, bad); models.ErrorCode(err) != models.CodeInvalid {
			t.Fatalf("%+v: %v", bad, err)
		}
	}
	if pf.count(t, "SELECT count(*) FROM credits") != 0 {
		t.Fatal("bad input saved")
	}
	c, err := pf.Store.IssueCredit(ctx, desk, pf.Account, in)
	if err != nil || c.AmountMinor != 2550 || c.Source != models.CreditManual {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := pf.Store.IssueCredit(ctx, desk, pf.Account, in); err != nil {
		t.Fatal(err)
	}
	if pf.count(t, "SELECT count(*) FROM credits") != 1 || pf.count(t, "SELECT count(DISTINCT record_id) FROM audit_events WHERE action = 'credit.issued'") != 1 ||
		pf.count(t, "SELECT count(*) FROM audit_events WHERE action = 'credit.issued'") != 2 { // one row per organisation: the customer's log and the desk's
		t.Fatal("credit issued twice or not audited")
	}
	_, rows, err := pf.Store.AccountCredits(ctx, desk, pf.Account)
	if err != nil || len(rows) != 1 || rows[0].CreatedByName == "" {
		t.Fatalf("%+v %v", rows, err)
	}
}

// The demo has a card on Fjord Direct's account, a billing user who can pay
// there (from the billing core's demo), and Évora Conseil suspended for non-payment.
func TestPayDemo(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Gorm.Raw(`SELECT count(*) FROM payment_methods m JOIN billing_accounts ba ON ba.id = m.billing_account_id
JOIN customers c ON c.id = ba.customer_id WHERE c.domain = 'fjord-direct.example' AND m.is_primary AND m.last4 = '4242'`).Scan(&n)
	if n != 1 {
		t.Fatalf("Fjord Direct's card: %d", n)
	}
	db.Gorm.Raw(`SELECT count(*) FROM subscriptions s JOIN customers c ON c.id = s.customer_id
WHERE c.domain = 'evora-conseil.example' AND s.status = 'suspended' AND 'non_payment' = ANY(s.suspension_reasons)`).Scan(&n)
	if n == 0 {
		t.Fatal("Évora Conseil is not suspended for non-payment")
	}
	db.Gorm.Raw(`SELECT count(*) FROM users u JOIN customers c ON c.id = u.organisation_id WHERE c.domain = 'fjord-direct.example' AND u.role = 'customer_billing'`).Scan(&n)
	if n == 0 {
		t.Fatal("no billing user at Fjord Direct")
	}
}
