package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"partnerconsole/models"
)

// CustomerRow is models.CustomerRow, the customers-list row (it moved to
// models so views need not import the store).
type CustomerRow = models.CustomerRow

// scopeCustomers limits a customers query to what the actor may see
// (R-ROLE-6): a console its own customers, a customer itself, the desk all.
func scopeCustomers(a models.Actor) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		switch a.OrgKind {
		case models.OrgConsole:
			return db.Where("customers.console_id = ?", a.OrgID)
		case models.OrgCustomer:
			return db.Where("customers.id = ?", a.OrgID)
		case models.OrgOperator:
			return db
		}
		return db.Where("false")
	}
}

func canListCustomers(a models.Actor) error {
	if a.Can(models.PermReadCustomers) || a.Can(models.PermDeskCustomers) {
		return nil
	}
	return models.Forbidden()
}

// customerQuery applies scope and filter; the sort decides the keyset.
func (s *Store) customerQuery(ctx context.Context, a models.Actor, f models.CustomerFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("customers").Scopes(scopeCustomers(a))
	if t := strings.TrimSpace(f.Query); t != "" {
		if id, err := uuid.Parse(t); err == nil {
			q = q.Where("customers.tenant_id = ?", id)
		} else {
			lt := strings.ToLower(t)
			like := "%" + escapeLike(lt) + "%"
			prefix := escapeLike(lt) + "%"
			q = q.Where(`(customers.name_key LIKE ? OR (customers.domain COLLATE "C") LIKE ?)`, like, prefix)
		}
	}
	if f.Country != "" {
		q = q.Where("customers.country = ?", f.Country)
	}
	if f.Channel != "" {
		q = q.Where("customers.channel = ?", f.Channel)
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// keyset adds the sort order and the "after this row" condition.
func customerKeyset(q *gorm.DB, sort models.CustomerSort, after models.Cursor, hasCursor bool) *gorm.DB {
	switch sort {
	case models.SortByCreated:
		if hasCursor {
			if t, err := time.Parse(time.RFC3339Nano, after.Key); err == nil {
				q = q.Where("(customers.created_at, customers.id) < (?, ?)", t, after.ID)
			}
		}
		return q.Order("customers.created_at DESC, customers.id DESC")
	default:
		if hasCursor {
			q = q.Where("(customers.name_key, customers.id) > (?, ?)", after.Key, after.ID)
		}
		return q.Order("customers.name_key, customers.id")
	}
}

func customerCursor(sort models.CustomerSort, c CustomerRow) models.Cursor {
	if sort == models.SortByCreated {
		return models.Cursor{Key: c.CreatedAt.UTC().Format(time.RFC3339Nano), ID: c.ID}
	}
	return models.Cursor{Key: c.NameKey, ID: c.ID}
}

// customerListColumns are the list's columns, in the order scanCustomerRows
// reads them.
const customerListColumns = `customers.id, customers.console_id, customers.name, customers.domain, customers.tenant_id,
	customers.country, customers.channel, customers.contact_name, customers.contact_email, customers.contact_phone,
	customers.tos_accepted_at, customers.created_at, customers.updated_at, customers.name_key,
	coalesce(consoles.name, '') AS console_name`

// customerListSelect is customerListColumns and, for a console, whether the
// customer granted it delegated admin (R-PK-2: the row is marked) — one
// index probe per row of the page, in the page's own statement — and
// whether any customer outside the console did (evaluated once for the
// statement): only then does the list read that extra arm
// (withDelegatedCustomers), one round trip most consoles never need.
func customerListSelect(a models.Actor) string {
	if a.OrgKind != models.OrgConsole {
		return customerListColumns + ", false AS delegated_admin, false AS delegated_elsewhere"
	}
	id := strconv.FormatInt(a.OrgID, 10)
	return customerListColumns + `, EXISTS (SELECT 1 FROM delegated_admin_relationships d WHERE d.customer_id = customers.id
		AND d.console_id = ` + id + ` AND d.state = 'accepted') AS delegated_admin,
		EXISTS (SELECT 1 FROM delegated_admin_relationships d JOIN customers dc ON dc.id = d.customer_id
		WHERE d.console_id = ` + id + ` AND d.state = 'accepted' AND dc.console_id IS DISTINCT FROM ` + id + `) AS delegated_elsewhere`
}

// scanCustomerRows reads rows of customerListSelect, and when total is not
// nil the list_total column after them. The hot list scans its columns by
// hand: GORM's reflective scan cost about a third of the page's CPU
// (docs/BENCH.md).
func scanCustomerRows(rows *sql.Rows, capacity int, elsewhere *bool, total *int64) ([]CustomerRow, error) {
	return scanListRows(rows, capacity, total, func(r *CustomerRow) []any {
		return []any{&r.ID, &r.ConsoleID, &r.Name, &r.Domain, &r.TenantID, &r.Country, (*string)(&r.Channel),
			&r.ContactName, &r.ContactEmail, &r.ContactPhone, &r.TOSAcceptedAt, &r.CreatedAt, &r.UpdatedAt, &r.NameKey, &r.ConsoleName, &r.DelegatedAdmin, elsewhere}
	})
}

// customerSortKeys are the keyset's columns, as the first page's inner
// query selects them, and its order over them.
func customerSortKeys(sort models.CustomerSort) (cols, order string) {
	if sort == models.SortByCreated {
		return "customers.id, customers.created_at", "k.created_at DESC, k.id DESC"
	}
	return "customers.id, customers.name_key", "k.name_key, k.id"
}

// ListCustomers returns one keyset page of the actor's customers, in one
// statement whatever the page:
//
//   - a first page reads the keys of up to cap+1 matching rows (an index-only
//     scan of the sort index when nothing else filters), counts them with a
//     window, keeps the first PageSize+1 and joins their rows: the page and
//     its capped count (CountCap, SearchCountCap for a free-text search) in
//     one round trip and one plan;
//   - a later page reads PageSize+1 rows from its cursor (the row past the
//     page says there is a next one) and takes the count the first page put
//     in the cursor.
func (s *Store) ListCustomers(ctx context.Context, a models.Actor, f models.CustomerFilter, cursor string) (models.Page[CustomerRow], error) {
	var page models.Page[CustomerRow]
	if err := canListCustomers(a); err != nil {
		return page, err
	}
	after, has := models.DecodeCursor(cursor)
	limit := models.CountCap
	if strings.TrimSpace(f.Query) != "" {
		limit = models.SearchCountCap
	}
	carriedTotal, carriedMany, carried := models.CarriedCount(after)
	var rs *sql.Rows
	var err error
	var total int64
	if !has {
		keys, order := customerSortKeys(f.Sort)
		inner := customerKeyset(s.customerQuery(ctx, a, f), f.Sort, after, false).Select(keys).Limit(limit + 1)
		counted := s.db.Table("(?) AS k", inner).Select("k.*, count(*) OVER () AS list_total").
			Order(order).Limit(models.PageSize + 1)
		rs, err = s.db.WithContext(ctx).Table("(?) AS k", counted).
			Select(customerListSelect(a) + ", k.list_total").
			Joins("JOIN customers ON customers.id = k.id").
			Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").
			Order(order).Rows()
	} else {
		rs, err = customerKeyset(s.customerQuery(ctx, a, f), f.Sort, after, has).
			Select(customerListSelect(a)).
			Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").
			Limit(models.PageSize + 1).Rows()
	}
	if err != nil {
		return page, fmt.Errorf("list customers: %w", err)
	}
	var totalDest *int64
	if !has {
		totalDest = &total
	}
	var elsewhere bool
	rows, err := scanCustomerRows(rs, models.PageSize+1, &elsewhere, totalDest)
	if err != nil {
		return page, fmt.Errorf("list customers: %w", err)
	}
	delegated := false
	if elsewhere || len(rows) == 0 { // an empty page cannot say: look
		// R-ROLE-6's exception (delegated_admin.go).
		if rows, delegated, err = s.withDelegatedCustomers(ctx, a, f, after, has, rows); err != nil {
			return page, err
		}
	}
	full := len(rows) > models.PageSize
	if full {
		rows = rows[:models.PageSize]
	}
	page.Items = rows
	switch {
	case !has:
		page.Total, page.Many = total, total > int64(limit)
		if page.Many {
			page.Total = int64(limit)
		}
		if delegated { // counted here once, then carried by the cursor
			if page.Total, page.Many, err = s.countDelegatedCustomers(ctx, a, f, page.Total, page.Many, limit); err != nil {
				return page, err
			}
		}
	case carried:
		page.Total, page.Many = carriedTotal, carriedMany
	default: // a cursor from before counts were carried
		if page.Total, page.Many, err = cappedCountTo(s.customerQuery(ctx, a, f), limit); err != nil {
			return page, err
		}
	}
	if full {
		next := customerCursor(f.Sort, rows[len(rows)-1])
		next.N = models.CarryCount(page.Total, page.Many)
		page.Next = next.Encode()
	}
	return page, nil
}

// cappedCount counts at most CountCap+1 rows: an exact COUNT(*) over a large
// list costs many times the page itself, so past the cap we say "many".
func cappedCount(q *gorm.DB) (int64, bool, error) { return cappedCountTo(q, models.CountCap) }

// cappedCountTo is cappedCount with another cap.
func cappedCountTo(q *gorm.DB, limit int) (int64, bool, error) {
	var n int64
	sub := q.Select("1").Limit(limit + 1)
	if err := q.Session(&gorm.Session{NewDB: true}).Table("(?) AS capped", sub).Count(&n).Error; err != nil {
		return 0, false, fmt.Errorf("count: %w", err)
	}
	if n > int64(limit) {
		return int64(limit), true, nil
	}
	return n, false, nil
}

// ExportCustomers streams every customer matching the filter, in batches,
// and records the export in the audit log.
func (s *Store) ExportCustomers(ctx context.Context, a models.Actor, f models.CustomerFilter, emit func(CustomerRow) error) error {
	if err := canListCustomers(a); err != nil {
		return err
	}
	cursor := ""
	for {
		var rows []CustomerRow
		after, has := models.DecodeCursor(cursor)
		err := customerKeyset(s.customerQuery(ctx, a, f), f.Sort, after, has).
			Select("customers.*, coalesce(consoles.name, '') AS console_name").
			Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").
			Limit(1000).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("export customers: %w", err)
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			break
		}
		cursor = customerCursor(f.Sort, rows[len(rows)-1]).Encode()
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "customers.exported", RecordType: "organisation", RecordID: a.OrgID, Before: nil, After: f, Orgs: []int64{a.OrgID}})
	})
}

// GetCustomer loads one customer the actor may see; any other id is not found.
func (s *Store) GetCustomer(ctx context.Context, a models.Actor, id int64) (CustomerRow, error) {
	var c CustomerRow
	if a.OrgKind == models.OrgCustomer {
		// A customer's users open their own customer only; any other id is
		// not found, like a foreign id anywhere else (R-ROLE-6).
		if a.OrgID != id {
			return c, models.NotFound()
		}
	} else if err := canListCustomers(a); err != nil {
		return c, err
	}
	err := s.db.WithContext(ctx).Table("customers").Scopes(scopeCustomers(a)).
		Select("customers.*, coalesce(consoles.name, '') AS console_name").
		Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").
		Where("customers.id = ?", id).Take(&c).Error
	return c, notFound(err)
}

// CustomerPage is what the customer page shows.
type CustomerPage struct {
	Customer      CustomerRow
	Subscriptions []models.Subscription
	Audit         models.Page[models.AuditEvent]
	// DelegatedAdmin is the delegated-admin panel, for a console (R-PK-2).
	DelegatedAdmin *DelegatedAdminPanel
	// Invitations are the customer's administrators who have not set a
	// password through their invitation yet, for its console.
	Invitations []models.PendingInvitation
}

// LoadCustomerPage reads the customer page in one read-only transaction:
// the customer (which checks the actor may see it), its subscriptions and
// the first page of its audit trail and, for a console, the delegated-admin
// panel: statements seeing one state.
func (s *Store) LoadCustomerPage(ctx context.Context, a models.Actor, id int64) (CustomerPage, error) {
	var out CustomerPage
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		in := s.within(tx)
		var err error
		if out.Customer, err = in.GetCustomer(ctx, a, id); err != nil {
			return err
		}
		if out.Subscriptions, err = in.customerSubscriptions(ctx, a, id); err != nil {
			return err
		}
		if out.Audit, err = in.ListAudit(ctx, a, models.AuditFilter{RecordType: "customer", RecordID: id}, ""); err != nil {
			return err
		}
		if a.OrgKind != models.OrgConsole {
			return nil
		}
		enrolled, pending, err := consoleSideFacts(tx.WithContext(ctx), a.OrgID, id)
		if err != nil {
			return err
		}
		panel, err := in.delegatedAdminPanelOf(ctx, a, id, enrolled)
		out.DelegatedAdmin, out.Invitations = &panel, pending
		return err
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	return out, err
}

// CustomerSubscriptions lists a customer's subscriptions with their product,
// in one query.
func (s *Store) CustomerSubscriptions(ctx context.Context, a models.Actor, customerID int64) ([]models.Subscription, error) {
	if _, err := s.GetCustomer(ctx, a, customerID); err != nil {
		return nil, err
	}
	return s.customerSubscriptions(ctx, a, customerID)
}

// customerSubscriptions is CustomerSubscriptions once the customer is known
// to be the actor's.
func (s *Store) customerSubscriptions(ctx context.Context, a models.Actor, customerID int64) ([]models.Subscription, error) {
	q := s.db.WithContext(ctx).Joins("Product").Where("subscriptions.customer_id = ?", customerID)
	if a.OrgKind == models.OrgConsole {
		// A console sees the subscriptions it sells, not another reseller's.
		q = q.Where("subscriptions.console_id = ?", a.OrgID)
	}
	var subs []models.Subscription
	if err := q.Order("subscriptions.id").Limit(500).Find(&subs).Error; err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return subs, nil
}

func errDomainTaken() *models.Error {
	return &models.Error{Code: models.CodeInvalid, Field: "domain", Message: "This domain is already registered on the platform."}
}

// CreateCustomer adds a customer to the actor's console (needs customers.add).
func (s *Store) CreateCustomer(ctx context.Context, a models.Actor, in models.CustomerInput) (models.Customer, error) {
	var c models.Customer
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermAddCustomers) {
		return c, models.Forbidden()
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		orgID, err := newOrganisation(tx, models.OrgCustomer, now)
		if err != nil {
			return err
		}
		console := a.OrgID
		c = models.Customer{ID: orgID, ConsoleID: &console, Name: in.Name, Domain: in.Domain, TenantID: uuid.New(),
			Country: in.Country, Channel: models.ChannelReseller, ContactName: in.ContactName,
			ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			if uniqueViolation(err, "customers_domain_key") {
				return errDomainTaken()
			}
			return fmt.Errorf("create customer: %w", err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "customer.created", RecordType: "customer", RecordID: c.ID, Before: nil, After: customerAudit(c), Orgs: []int64{a.OrgID, c.ID}})
	})
	return c, err
}

// UpdateCustomer edits a customer's profile (needs customers.add).
func (s *Store) UpdateCustomer(ctx context.Context, a models.Actor, id int64, in models.CustomerInput) (models.Customer, error) {
	var c models.Customer
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermAddCustomers) {
		// Still answer not_found for foreign ids, so a forbidden user learns nothing.
		if _, err := s.GetCustomer(ctx, a, id); err != nil {
			return c, err
		}
		return c, models.Forbidden()
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Scopes(scopeCustomers(a)).Where("customers.id = ?", id).Take(&c).Error; err != nil {
			return notFound(err)
		}
		before := customerAudit(c)
		c.Name, c.Domain, c.Country = in.Name, in.Domain, in.Country
		c.ContactName, c.ContactEmail, c.ContactPhone = in.ContactName, in.ContactEmail, in.ContactPhone
		c.UpdatedAt = now
		if err := tx.Save(&c).Error; err != nil {
			if uniqueViolation(err, "customers_domain_key") {
				return errDomainTaken()
			}
			return fmt.Errorf("update customer %d: %w", id, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "customer.updated", RecordType: "customer", RecordID: c.ID, Before: before, After: customerAudit(c), Orgs: []int64{a.OrgID, c.ID}})
	})
	return c, err
}

func customerAudit(c models.Customer) map[string]any {
	return map[string]any{"name": c.Name, "domain": c.Domain, "country": c.Country, "contact_name": c.ContactName,
		"contact_email": c.ContactEmail, "contact_phone": c.ContactPhone}
}

func newOrganisation(tx *gorm.DB, kind models.OrgKind, now time.Time) (int64, error) {
	var id int64
	if err := tx.Raw("INSERT INTO organisations (kind, created_at) VALUES (?, ?) RETURNING id", kind, now).Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("create organisation: %w", err)
	}
	return id, nil
}
