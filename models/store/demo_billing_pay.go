package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/payments"
)

// seedPayDemo adds the payments part of the demo (issue 9): a Visa test
// card (primary) on Fjord Direct's billing account (its customer_billing
// user comes from the billing core's demo); and Évora Conseil suspended for non-payment — its
// subscriptions bill to a Northwind account with an invoice unpaid 40 days
// after its due date. It runs after the offers demo (Fjord Direct) and the
// billing core's demo (which may have made Fjord's account already).
func (s *Store) seedPayDemo(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	var fjord, evora, northwind int64
	db.Raw("SELECT id FROM customers WHERE domain = 'fjord-direct.example'").Scan(&fjord)
	db.Raw("SELECT id FROM customers WHERE domain = 'evora-conseil.example'").Scan(&evora)
	db.Raw("SELECT id FROM consoles WHERE name = 'Northwind Cloud Resellers'").Scan(&northwind)
	if fjord == 0 || evora == 0 || northwind == 0 {
		return fmt.Errorf("demo payments: Fjord Direct, Évora Conseil or Northwind missing")
	}
	card, err := s.processor().Tokenize(ctx, payments.Card{Number: "4242424242424242", ExpMonth: 8, ExpYear: models.Day(s.Now()).Year() + 3, Name: "Frida Fjord"})
	if err != nil {
		return fmt.Errorf("demo card: %w", err)
	}
	var ev int64
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		// Fjord Direct's own billing account (made here unless the core's
		// demo did), billing its subscriptions, with a card.
		var accID int64
		tx.Raw("SELECT id FROM billing_accounts WHERE customer_id = ? ORDER BY id LIMIT 1", fjord).Scan(&accID)
		if accID == 0 {
			if err := tx.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'Fjord Direct EUR', 'EUR', 'Fjord Direct AB', ?, ?) RETURNING id`, fjord, now, now).Scan(&accID).Error; err != nil {
				return fmt.Errorf("demo Fjord billing account: %w", err)
			}
		}
		if err := tx.Exec("UPDATE subscriptions SET billing_account_id = ? WHERE customer_id = ? AND billing_account_id IS NULL", accID, fjord).Error; err != nil {
			return err
		}
		acc, err := lockAccountByID(tx, accID)
		if err != nil {
			return err
		}
		if _, err := insertCard(tx, models.System(), acc, s.processor().Name(), card, true, now); err != nil {
			return err
		}
		// Évora Conseil: billed through its own Northwind account, an
		// invoice due 40 days ago and unpaid.
		if err := tx.Raw(`INSERT INTO billing_accounts (console_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'Northwind EUR — Évora Conseil', 'EUR', 'Northwind Cloud SAS', ?, ?) RETURNING id`, northwind, now, now).Scan(&ev).Error; err != nil {
			return fmt.Errorf("demo overdue account: %w", err)
		}
		if err := tx.Exec("UPDATE subscriptions SET billing_account_id = ? WHERE customer_id = ? AND console_id = ?", ev, evora, northwind).Error; err != nil {
			return err
		}
		today := models.Day(now)
		due := today.AddDate(0, 0, -40)
		start := time.Date(due.Year(), due.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
		var inv int64
		if err := tx.Raw(`INSERT INTO invoices (number, billing_account_id, period_start, period_end, currency, subtotal_minor, total_minor,
  state, issued_on, due_on, created_at, updated_at)
VALUES ('INV-' || to_char(?::date, 'YYYY') || '-' || lpad(nextval('invoice_number_seq')::text, 6, '0'), ?, ?, ?, 'EUR', 43200, 43200,
  'open', ?, ?, ?, ?) RETURNING id`, due, ev, start, start.AddDate(0, 1, 0), due.AddDate(0, 0, -30), due, now, now).Scan(&inv).Error; err != nil {
			return fmt.Errorf("demo overdue invoice: %w", err)
		}
		return tx.Exec(`INSERT INTO invoice_lines (invoice_id, subscription_id, description, product_name, period_start, period_end, quantity, unit_price_minor, amount_minor)
SELECT ?, s.id, 'Monthly licences', p.name, ?, ?, 36, 1200, 43200
FROM subscriptions s JOIN products p ON p.id = s.product_id WHERE s.billing_account_id = ? ORDER BY s.id LIMIT 1`, inv, start, start.AddDate(0, 1, 0), ev).Error
	})
	if err != nil {
		return err
	}
	// The non-payment rule (R-LIC-4) suspends Évora's subscriptions.
	if _, err := s.suspendAccount(ctx, ev); err != nil {
		return fmt.Errorf("demo non-payment: %w", err)
	}
	return nil
}
