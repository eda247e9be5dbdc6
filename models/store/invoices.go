package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// canListInvoices tells whether the actor may see invoices at all.
func canListInvoices(a models.Actor) error { return a.Require(models.PermBillingRead) }

// CanListInvoices tells whether the actor may see invoices at all.
func (s *Store) CanListInvoices(a models.Actor) error { return canListInvoices(a) }

const invoiceSelect = `invoices.*, ba.name AS account_name, coalesce(consoles.name, '') AS console_name, coalesce(customers.name, '') AS customer_name`

// invoiceMatches is the invoices of the filter on the billing accounts the
// actor may see (billingAccountScope): what a first page counts and takes
// its keys from. A console's are read from the invoice (its account's
// console, copied when written: migration 0019), so its page walks
// invoices_console_issued_idx in its order; filtering on the account too
// would make the planner expect a handful of rows and sort them all.
func (s *Store) invoiceMatches(ctx context.Context, a models.Actor, f models.InvoiceFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("invoices")
	if a.OrgKind == models.OrgConsole {
		q = q.Where("invoices.console_id = ?", a.OrgID)
	} else {
		q = billingAccountScope(q.Joins("JOIN billing_accounts ba ON ba.id = invoices.billing_account_id"), a)
	}
	if f.State.Valid() {
		q = q.Where("invoices.state = ?", f.State)
	}
	if ps, ok := f.PeriodStart(); ok {
		q = q.Where("invoices.period_start = ?", ps)
	}
	if f.BillingAccountID > 0 {
		q = q.Where("invoices.billing_account_id = ?", f.BillingAccountID)
	}
	return q
}

// invoiceJoins joins what an invoice row shows (invoiceSelect) to q: its
// billing account (withAccount: unless scoping joined it already), console
// and customer.
func invoiceJoins(q *gorm.DB, withAccount bool) *gorm.DB {
	if withAccount {
		q = q.Joins("JOIN billing_accounts ba ON ba.id = invoices.billing_account_id")
	}
	return q.Joins("LEFT JOIN consoles ON consoles.id = ba.console_id").
		Joins("LEFT JOIN customers ON customers.id = ba.customer_id")
}

// invoiceQuery is invoiceMatches with what each row shows joined.
func (s *Store) invoiceQuery(ctx context.Context, a models.Actor, f models.InvoiceFilter) *gorm.DB {
	return invoiceJoins(s.invoiceMatches(ctx, a, f), a.OrgKind == models.OrgConsole)
}

func invoiceKeyset(q *gorm.DB, after models.Cursor, has bool) *gorm.DB {
	if has {
		if t, err := time.Parse(time.DateOnly, after.Key); err == nil {
			q = q.Where("(invoices.issued_on, invoices.id) < (?, ?)", t, after.ID)
		}
	}
	return q.Order("invoices.issued_on DESC, invoices.id DESC")
}

func invoiceCursor(i models.Invoice) models.Cursor {
	return models.Cursor{Key: i.IssuedOn.Format(time.DateOnly), ID: i.ID}
}

// invoiceListColumns are what the invoices list shows and pages by, in
// the order scanInvoiceRows reads them: the list scans its rows by hand
// rather than through GORM's reflective scan of invoiceSelect (as the
// customers and offers lists). The page's rows carry these fields only; the
// invoice page and the export read invoiceSelect.
const invoiceListColumns = `invoices.id, invoices.number, invoices.billing_account_id, invoices.period_start, invoices.period_end,
	invoices.currency, invoices.total_minor, invoices.paid_minor, invoices.state, invoices.issued_on, invoices.due_on,
	ba.name AS account_name, coalesce(consoles.name, '') AS console_name, coalesce(customers.name, '') AS customer_name`

// scanInvoiceRows reads rows of invoiceListColumns, and when total is not
// nil the list_total column after them.
func scanInvoiceRows(rows *sql.Rows, total *int64) ([]models.InvoiceRow, error) {
	return scanListRows(rows, models.PageSize+1, total, func(r *models.InvoiceRow) []any {
		return []any{&r.ID, &r.Number, &r.BillingAccountID, &r.PeriodStart, &r.PeriodEnd,
			&r.Currency, &r.TotalMinor, &r.PaidMinor, (*string)(&r.State), &r.IssuedOn, &r.DueOn,
			&r.AccountName, &r.ConsoleName, &r.CustomerName}
	})
}

// invoicesFirstPage is a first page's statement: the keys of up to
// CountCap+1 matching invoices in the list's order (a console's walk
// invoices_console_issued_idx), counted, the first PageSize+1 joined to
// their rows.
func (s *Store) invoicesFirstPage(ctx context.Context, a models.Actor, f models.InvoiceFilter) *gorm.DB {
	keys := s.invoiceMatches(ctx, a, f).Select("invoices.id, invoices.issued_on").Order("invoices.issued_on DESC, invoices.id DESC")
	first := countedFirstPage(s.db.WithContext(ctx), keys, "k.issued_on DESC, k.id DESC", models.CountCap).
		Joins("JOIN invoices ON invoices.id = k.id")
	return invoiceJoins(first, true).Select(invoiceListColumns + ", k.list_total")
}

// Invoices is one keyset page of the invoices the actor may see, newest
// first, in one statement as the customers list: a first page reads the
// keys of up to CountCap+1 matching invoices, counts them with a window and
// joins the rows of the first PageSize+1; a later page reads PageSize+1
// rows from its cursor and shows the count the first page put in the
// cursor.
func (s *Store) Invoices(ctx context.Context, a models.Actor, f models.InvoiceFilter, cursor string) (models.Page[models.InvoiceRow], error) {
	if err := canListInvoices(a); err != nil {
		return models.Page[models.InvoiceRow]{}, err
	}
	after, has := models.DecodeCursor(cursor)
	var rs *sql.Rows
	var err error
	var counted int64
	var countedDest *int64
	if !has {
		rs, err = s.invoicesFirstPage(ctx, a, f).Rows()
		countedDest = &counted
	} else {
		rs, err = invoiceKeyset(s.invoiceQuery(ctx, a, f), after, has).Select(invoiceListColumns).Limit(models.PageSize + 1).Rows()
	}
	if err != nil {
		return models.Page[models.InvoiceRow]{}, fmt.Errorf("list invoices: %w", err)
	}
	rows, err := scanInvoiceRows(rs, countedDest)
	if err != nil {
		return models.Page[models.InvoiceRow]{}, fmt.Errorf("list invoices: %w", err)
	}
	return finishPage(rows, after, has, counted, models.CountCap,
		func(r models.InvoiceRow) models.Cursor { return invoiceCursor(r.Invoice) },
		func() (int64, bool, error) { return cappedCount(s.invoiceMatches(ctx, a, f)) })
}

// ExportInvoices streams every invoice of the filter, in batches, and
// records the export.
func (s *Store) ExportInvoices(ctx context.Context, a models.Actor, f models.InvoiceFilter, emit func(models.InvoiceRow) error) error {
	if err := canListInvoices(a); err != nil {
		return err
	}
	var after models.Cursor
	has := false
	for {
		var rows []models.InvoiceRow
		if err := invoiceKeyset(s.invoiceQuery(ctx, a, f), after, has).Select(invoiceSelect).Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("export invoices: %w", err)
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			break
		}
		after, has = invoiceCursor(rows[len(rows)-1].Invoice), true
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "invoices.exported", RecordType: "organisation", RecordID: a.OrgID, After: f, Orgs: []int64{a.OrgID}})
	})
}

// Invoice loads one invoice the actor may see with its lines and the
// credits applied; any other id is not found.
func (s *Store) Invoice(ctx context.Context, a models.Actor, id int64) (models.InvoiceView, error) {
	var v models.InvoiceView
	if err := canListInvoices(a); err != nil {
		return v, err
	}
	db := s.db.WithContext(ctx)
	if err := s.invoiceQuery(ctx, a, models.InvoiceFilter{}).Select(invoiceSelect+", ba.legal_entity").
		Where("invoices.id = ?", id).Take(&v).Error; err != nil {
		return v, notFound(err)
	}
	if err := db.Where("invoice_id = ?", id).Order("id").Find(&v.Lines).Error; err != nil {
		return v, fmt.Errorf("invoice lines: %w", err)
	}
	if err := db.Raw(`SELECT ca.credit_id, c.reason, c.source, ca.amount_minor FROM credit_applications ca
JOIN credits c ON c.id = ca.credit_id WHERE ca.invoice_id = ? ORDER BY ca.credit_id`, id).Scan(&v.Credits).Error; err != nil {
		return v, fmt.Errorf("invoice credits: %w", err)
	}
	return v, nil
}

// InvoiceAccounts lists the billing accounts the actor may see, for the
// invoices filter.
func (s *Store) InvoiceAccounts(ctx context.Context, a models.Actor) ([]models.BillingTerms, error) {
	if err := canListInvoices(a); err != nil {
		return nil, err
	}
	var out []models.BillingTerms
	q := billingAccountScope(s.db.WithContext(ctx).Table("billing_accounts AS ba"), a).
		Select("ba.id AS billing_account_id, ba.console_id, ba.customer_id, ba.name, ba.currency, ba.tax_rate_bp, ba.payment_terms_days, ba.suspend_after_days").
		Order("lower(ba.name), ba.id").Limit(500)
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list billing accounts: %w", err)
	}
	return out, nil
}
