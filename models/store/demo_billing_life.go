package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// seedBillingLifeDemo adds the subscription's life demo (issue 9): the
// customer c, sold by the console consoleID, trials Chrome Enterprise
// Upgrade with 10 licences and a trial ending in 2 days, billing not set up
// yet; its customer admin sets up billing from the subscription page before
// the trial-end job suspends it.
func (s *Store) seedBillingLifeDemo(ctx context.Context, consoleID int64, c models.Customer) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var ba, ceu int64
		if err := tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? AND currency = 'EUR' ORDER BY id LIMIT 1", consoleID).Scan(&ba).Error; err != nil {
			return fmt.Errorf("demo trial billing account: %w", err)
		}
		if err := tx.Raw("SELECT id FROM products WHERE sku = 'CEU'").Scan(&ceu).Error; err != nil {
			return fmt.Errorf("demo trial product: %w", err)
		}
		today := models.Day(now)
		sub := models.Subscription{CustomerID: c.ID, ConsoleID: &consoleID, ProductID: ceu, Quantity: 10, Plan: models.PlanTrial,
			Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: today.AddDate(0, 0, -28),
			EndDate: today.AddDate(0, 0, 2), RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now}
		if ba != 0 {
			sub.BillingAccountID = &ba
		}
		if err := tx.Create(&sub).Error; err != nil {
			return fmt.Errorf("demo trial: %w", err)
		}
		return nil
	})
}
