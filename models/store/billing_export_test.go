package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// AddChargeForTest runs addCharge in its own transaction.
func (s *Store) AddChargeForTest(ctx context.Context, c models.BillingCharge) error {
	return s.tx(ctx, func(tx *gorm.DB, _ time.Time) error { return addCharge(tx, c) })
}

// AddCreditForTest runs addCredit in its own transaction.
func (s *Store) AddCreditForTest(ctx context.Context, c models.Credit) error {
	return s.tx(ctx, func(tx *gorm.DB, _ time.Time) error { return addCredit(tx, c) })
}

// AllocatePaymentForTest records a succeeded payment and allocates it.
func (s *Store) AllocatePaymentForTest(ctx context.Context, accountID, amount int64, key string) (over int64, err error) {
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cur string
		tx.Raw("SELECT currency FROM billing_accounts WHERE id = ?", accountID).Scan(&cur)
		p := models.Payment{BillingAccountID: accountID, AmountMinor: amount, Currency: cur, Kind: models.PaymentManual,
			State: models.PaymentSucceeded, IdempotencyKey: key, CreatedAt: now}
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		over, err = allocatePayment(tx, accountID, p.ID, amount)
		return err
	})
	return over, err
}

// BalanceDueForTest runs balanceDue.
func (s *Store) BalanceDueForTest(ctx context.Context, accountID int64) (int64, error) {
	return balanceDue(s.db.WithContext(ctx), accountID)
}
