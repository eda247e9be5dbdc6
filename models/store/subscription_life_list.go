package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// The subscriptions list per console (issue 9): filters, search by customer
// name or domain, keyset by renewal date (subscriptions_console_end_idx),
// CSV.

// subscriptionQuery is the console's subscriptions of the filter, the
// customers joined only for a search (the other filters are the
// subscription's own columns): the page's keys are read from it.
func (s *Store) subscriptionQuery(ctx context.Context, a models.Actor, f models.SubscriptionFilter) (*gorm.DB, error) {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermReadCustomers) {
		return nil, models.Forbidden()
	}
	q := s.db.WithContext(ctx).Table("subscriptions").
		Where("subscriptions.console_id = ?", a.OrgID)
	if t := strings.ToLower(strings.TrimSpace(f.Query)); t != "" {
		q = q.Joins("JOIN customers ON customers.id = subscriptions.customer_id").
			Where(`(customers.name_key LIKE ? OR (customers.domain COLLATE "C") LIKE ?)`,
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

// subscriptionColumns are the list's columns, in the order
// scanSubscriptionRows reads them.
const subscriptionColumns = `subscriptions.id, subscriptions.customer_id, customers.name AS customer_name,
	customers.domain AS customer_domain, products.name AS product_name, subscriptions.quantity, subscriptions.plan,
	subscriptions.channel, subscriptions.status, subscriptions.suspension_reasons, subscriptions.end_date,
	subscriptions.renewal_option, coalesce(billing_accounts.name, '') AS billing_account_name, subscriptions.po_number`

// subscriptionKeys are the ids and renewal dates of up to limit
// subscriptions of q after the cursor, in the list's order: an index scan
// of subscriptions_console_end_idx from the cursor when nothing else
// filters.
//
// The keyset condition reads (end_date, id) >= (date, id+1), the same rows
// as (end_date, id) > (date, id) since ids are integers: PostgreSQL
// estimates a row comparison by its first column alone, and "end_date >
// date" leaves out every subscription renewing on the cursor's date (in a
// console, many renew on the same day), so it expected a couple of dozen
// rows, joined the customers first and sorted them all (7.8–10.3 ms on page
// 101 against 0.11 ms for the first, docs/BENCH.md). With ">=" it counts
// them, and walks the index.
func subscriptionKeys(q *gorm.DB, after models.Cursor, has bool, limit int) *gorm.DB {
	if has {
		if d, err := time.Parse(time.DateOnly, after.Key); err == nil {
			q = q.Where("(subscriptions.end_date, subscriptions.id) >= (?, ?)", d, after.ID+1)
		}
	}
	return q.Select("subscriptions.id, subscriptions.end_date").
		Order("subscriptions.end_date, subscriptions.id").Limit(limit)
}

// subscriptionJoin joins the list's columns to the keys k, in the keys'
// order: at most a page of rows whatever the planner expects of the keys.
func subscriptionJoin(q *gorm.DB, keys *gorm.DB, extra string) *gorm.DB {
	return q.Session(&gorm.Session{NewDB: true}).Table("(?) AS k", keys).
		Select(subscriptionColumns + extra).
		Joins("JOIN subscriptions ON subscriptions.id = k.id").
		Joins("JOIN customers ON customers.id = subscriptions.customer_id").
		Joins("JOIN products ON products.id = subscriptions.product_id").
		Joins("LEFT JOIN billing_accounts ON billing_accounts.id = subscriptions.billing_account_id").
		Order("k.end_date, k.id")
}

// subscriptionPage is a page's one statement. A first page reads the keys
// of up to CountCap+1 subscriptions, counts them with a window (list_total)
// and joins the rows of the first PageSize+1; a later page joins the rows of
// PageSize+1 keys from its cursor.
func subscriptionPage(q *gorm.DB, after models.Cursor, has bool) *gorm.DB {
	if has {
		return subscriptionJoin(q, subscriptionKeys(q, after, true, models.PageSize+1), "")
	}
	counted := q.Session(&gorm.Session{NewDB: true}).
		Table("(?) AS k", subscriptionKeys(q, after, false, models.CountCap+1)).
		Select("k.*, count(*) OVER () AS list_total").Order("k.end_date, k.id").Limit(models.PageSize + 1)
	return subscriptionJoin(q, counted, ", k.list_total")
}

// scanSubscriptionRows reads rows of subscriptionColumns, and when total is
// not nil the list_total column after them; by hand, as the customers list
// (GORM's reflective scan cost about a third of a page's CPU there).
func scanSubscriptionRows(rows *sql.Rows, capacity int, total *int64) ([]models.SubscriptionRow, error) {
	return scanListRows(rows, capacity, total, func(r *models.SubscriptionRow) []any {
		return []any{&r.ID, &r.CustomerID, &r.CustomerName, &r.CustomerDomain, &r.ProductName, &r.Quantity,
			(*string)(&r.Plan), (*string)(&r.Channel), (*string)(&r.Status), &r.SuspensionReasons, &r.EndDate,
			(*string)(&r.RenewalOption), &r.BillingAccountName, &r.PONumber}
	})
}

// subscriptionRows are up to limit rows of q after the cursor (an
// export's batch): the keys, then their rows.
func subscriptionRows(q *gorm.DB, after models.Cursor, has bool, limit int) ([]models.SubscriptionRow, error) {
	rs, err := subscriptionJoin(q, subscriptionKeys(q, after, has, limit), "").Rows()
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	rows, err := scanSubscriptionRows(rs, limit, nil)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return rows, nil
}

func subscriptionCursor(r models.SubscriptionRow) models.Cursor {
	return models.Cursor{Key: r.EndDate.Format(time.DateOnly), ID: r.ID}
}

// subscriptionList is the subscriptions list of the filter (its export).
func (s *Store) subscriptionList(ctx context.Context, a models.Actor, f models.SubscriptionFilter) keysetList[models.SubscriptionRow] {
	return keysetList[models.SubscriptionRow]{
		query:  func() (*gorm.DB, error) { return s.subscriptionQuery(ctx, a, f) },
		rows:   subscriptionRows,
		cursor: subscriptionCursor,
	}
}

// ListSubscriptions returns one keyset page of the console's subscriptions,
// soonest renewal first, in one statement whatever the page, as the
// customers list: a first page carries its capped count (CountCap), a later
// page reads PageSize+1 rows from its cursor and shows the count the first
// page put in the cursor.
func (s *Store) ListSubscriptions(ctx context.Context, a models.Actor, f models.SubscriptionFilter, cursor string) (models.Page[models.SubscriptionRow], error) {
	var page models.Page[models.SubscriptionRow]
	q, err := s.subscriptionQuery(ctx, a, f)
	if err != nil {
		return page, err
	}
	after, has := models.DecodeCursor(cursor)
	rs, err := subscriptionPage(q, after, has).Rows()
	if err != nil {
		return page, fmt.Errorf("list subscriptions: %w", err)
	}
	var total int64
	totalDest := &total
	if has {
		totalDest = nil
	}
	rows, err := scanSubscriptionRows(rs, models.PageSize+1, totalDest)
	if err != nil {
		return page, fmt.Errorf("list subscriptions: %w", err)
	}
	return finishPage(rows, after, has, total, models.CountCap, subscriptionCursor,
		func() (int64, bool, error) { // a cursor from before counts were carried
			q, err := s.subscriptionQuery(ctx, a, f)
			if err != nil {
				return 0, false, err
			}
			return cappedCount(q)
		})
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

// SubscriptionChoices loads the filter choices of the console's list in one
// statement: the products the console has subscriptions of (a probe of
// subscriptions_console_product_idx per product, migration 0019, not a read
// of every subscription) and its first 200 billing accounts, by name.
func (s *Store) SubscriptionChoices(ctx context.Context, a models.Actor) (SubscriptionFilterChoices, error) {
	var c SubscriptionFilterChoices
	if a.OrgKind != models.OrgConsole {
		return c, models.Forbidden()
	}
	rows, err := s.db.WithContext(ctx).Raw(`
		SELECT 'product' AS kind, p.id, p.name, '' AS currency FROM products p
		WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.console_id = @console AND s.product_id = p.id)
		UNION ALL
		(SELECT 'account', b.id, b.name, b.currency FROM billing_accounts b WHERE b.console_id = @console
		ORDER BY b.name, b.id LIMIT 200)
		ORDER BY name, id`, sql.Named("console", a.OrgID)).Rows()
	if err != nil {
		return c, fmt.Errorf("load filter choices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, name, currency string
		var id int64
		if err := rows.Scan(&kind, &id, &name, &currency); err != nil {
			return c, fmt.Errorf("load filter choices: %w", err)
		}
		if kind == "product" {
			c.Products = append(c.Products, models.Product{ID: id, Name: name})
		} else {
			c.Accounts = append(c.Accounts, models.BillingAccount{ID: id, Name: name, Currency: currency})
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("load filter choices: %w", err)
	}
	return c, nil
}
