package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// seedRenewalsDemo adds the term's end demo (issue 11) to customer c of the
// console consoleID: Office 365 E3 annual subscriptions renewed manually,
// one 5 days from its end (its renewal notices are due; it shows first on
// the Renewals page), one expired 10 days ago (grace, full use) and one
// disabled 45 days after its end (reactivation possible). The customer keeps
// its other subscriptions in use, so its users still sign in.
func (s *Store) seedRenewalsDemo(ctx context.Context, consoleID int64, c models.Customer) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var ba, product int64
		if err := tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? AND currency = 'EUR' ORDER BY id LIMIT 1", consoleID).Scan(&ba).Error; err != nil {
			return fmt.Errorf("demo renewals billing account: %w", err)
		}
		if err := tx.Raw("SELECT id FROM products WHERE sku = 'O365-E3'").Scan(&product).Error; err != nil {
			return fmt.Errorf("demo renewals product: %w", err)
		}
		today := models.Day(now)
		for _, d := range []struct {
			qty    int
			end    int // days from today
			status models.SubStatus
		}{{25, 5, models.SubActive}, {10, -10, models.SubExpired}, {5, -45, models.SubDisabled}} {
			end := today.AddDate(0, 0, d.end)
			sub := models.Subscription{CustomerID: c.ID, ConsoleID: &consoleID, ProductID: product, Quantity: d.qty,
				Plan: models.PlanAnnualMonthly, Channel: models.SubOnline, Status: d.status, SuspensionReasons: models.TextArray{},
				StartDate: end.AddDate(-1, 0, 1), EndDate: end, RenewalOption: models.RenewManually, CreatedAt: now, UpdatedAt: now}
			if ba != 0 {
				sub.BillingAccountID = &ba
			}
			switch d.status {
			case models.SubExpired:
				at := end.AddDate(0, 0, 1)
				sub.ExpiredAt = &at
			case models.SubDisabled:
				exp, dis := end.AddDate(0, 0, 1), end.AddDate(0, 0, models.TermGraceDays+1)
				sub.ExpiredAt, sub.DisabledAt = &exp, &dis
			}
			if err := tx.Omit("Product").Create(&sub).Error; err != nil {
				return fmt.Errorf("demo renewals subscription: %w", err)
			}
		}
		return nil
	})
}
