package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// Shared billing helpers (issue 9, contract in BILLING.md): the other
// billing parts call these inside their own transactions.

// addCharge records a one-off charge for the billing account's next
// invoice. A charge with an idempotency key already recorded is not added
// twice (nil error). The charge is in the account's currency.
func addCharge(tx *gorm.DB, c models.BillingCharge) error {
	if c.AmountMinor <= 0 {
		return fmt.Errorf("add charge: amount must be positive, got %d", c.AmountMinor)
	}
	if c.Quantity <= 0 {
		c.Quantity = 1
	}
	var cur string
	if err := tx.Raw("SELECT currency FROM billing_accounts WHERE id = ?", c.BillingAccountID).Scan(&cur).Error; err != nil {
		return fmt.Errorf("add charge: %w", err)
	}
	if cur == "" {
		return fmt.Errorf("add charge: billing account %d: %w", c.BillingAccountID, models.NotFound())
	}
	if c.Currency == "" {
		c.Currency = cur
	}
	if c.Currency != cur {
		return fmt.Errorf("add charge: currency %s differs from the billing account's %s", c.Currency, cur)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.NowFunc()
	}
	c.ID, c.InvoiceID = 0, nil
	q := tx
	if c.IdempotencyKey != nil {
		q = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "idempotency_key"}}, DoNothing: true})
	}
	if err := q.Create(&c).Error; err != nil {
		return fmt.Errorf("add charge: %w", err)
	}
	return nil
}

// addCredit records a credit note, applied to the billing account's next
// invoices until used up. A credit with an idempotency key already
// recorded is not added twice (nil error).
func addCredit(tx *gorm.DB, c models.Credit) error {
	if c.AmountMinor <= 0 {
		return fmt.Errorf("add credit: amount must be positive, got %d", c.AmountMinor)
	}
	var cur string
	if err := tx.Raw("SELECT currency FROM billing_accounts WHERE id = ?", c.BillingAccountID).Scan(&cur).Error; err != nil {
		return fmt.Errorf("add credit: %w", err)
	}
	if cur == "" {
		return fmt.Errorf("add credit: billing account %d: %w", c.BillingAccountID, models.NotFound())
	}
	if c.Currency == "" {
		c.Currency = cur
	}
	if c.Currency != cur {
		return fmt.Errorf("add credit: currency %s differs from the billing account's %s", c.Currency, cur)
	}
	if c.Source == "" {
		c.Source = models.CreditManual
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.NowFunc()
	}
	c.ID, c.RemainingMinor = 0, c.AmountMinor
	q := tx
	if c.IdempotencyKey != nil {
		q = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "idempotency_key"}}, DoNothing: true})
	}
	if err := q.Create(&c).Error; err != nil {
		return fmt.Errorf("add credit: %w", err)
	}
	return nil
}

// balanceDue is what the billing account owes on its open invoices.
func balanceDue(tx *gorm.DB, accountID int64) (int64, error) {
	var due int64
	err := tx.Raw("SELECT COALESCE(SUM(total_minor - paid_minor), 0) FROM invoices WHERE billing_account_id = ? AND state = 'open'",
		accountID).Scan(&due).Error
	return due, err
}

// allocatePayment puts a succeeded payment on the account's open invoices,
// oldest first (locked), marks the invoices paid in full as paid, and
// returns what is left over: the over-payment, which the caller turns into
// an over_payment credit.
func allocatePayment(tx *gorm.DB, accountID, paymentID, amount int64) (overpaid int64, err error) {
	if amount <= 0 {
		return 0, errors.New("allocate payment: amount must be positive")
	}
	var open []models.Invoice
	if err := forUpdate(tx).Where("billing_account_id = ? AND state = ?", accountID, models.InvoiceOpen).
		Order("issued_on, id").Find(&open).Error; err != nil {
		return 0, fmt.Errorf("allocate payment: %w", err)
	}
	allocs, left := money.AllocatePayment(open, amount)
	now := tx.NowFunc()
	for _, a := range allocs {
		if err := tx.Exec("INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor) VALUES (?, ?, ?)",
			paymentID, a.InvoiceID, a.AmountMinor).Error; err != nil {
			return 0, fmt.Errorf("allocate payment: %w", err)
		}
		if err := tx.Exec(`UPDATE invoices SET paid_minor = paid_minor + ?,
  state = CASE WHEN paid_minor + ? = total_minor THEN 'paid' ELSE state END, updated_at = ? WHERE id = ?`,
			a.AmountMinor, a.AmountMinor, now, a.InvoiceID).Error; err != nil {
			return 0, fmt.Errorf("allocate payment: %w", err)
		}
	}
	return left, nil
}

// billingTerms loads a billing account's invoicing settings.
func billingTerms(tx *gorm.DB, accountID int64) (models.BillingTerms, error) {
	var t models.BillingTerms
	err := tx.Raw(`SELECT id AS billing_account_id, console_id, customer_id, name, currency, tax_rate_bp, payment_terms_days, suspend_after_days
FROM billing_accounts WHERE id = ?`, accountID).Scan(&t).Error
	if err == nil && t.BillingAccountID == 0 {
		err = models.NotFound()
	}
	return t, err
}

// billingAccountScope restricts a query on billing_accounts (aliased ba)
// to the accounts the actor may see: its console's, its own as a direct
// customer, or all for the desk. Resold customers have no billing account
// (their reseller is billed), so they see nothing.
func billingAccountScope(q *gorm.DB, a models.Actor) *gorm.DB {
	switch a.OrgKind {
	case models.OrgConsole:
		return q.Where("ba.console_id = ?", a.OrgID)
	case models.OrgCustomer:
		return q.Where("ba.customer_id = ?", a.OrgID)
	case models.OrgOperator:
		return q
	}
	return q.Where("false")
}

// BalanceDue is what a billing account the actor may see owes.
func (s *Store) BalanceDue(ctx context.Context, a models.Actor, billingAccountID int64) (models.Money, error) {
	if err := a.Require(models.PermBillingRead); err != nil {
		return models.Money{}, err
	}
	db := s.db.WithContext(ctx)
	var cur string
	if err := billingAccountScope(db.Table("billing_accounts AS ba").Select("ba.currency").Where("ba.id = ?", billingAccountID), a).
		Scan(&cur).Error; err != nil {
		return models.Money{}, err
	}
	if cur == "" {
		return models.Money{}, models.NotFound()
	}
	due, err := balanceDue(db, billingAccountID)
	return models.Money{Minor: due, Currency: cur}, err
}
