package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// CloseMonth closes the month of month (any day of it) for every billing
// account: it issues one invoice per account with something to bill, dated
// the 1st of the next month (money.CloseMonthInvoice decides the lines).
// It is idempotent: an account's month is closed under an advisory lock
// and the invoice insert is ON CONFLICT (billing_account_id, period_start)
// DO NOTHING, so a re-run or two runners at once never bill twice. It
// returns the number of invoices issued.
func (s *Store) CloseMonth(ctx context.Context, month time.Time) (int, error) {
	ms := money.MonthStart(month)
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT ba.id FROM billing_accounts ba
WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.billing_account_id = ba.id AND i.period_start = ?)
ORDER BY ba.id`, ms).Scan(&ids).Error; err != nil {
		return 0, fmt.Errorf("close month: list billing accounts: %w", err)
	}
	n := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		var issued bool
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var err error
			issued, err = closeAccountMonth(tx, now, id, ms)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("close month of billing account %d: %w", id, err)
		}
		if issued {
			n++
		}
	}
	return n, nil
}

// closeMonthLock is the advisory-lock class of the monthly close.
const closeMonthLock = 90091

// closeAccountMonth issues one billing account's invoice for the month
// starting ms, unless it exists or there is nothing to bill.
func closeAccountMonth(tx *gorm.DB, now time.Time, accountID int64, ms time.Time) (bool, error) {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?, ?)", closeMonthLock, int32(accountID)).Error; err != nil {
		return false, err
	}
	var exists bool
	if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM invoices WHERE billing_account_id = ? AND period_start = ?)", accountID, ms).
		Scan(&exists).Error; err != nil || exists {
		return false, err
	}
	f, err := loadMonthFacts(tx, accountID, ms)
	if err != nil {
		return false, err
	}
	d, ok := money.CloseMonthInvoice(f)
	if !ok {
		return false, nil
	}
	inv := d.Invoice
	var id int64
	if err := tx.Raw(`INSERT INTO invoices (number, billing_account_id, period_start, period_end, currency, subtotal_minor, credits_minor,
  tax_minor, total_minor, paid_minor, state, issued_on, due_on, created_at, updated_at)
VALUES ('INV-' || to_char(?::date, 'YYYY') || '-' || lpad(nextval('invoice_number_seq')::text, 6, '0'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (billing_account_id, period_start) DO NOTHING RETURNING id`,
		inv.IssuedOn, inv.BillingAccountID, inv.PeriodStart, inv.PeriodEnd, inv.Currency, inv.SubtotalMinor, inv.CreditsMinor,
		inv.TaxMinor, inv.TotalMinor, inv.PaidMinor, inv.State, inv.IssuedOn, inv.DueOn, now, now).Scan(&id).Error; err != nil {
		return false, fmt.Errorf("insert invoice: %w", err)
	}
	if id == 0 {
		return false, nil // another runner closed it
	}
	for _, l := range d.Lines {
		l.InvoiceID = id
		if err := tx.Create(&l).Error; err != nil {
			return false, fmt.Errorf("insert invoice line: %w", err)
		}
		if l.ChargeID != nil {
			res := tx.Exec("UPDATE billing_charges SET invoice_id = ? WHERE id = ? AND invoice_id IS NULL", id, *l.ChargeID)
			if res.Error != nil {
				return false, res.Error
			}
			if res.RowsAffected != 1 {
				return false, fmt.Errorf("charge %d already invoiced", *l.ChargeID)
			}
		}
	}
	for _, c := range d.Credits {
		res := tx.Exec("UPDATE credits SET remaining_minor = remaining_minor - ? WHERE id = ? AND remaining_minor >= ?", c.AmountMinor, c.CreditID, c.AmountMinor)
		if res.Error != nil {
			return false, res.Error
		}
		if res.RowsAffected != 1 {
			return false, fmt.Errorf("credit %d used up", c.CreditID)
		}
		if err := tx.Exec("INSERT INTO credit_applications (invoice_id, credit_id, amount_minor) VALUES (?, ?, ?)", id, c.CreditID, c.AmountMinor).Error; err != nil {
			return false, err
		}
	}
	org := f.Terms.CustomerID
	if f.Terms.ConsoleID != nil {
		org = f.Terms.ConsoleID
	}
	orgs := []int64{}
	if org != nil {
		orgs = append(orgs, *org)
	}
	if err := audit(tx, auditEntry{Actor: models.System(), At: now, Action: "invoice.issued", RecordType: "invoice", RecordID: id,
		After: map[string]any{"billing_account_id": accountID, "period_start": ms.Format("2006-01-02"), "total_minor": inv.TotalMinor,
			"currency": inv.Currency, "lines": len(d.Lines)}, Orgs: orgs}); err != nil {
		return false, err
	}
	// Tell who pays: the console's super admins, or the direct customer's
	// admins and billing users.
	if org != nil {
		roles, link := []models.Role{models.RoleSuperAdmin}, fmt.Sprintf("/console/invoices/%d", id)
		if f.Terms.ConsoleID == nil {
			roles, link = []models.Role{models.RoleCustomerAdmin, models.RoleCustomerBilling}, fmt.Sprintf("/admin/invoices/%d", id)
		}
		var number string
		tx.Raw("SELECT number FROM invoices WHERE id = ?", id).Scan(&number)
		if err := notifyOrg(tx, now, *org, roles, Notice{Kind: models.NoticeGeneral, Title: "Invoice {{.Number}} issued",
			Body: "{{.Total}} for {{.Account}}, due on {{.Due}}.", Args: []any{"Number", number, "Total", money.Format(inv.TotalMinor, inv.Currency),
				"Account", f.Terms.Name, "Due", inv.DueOn.Format(time.DateOnly)}, Link: link}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// loadMonthFacts reads what the close of one account's month needs, with
// the account's pending charges and open credits made before the month's
// end locked.
func loadMonthFacts(tx *gorm.DB, accountID int64, ms time.Time) (money.MonthFacts, error) {
	me := ms.AddDate(0, 1, 0)
	f := money.MonthFacts{Month: ms}
	var err error
	if f.Terms, err = billingTerms(tx, accountID); err != nil {
		return f, err
	}
	type subRow struct {
		models.Subscription
		ProductName string
		Family      models.ProductFamily
		UnitMinor   int64
	}
	var rows []subRow
	// The unit price is the accepted offer's when the subscription came
	// from one in the account's currency, else the catalogue's.
	if err := tx.Raw(`SELECT s.*, p.name AS product_name, p.family,
  COALESCE((SELECT o.unit_price_minor FROM offers o WHERE o.subscription_id = s.id AND o.state = 'accepted' AND o.currency = ?
            ORDER BY o.id DESC LIMIT 1),
           (SELECT pr.unit_price_minor FROM prices pr WHERE pr.product_id = s.product_id AND pr.plan = s.plan AND pr.currency = ?), 0) AS unit_minor
FROM subscriptions s JOIN products p ON p.id = s.product_id
WHERE (s.billing_account_id = ? OR s.id IN (SELECT m.subscription_id FROM subscription_moves m WHERE m.from_account_id = ? OR m.to_account_id = ?))
  AND s.plan <> 'trial' AND s.start_date < ? AND s.end_date >= ?::date - 366
  AND (s.ended_at IS NULL OR s.ended_at >= ?::date - 366)
ORDER BY s.id`, f.Terms.Currency, f.Terms.Currency, accountID, accountID, accountID, me, ms, ms).Scan(&rows).Error; err != nil {
		return f, fmt.Errorf("load subscriptions: %w", err)
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	moves, err := subscriptionMoves(tx, ids)
	if err != nil {
		return f, err
	}
	for _, r := range rows {
		f.Subs = append(f.Subs, money.SubscriptionFacts{Sub: r.Subscription, ProductName: r.ProductName, Family: r.Family, UnitMinor: r.UnitMinor,
			Moves: moves[r.ID]})
	}
	if err := forUpdate(tx).Where("billing_account_id = ? AND invoice_id IS NULL AND created_at < ?", accountID, me).
		Order("created_at, id").Find(&f.Charges).Error; err != nil {
		return f, fmt.Errorf("load charges: %w", err)
	}
	if err := forUpdate(tx).Where("billing_account_id = ? AND remaining_minor > 0 AND created_at < ?", accountID, me).
		Order("created_at, id").Find(&f.Credits).Error; err != nil {
		return f, fmt.Errorf("load credits: %w", err)
	}
	return f, nil
}

// CloseMonthDue is the periodic job: on the 1st (store clock, UTC) it
// closes the previous month (CloseMonth); other days it does nothing.
// Running it many times on the 1st is harmless.
func (s *Store) CloseMonthDue(ctx context.Context) (int, error) {
	now := s.Now()
	if now.Day() != 1 {
		return 0, nil
	}
	return s.CloseMonth(ctx, money.MonthStart(now).AddDate(0, -1, 0))
}
