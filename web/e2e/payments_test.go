package e2e

import (
	"net/http"
	"strings"
	"testing"

	"partnerconsole/models/store/storetest"
)

// A customer_billing user of a direct customer adds a card and pays the
// balance (seed 004, "Régler le solde restant dû"); a declined card first
// shows the processor's reason on the field and takes nothing.
func TestCustomerBillingAddsACardAndPaysTheBalance(t *testing.T) {
	e := start(t)
	now := e.Clock.Now()
	var acc int64
	if err := e.Gorm.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'Customer A direct', 'EUR', 'Customer A SAS', ?, ?) RETURNING id`, e.CustomerA.ID, now, now).Scan(&acc).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.Gorm.Exec(`INSERT INTO invoices (number, billing_account_id, period_start, period_end, currency, subtotal_minor, total_minor,
  state, issued_on, due_on, created_at, updated_at)
VALUES ('INV-E2E-1', ?, '2026-02-01', '2026-03-01', 'EUR', 12000, 12000, 'open', ?, ?, ?, ?)`, acc, now.AddDate(0, 0, -20), now.AddDate(0, 0, 10), now, now).Error; err != nil {
		t.Fatal(err)
	}

	s := e.session("billing")
	s.signIn(e.Email("custA:customer_billing"), storetest.Password)
	s.open("/admin/billing")
	s.contains("balance-due", "€120.00")
	if got := s.value("#f-amount"); got != "120.00" {
		t.Fatalf("amount prefilled %q, want the balance", got)
	}
	// No card yet: the pay form offers a new one.
	s.choose("#f-payment_method_id", "new")
	s.fill("#f-new_card_number", "4000 0000 0000 9995")
	s.fill("#f-new_exp_month", "11")
	s.fill("#f-new_exp_year", "2031")
	s.fill("#f-new_card_name", "Bea Billing")
	if st := s.submit("pay"); st != http.StatusUnprocessableEntity {
		t.Fatalf("declined card: status %d", st)
	}
	s.contains("error-new_card_number", "Your card has insufficient funds.")
	s.contains("balance-due", "€120.00")
	if s.value("#f-new_card_number") != "" {
		t.Fatal("the card number is shown again")
	}
	s.shot("declined")

	s.choose("#f-payment_method_id", "new")
	s.fill("#f-new_card_number", "4242 4242 4242 4242")
	s.fill("#f-amount", "120.00")
	if st := s.submit("pay"); st != http.StatusOK {
		t.Fatalf("pay: status %d", st)
	}
	s.contains("flash", "Payment of €120.00 received.")
	s.contains("balance-due", "€0.00")
	if !s.exists("card-4242") {
		t.Fatal("the new card is not listed")
	}
	if txt := s.pageText(); strings.Contains(txt, "4242 4242 4242 4242") || strings.Contains(txt, "4242424242424242") {
		t.Fatal("the full card number is on the page")
	}
	s.shot("paid")
	var n int64
	e.Gorm.Raw("SELECT count(*) FROM payments WHERE state = 'succeeded' AND amount_minor = 12000").Scan(&n)
	if n != 1 {
		t.Fatalf("%d payments", n)
	}
}
