package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// The subscriptions list per console (issue 9): filters, search by customer
// name or domain, keyset by renewal date (subscriptions_console_end_idx),
// CSV.

func (s *Store) subscriptionQuery(ctx context.Context, a models.Actor, f models.SubscriptionFilter) (*gorm.DB, error) {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermReadCustomers) {
		return nil, models.Forbidden()
	}
	q := s.db.WithContext(ctx).Table("subscriptions").
		Joins("JOIN customers ON customers.id = subscriptions.customer_id").
		Where("subscriptions.console_id = ?", a.OrgID)
	if t := strings.ToLower(strings.TrimSpace(f.Query)); t != "" {
		q = q.Where(`(customers.name_key LIKE ? OR (customers.domain COLLATE "C") LIKE ?)`,
			"%"+escapeLike(t)+"%", escapeLike(t)+"%")
	}
	if f.ProductID != 0 {
		q = q.Where("subscriptions.product_id = ?", f.ProductID)
	}
	if f.Plan != "" {
		q = q.Where("subscriptions.plan = ?", f.Plan)
	}
	if f.Status != "" {
		q = q.Where("subscriptions.status = ?", f.Status)
	}
	if f.RenewalWithin > 0 {
		now := s.Now()
		q = q.Where("subscriptions.status <> 'ended' AND subscriptions.end_date BETWEEN ? AND ?", models.Day(now), f.RenewalBefore(now))
	}
	if f.BillingAccountID != 0 {
		q = q.Where("subscriptions.billing_account_id = ?", f.BillingAccountID)
	}
	return q, nil
}

const subscriptionColumns = `subscriptions.id, subscriptions.customer_id, customers.name AS customer_name,
	customers.domain AS customer_domain, products.name AS product_name, subscriptions.quantity, subscriptions.plan,
	subscriptions.channel, subscriptions.status, subscriptions.suspension_reasons, subscriptions.end_date,
	subscriptions.renewal_option, coalesce(billing_accounts.name, '') AS billing_account_name, subscriptions.po_number`

func subscriptionRows(q *gorm.DB, after models.Cursor, has bool, limit int) ([]models.SubscriptionRow, error) {
	if has {
		if d, err := time.Parse(time.DateOnly, after.Key); err == nil {
			q = q.Where("(subscriptions.end_date, subscriptions.id) > (?, ?)", d, after.ID)
		}
	}
	var rows []models.SubscriptionRow
	err := q.Select(subscriptionColumns).
		Joins("JOIN products ON products.id = subscriptions.product_id").
		Joins("LEFT JOIN billing_accounts ON billing_accounts.id = subscriptions.billing_account_id").
		Order("subscriptions.end_date, subscriptions.id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return rows, nil
}

func subscriptionCursor(r models.SubscriptionRow) models.Cursor {
	return models.Cursor{Key: r.EndDate.Format(time.DateOnly), ID: r.ID}
}

// subscriptionList is the subscriptions list of the filter.
func (s *Store) subscriptionList(ctx context.Context, a models.Actor, f models.SubscriptionFilter) keysetList[models.SubscriptionRow] {
	return keysetList[models.SubscriptionRow]{
		query:  func() (*gorm.DB, error) { return s.subscriptionQuery(ctx, a, f) },
		rows:   subscriptionRows,
		cursor: subscriptionCursor,
	}
}

// ListSubscriptions returns one keyset page of the console's subscriptions,
// soonest renewal first: the page and a capped count.
func (s *Store) ListSubscriptions(ctx context.Context, a models.Actor, f models.SubscriptionFilter, cursor string) (models.Page[models.SubscriptionRow], error) {
	return s.subscriptionList(ctx, a, f).page(cursor)
}

// ExportSubscriptions streams every subscription of the filter, in batches,
// and records the export in the audit log.
func (s *Store) ExportSubscriptions(ctx context.Context, a models.Actor, f models.SubscriptionFilter, emit func(models.SubscriptionRow) error) error {
	if err := s.subscriptionList(ctx, a, f).export(emit); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "subscriptions.exported", RecordType: "organisation",
			RecordID: a.OrgID, After: f, Orgs: []int64{a.OrgID}})
	})
}

// SubscriptionFilterChoices are the list's product and billing account
// choices for the console.
type SubscriptionFilterChoices struct {
	Products []models.Product
	Accounts []models.BillingAccount
}

// SubscriptionChoices loads the filter choices of the console's list.
func (s *Store) SubscriptionChoices(ctx context.Context, a models.Actor) (SubscriptionFilterChoices, error) {
	var c SubscriptionFilterChoices
	if a.OrgKind != models.OrgConsole {
		return c, models.Forbidden()
	}
	db := s.db.WithContext(ctx)
	// A probe of subscriptions_console_product_idx per product, not a read of
	// every subscription of the console (migration 0019).
	if err := db.Where("EXISTS (SELECT 1 FROM subscriptions s WHERE s.console_id = ? AND s.product_id = products.id)", a.OrgID).
		Order("name").Find(&c.Products).Error; err != nil {
		return c, fmt.Errorf("load products: %w", err)
	}
	if err := db.Where("console_id = ?", a.OrgID).Order("name, id").Limit(200).Find(&c.Accounts).Error; err != nil {
		return c, fmt.Errorf("load billing accounts: %w", err)
	}
	return c, nil
}
