package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
)

// Delegated administration (issue 11, R-PK-2, seed 003): the desk's
// cloud-essentials flag, offers and their answers, the gate of every admin
// task a console does for a customer, and those tasks (the customer's users).

// DelegatedAdminRow and DelegatedAdminPanel are models' (views need not
// import the store).
type (
	DelegatedAdminRow   = models.DelegatedAdminRow
	DelegatedAdminPanel = models.DelegatedAdminPanel
)

func daAudit(r models.DelegatedAdminRelationship) map[string]any {
	return map[string]any{"console_id": r.ConsoleID, "customer_id": r.CustomerID, "state": r.State, "version": r.Version, "message": r.Message}
}

// R-ROLE-6's exception: a console's customers list also holds the customers
// that granted it delegated admin while buying through another console,
// marked. The console's own page query is unchanged; the delegated customers
// are one extra arm, a second query with the same filter, keyset and LIMIT,
// merged in order. (A UNION ALL under the page's ORDER BY … LIMIT was tried:
// PostgreSQL 17 sorts the whole union instead of a Merge Append, 25 ms
// instead of 0.08 ms for a console of 20 000 customers.) EXPLAIN of both,
// for a console of 10 000 customers among 30 000, one delegated:
//
//	Limit  (cost=0.41..13.15 rows=51)                 -- own page, unchanged
//	  ->  Nested Loop Left Join
//	        ->  Index Scan using customers_console_name_idx on customers
//	              Index Cond: (console_id = 2)
//	Limit  (cost=9.49..9.50 rows=1)                   -- the delegated arm
//	  ->  Sort  Sort Key: customers.name_key, customers.id
//	        ->  Nested Loop Left Join
//	              ->  Nested Loop
//	                    ->  Seq Scan on delegated_admin_relationships d   (delegated_admin_accepted_idx once it grows)
//	                          Filter: ((console_id = 2) AND (state = 'accepted'))
//	                    ->  Index Scan using customers_pkey on customers
//	                          Index Cond: (id = d.customer_id)
//
// The arm costs what the console's delegated customers cost, never its own
// (TestDelegatedCustomersListPlan); marking the page's own customers that
// granted delegated admin is one more indexed query over the page's ids.

// delegatedArm is the extra arm's query: the filter of the customers list,
// over the customers that granted the console delegated admin and buy
// through another console.
func (s *Store) delegatedArm(ctx context.Context, a models.Actor, f models.CustomerFilter) *gorm.DB {
	// The desk's scope (every customer) narrowed by the relationships below:
	// customerQuery's filter without its console scope.
	everyCustomer := models.Actor{OrgKind: models.OrgOperator}
	return s.customerQuery(ctx, everyCustomer, f).
		Joins("JOIN delegated_admin_relationships d ON d.customer_id = customers.id AND d.console_id = ? AND d.state = 'accepted'", a.OrgID).
		Where("customers.console_id IS DISTINCT FROM ?", a.OrgID)
}

// withDelegatedCustomers merges the extra arm (customers of other consoles,
// or direct ones, that granted this console delegated admin) into a page of
// the console's own customers (PageSize+1 rows in list order); the own
// customers that granted it are marked by the page's statement
// (customerListSelect). It says whether the arm found any, so the first
// page counts them too.
func (s *Store) withDelegatedCustomers(ctx context.Context, a models.Actor, f models.CustomerFilter, after models.Cursor, has bool, rows []CustomerRow) ([]CustomerRow, bool, error) {
	if a.OrgKind != models.OrgConsole {
		return rows, false, nil
	}
	var extra []CustomerRow
	if err := customerKeyset(s.delegatedArm(ctx, a, f), f.Sort, after, has).
		Select("customers.*, coalesce(consoles.name, '') AS console_name, true AS delegated_admin").
		Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").
		Limit(models.PageSize + 1).Find(&extra).Error; err != nil {
		return nil, false, fmt.Errorf("list delegated customers: %w", err)
	}
	if len(extra) == 0 {
		return rows, false, nil
	}
	merged := append(rows, extra...)
	sort.SliceStable(merged, func(i, j int) bool { return customerBefore(f.Sort, merged[i], merged[j]) })
	if len(merged) > models.PageSize+1 {
		merged = merged[:models.PageSize+1]
	}
	return merged, true, nil
}

// customerBefore is the list's order (customerKeyset's ORDER BY).
func customerBefore(by models.CustomerSort, x, y CustomerRow) bool {
	if by == models.SortByCreated {
		if !x.CreatedAt.Equal(y.CreatedAt) {
			return x.CreatedAt.After(y.CreatedAt)
		}
		return x.ID > y.ID
	}
	if x.NameKey != y.NameKey {
		// By code point, as the database's C.UTF-8 collation orders them
		// (localpg's initdb; production's database is created the same way).
		return x.NameKey < y.NameKey
	}
	return x.ID < y.ID
}

// countDelegatedCustomers adds the extra arm to the list's capped count.
func (s *Store) countDelegatedCustomers(ctx context.Context, a models.Actor, f models.CustomerFilter, total int64, many bool, limit int) (int64, bool, error) {
	if a.OrgKind != models.OrgConsole || many {
		return total, many, nil
	}
	n, m, err := cappedCountTo(s.delegatedArm(ctx, a, f), limit)
	if err != nil {
		return total, many, err
	}
	total += n
	if m || total > int64(limit) {
		return int64(limit), true, nil
	}
	return total, false, nil
}

// SetCloudEssentials enrols a console in the cloud-essentials programme or
// takes it out (the desk). Setting what is already set changes nothing.
func (s *Store) SetCloudEssentials(ctx context.Context, a models.Actor, consoleID int64, enrolled bool) (models.Console, error) {
	var c models.Console
	if !a.IsDesk() || !a.Can(models.PermCloudEssentials) {
		return c, models.Forbidden()
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Take(&c, consoleID).Error; err != nil {
			return notFound(err)
		}
		if c.CloudEssentials == enrolled {
			return nil
		}
		before := map[string]any{"cloud_essentials": c.CloudEssentials}
		c.CloudEssentials, c.UpdatedAt = enrolled, now
		if err := tx.Model(&c).Updates(map[string]any{"cloud_essentials": enrolled, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("set cloud essentials of console %d: %w", consoleID, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "console.cloud_essentials_set", RecordType: "console", RecordID: c.ID,
			Before: before, After: map[string]any{"cloud_essentials": enrolled}, Orgs: []int64{a.OrgID, c.ID}})
	})
	return c, err
}

func requireConsolePerm(a models.Actor, p models.Permission) error {
	if a.OrgKind != models.OrgConsole || !a.Can(p) {
		return models.Forbidden()
	}
	return nil
}

// liveRelationship loads the live (offered or accepted) relationship of a
// console and a customer, nil when none, with lock strength ("" none).
func liveRelationship(tx *gorm.DB, consoleID, customerID int64, lock string) (*models.DelegatedAdminRelationship, error) {
	q := tx
	if lock != "" {
		q = tx.Clauses(clause.Locking{Strength: lock})
	}
	var rows []models.DelegatedAdminRelationship
	if err := q.Where("console_id = ? AND customer_id = ? AND state IN ?", consoleID, customerID,
		[]models.DelegatedAdminState{models.DAOffered, models.DAAccepted}).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load delegated admin of customer %d: %w", customerID, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// ownCustomer tells whether the customer is one of the console's own (a
// foreign or unknown id is not found).
func ownCustomer(tx *gorm.DB, a models.Actor, customerID int64) (models.Customer, error) {
	var c models.Customer
	err := tx.Where("id = ? AND console_id = ?", customerID, a.OrgID).Take(&c).Error
	return c, notFound(err)
}

// DelegatedAdminPanelOf is the customer page's delegated-admin panel.
func (s *Store) DelegatedAdminPanelOf(ctx context.Context, a models.Actor, customerID int64) (DelegatedAdminPanel, error) {
	var p DelegatedAdminPanel
	if a.OrgKind != models.OrgConsole {
		return p, models.Forbidden()
	}
	if _, err := ownCustomer(s.db.WithContext(ctx), a, customerID); err != nil {
		return p, err
	}
	return s.delegatedAdminPanel(ctx, a, customerID)
}

// delegatedAdminPanel is DelegatedAdminPanelOf once the customer is known to
// be the console's (the customer page reads it in its own transaction).
func (s *Store) delegatedAdminPanel(ctx context.Context, a models.Actor, customerID int64) (DelegatedAdminPanel, error) {
	var c models.Console
	if err := s.db.WithContext(ctx).Take(&c, a.OrgID).Error; err != nil {
		return DelegatedAdminPanel{}, notFound(err)
	}
	return s.delegatedAdminPanelOf(ctx, a, customerID, c.CloudEssentials)
}

// delegatedAdminPanelOf is the panel once the console's enrolment is known.
func (s *Store) delegatedAdminPanelOf(ctx context.Context, a models.Actor, customerID int64, enrolled bool) (DelegatedAdminPanel, error) {
	var p DelegatedAdminPanel
	live, err := liveRelationship(s.db.WithContext(ctx), a.OrgID, customerID, "")
	if err != nil {
		return p, err
	}
	p.Enrolled, p.Live, p.Block = enrolled, live, models.DelegatedAdminOfferBlock(enrolled, live)
	return p, nil
}

// OfferDelegatedAdmin sends a delegated-admin offer with a message to one of
// the console's customers; the customer's admins get a notice and an email.
func (s *Store) OfferDelegatedAdmin(ctx context.Context, a models.Actor, customerID int64, message string) (models.DelegatedAdminRelationship, error) {
	var r models.DelegatedAdminRelationship
	if err := requireConsolePerm(a, models.PermDelegatedAdminOffer); err != nil {
		return r, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		// The customer row is locked: two offers to one customer are
		// decided one after the other (the partial unique index backs it).
		var cust models.Customer
		if err := forUpdate(tx).Where("id = ? AND console_id = ?", customerID, a.OrgID).Take(&cust).Error; err != nil {
			return notFound(err)
		}
		var con models.Console
		if err := tx.Clauses(clause.Locking{Strength: "SHARE"}).Take(&con, a.OrgID).Error; err != nil {
			return notFound(err)
		}
		live, err := liveRelationship(tx, a.OrgID, customerID, "UPDATE")
		if err != nil {
			return err
		}
		msg, err := models.CheckDelegatedAdminOffer(models.DelegatedAdminOfferFacts{Enrolled: con.CloudEssentials, OwnCustomer: true, Live: live, Message: message})
		if err != nil {
			return err
		}
		r = models.DelegatedAdminRelationship{ConsoleID: a.OrgID, CustomerID: customerID, Message: msg, State: models.DAOffered,
			Version: 1, OfferedAt: now, CreatedAt: now, UpdatedAt: now}
		if uid := a.UserID; uid != 0 {
			r.OfferedBy = &uid
		}
		if err := tx.Create(&r).Error; err != nil {
			if uniqueViolation(err, "delegated_admin_live_idx") {
				_, err := models.CheckDelegatedAdminOffer(models.DelegatedAdminOfferFacts{Enrolled: true, OwnCustomer: true,
					Live: &models.DelegatedAdminRelationship{State: models.DAOffered}, Message: msg})
				return err
			}
			return fmt.Errorf("create delegated admin offer: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "delegated_admin.offered", RecordType: "delegated_admin", RecordID: r.ID,
			After: daAudit(r), Orgs: []int64{a.OrgID, customerID}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, customerID, []models.Role{models.RoleCustomerAdmin}, Notice{Kind: models.NoticeInvitation,
			Title: "{{.Console}} offers to be your delegated admin",
			Body:  "{{.Console}} asks to administer your organisation's users and settings for you. Accept or decline the offer under Delegated admin; you can end it at any time.",
			Args:  []any{"Console", con.Name}, Link: "/admin/delegated-admin"})
	})
	return r, err
}

// WithdrawDelegatedAdmin takes back the console's waiting offer to a customer.
func (s *Store) WithdrawDelegatedAdmin(ctx context.Context, a models.Actor, customerID int64) (models.DelegatedAdminRelationship, error) {
	var r models.DelegatedAdminRelationship
	if err := requireConsolePerm(a, models.PermDelegatedAdminOffer); err != nil {
		return r, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if _, err := ownCustomer(tx, a, customerID); err != nil {
			return err
		}
		// The latest relationship: a withdrawn one makes a second click a no-op.
		var rows []models.DelegatedAdminRelationship
		if err := forUpdate(tx).Where("console_id = ? AND customer_id = ?", a.OrgID, customerID).Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
			return fmt.Errorf("load delegated admin offer: %w", err)
		}
		if len(rows) == 0 {
			return &models.Error{Code: models.CodeConflict, Message: "There is no delegated-admin offer to withdraw."}
		}
		var err error
		r, err = s.moveRelationship(tx, a, rows[0], models.DAWithdraw, now)
		return err
	})
	return r, err
}

// moveRelationship applies a move with a conditional update (the version
// read), audits it on both sides and tells the other side.
func (s *Store) moveRelationship(tx *gorm.DB, a models.Actor, r models.DelegatedAdminRelationship, m models.DelegatedAdminMove, now time.Time) (models.DelegatedAdminRelationship, error) {
	next, changed, err := r.Move(m, a.UserID, now)
	if err != nil || !changed {
		return next, err
	}
	res := tx.Model(&models.DelegatedAdminRelationship{}).Where("id = ? AND version = ?", r.ID, r.Version).Updates(map[string]any{
		"state": next.State, "version": next.Version, "answered_by": next.AnsweredBy, "answered_at": next.AnsweredAt,
		"ended_by": next.EndedBy, "ended_at": next.EndedAt, "updated_at": now})
	if res.Error != nil {
		return next, fmt.Errorf("%s delegated admin %d: %w", m, r.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return next, &models.Error{Code: models.CodeConflict, Message: "Someone changed this delegated-admin offer in the meantime. Reload the page to see its current state."}
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "delegated_admin." + string(next.State), RecordType: "delegated_admin", RecordID: r.ID,
		Before: daAudit(r), After: daAudit(next), Orgs: []int64{r.ConsoleID, r.CustomerID}}); err != nil {
		return next, err
	}
	custName := customerName(tx, r.CustomerID)
	switch m {
	case models.DAAccept:
		return next, notifyDAConsole(tx, now, r, Notice{Kind: models.NoticeInvitation, Title: "{{.Customer}} accepted your delegated-admin offer",
			Body: "You can now manage its users from its Users tab.", Args: []any{"Customer", custName},
			Link: fmt.Sprintf("/console/customers/%d/users", r.CustomerID)})
	case models.DADecline:
		return next, notifyDAConsole(tx, now, r, Notice{Kind: models.NoticeInvitation, Title: "{{.Customer}} declined your delegated-admin offer",
			Body: "Your console cannot administer this customer.", Args: []any{"Customer", custName},
			Link: fmt.Sprintf("/console/customers/%d", r.CustomerID)})
	case models.DAEnd:
		return next, notifyDAConsole(tx, now, r, Notice{Kind: models.NoticeInvitation, Title: "{{.Customer}} ended your delegated administration",
			Body: "Your console can no longer administer this customer.", Args: []any{"Customer", custName},
			Link: fmt.Sprintf("/console/customers/%d", r.CustomerID)})
	case models.DAWithdraw:
		return next, notifyOrg(tx, now, r.CustomerID, []models.Role{models.RoleCustomerAdmin}, Notice{Kind: models.NoticeInvitation,
			Title: "{{.Console}} withdrew its delegated-admin offer", Body: "There is nothing to answer any more.",
			Args: []any{"Console", consoleName(tx, r.ConsoleID)}, Link: "/admin/delegated-admin"})
	}
	return next, nil
}

// notifyDAConsole tells the console's super admins and the person who sent
// the offer.
func notifyDAConsole(tx *gorm.DB, now time.Time, r models.DelegatedAdminRelationship, n Notice) error {
	var ids []int64
	if err := tx.Table("users").Where("organisation_id = ? AND role = ? AND disabled_at IS NULL", r.ConsoleID, models.RoleSuperAdmin).
		Order("id").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("notify console %d: %w", r.ConsoleID, err)
	}
	if r.OfferedBy != nil {
		ids = append(ids, *r.OfferedBy)
	}
	return notifyUsers(tx, now, ids, n)
}

// ListDelegatedAdmin lists the customer's delegated-admin offers and
// relationships, newest first (the customer portal).
func (s *Store) ListDelegatedAdmin(ctx context.Context, a models.Actor) ([]DelegatedAdminRow, error) {
	if a.OrgKind != models.OrgCustomer || !a.Can(models.PermDelegatedAdminAnswer) {
		return nil, models.Forbidden()
	}
	var rows []DelegatedAdminRow
	err := s.db.WithContext(ctx).Table("delegated_admin_relationships AS r").
		Select("r.*, consoles.name AS console_name, customers.name AS customer_name").
		Joins("JOIN consoles ON consoles.id = r.console_id").Joins("JOIN customers ON customers.id = r.customer_id").
		Where("r.customer_id = ?", a.OrgID).Order("r.id DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list delegated admin: %w", err)
	}
	return rows, nil
}

// AnswerDelegatedAdmin is the customer admin accepting or declining an
// offer, or ending an accepted relationship. Another customer's id is not
// found; a second click changes nothing; a lost race is a conflict.
func (s *Store) AnswerDelegatedAdmin(ctx context.Context, a models.Actor, id int64, m models.DelegatedAdminMove) (models.DelegatedAdminRelationship, error) {
	var r models.DelegatedAdminRelationship
	if a.OrgKind != models.OrgCustomer {
		return r, models.Forbidden()
	}
	if m != models.DAAccept && m != models.DADecline && m != models.DAEnd {
		return r, models.NotFound()
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Where("id = ? AND customer_id = ?", id, a.OrgID).Take(&r).Error; err != nil {
			return notFound(err)
		}
		if !a.Can(models.PermDelegatedAdminAnswer) {
			return models.Forbidden()
		}
		var err error
		r, err = s.moveRelationship(tx, a, r, m, now)
		return err
	})
	return r, err
}

// daGate is what the gate loaded: the console, the customer and the
// accepted relationship, held (FOR SHARE) until the task commits, so the
// customer ending it waits for the task or the task sees it ended.
type daGate struct {
	Console  models.Console
	Customer models.Customer
	Rel      models.DelegatedAdminRelationship
	// Actor is the partner as both audit logs name it; Partner its own name.
	Actor   models.Actor
	Partner string
}

// lockDelegatedAdmin is the gate of every admin task a console does for a
// customer (R-PK-2): the console's user must hold delegated_admin.act; the
// customer must be the console's own or have a live relationship with it
// (else not found); models.CheckDelegatedAdmin decides (403 with the reason
// unless accepted).
func lockDelegatedAdmin(tx *gorm.DB, a models.Actor, customerID int64) (daGate, error) {
	var g daGate
	if err := requireConsolePerm(a, models.PermDelegatedAdminAct); err != nil {
		return g, err
	}
	if err := tx.Take(&g.Customer, customerID).Error; err != nil {
		return g, notFound(err)
	}
	live, err := liveRelationship(tx, a.OrgID, customerID, "SHARE")
	if err != nil {
		return g, err
	}
	own := g.Customer.ConsoleID != nil && *g.Customer.ConsoleID == a.OrgID
	if !own && live == nil {
		return g, models.NotFound()
	}
	if err := models.CheckDelegatedAdmin(live); err != nil {
		return g, err
	}
	if err := tx.Take(&g.Console, a.OrgID).Error; err != nil {
		return g, notFound(err)
	}
	g.Rel = *live
	g.Actor, g.Partner = a.AsDelegatedAdmin(g.Console.Name), a.Name
	return g, nil
}

// auditDelegated writes a delegated admin's action on both sides: the
// customer's audit and the console's.
func auditDelegated(tx *gorm.DB, g daGate, now time.Time, action string, userID int64, before, after map[string]any) error {
	if after != nil {
		after["delegated_admin"] = map[string]any{"console": g.Console.Name, "console_id": g.Console.ID, "partner_user": g.Partner}
	}
	return audit(tx, auditEntry{Actor: g.Actor, At: now, Action: action, RecordType: "user", RecordID: userID,
		Before: before, After: after, Orgs: []int64{g.Customer.ID, g.Console.ID}})
}

// DelegatedCustomer is the customer whose Users tab a console opens: its
// own, or one it has a live relationship with (else not found), whatever
// the gate will answer.
func (s *Store) DelegatedCustomer(ctx context.Context, a models.Actor, customerID int64) (models.Customer, error) {
	var c models.Customer
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := requireConsolePerm(a, models.PermDelegatedAdminAct); err != nil {
			return err
		}
		if err := tx.Take(&c, customerID).Error; err != nil {
			return notFound(err)
		}
		live, err := liveRelationship(tx, a.OrgID, customerID, "")
		if err != nil {
			return err
		}
		if (c.ConsoleID == nil || *c.ConsoleID != a.OrgID) && live == nil {
			return models.NotFound()
		}
		return nil
	})
	return c, err
}

// ListCustomerUsers is a keyset page of the customer's users, by name, for
// its delegated admin.
func (s *Store) ListCustomerUsers(ctx context.Context, a models.Actor, customerID int64, query, cursor string) (models.Page[models.User], error) {
	var page models.Page[models.User]
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if _, err := lockDelegatedAdmin(tx, a, customerID); err != nil {
			return err
		}
		base := func() *gorm.DB {
			q := tx.Model(&models.User{}).Where("organisation_id = ?", customerID)
			if t := strings.ToLower(strings.TrimSpace(query)); t != "" {
				q = q.Where("(lower(name) LIKE ? OR email LIKE ?)", "%"+escapeLike(t)+"%", "%"+escapeLike(t)+"%")
			}
			return q
		}
		q := base()
		if c, ok := models.DecodeCursor(cursor); ok {
			q = q.Where("(lower(name), id) > (?, ?)", c.Key, c.ID)
		}
		var rows []models.User
		if err := q.Order("lower(name), id").Limit(models.PageSize + 1).Find(&rows).Error; err != nil {
			return fmt.Errorf("list customer users: %w", err)
		}
		if len(rows) > models.PageSize {
			rows = rows[:models.PageSize]
			last := rows[len(rows)-1]
			page.Next = models.Cursor{Key: strings.ToLower(last.Name), ID: last.ID}.Encode()
		}
		page.Items = rows
		var err error
		page.Total, page.Many, err = cappedCount(base())
		return err
	})
	return page, err
}

// CreateCustomerUser adds a user to the customer, by its delegated admin.
func (s *Store) CreateCustomerUser(ctx context.Context, a models.Actor, customerID int64, in models.UserInput) (models.User, error) {
	var u models.User
	in.Normalize()
	in.CanAddCustomers, in.CanMigrateCustomers = false, false
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		g, err := lockDelegatedAdmin(tx, a, customerID)
		if err != nil {
			return err
		}
		if err := in.Validate(models.OrgCustomer, true); err != nil {
			return err
		}
		if u, err = insertUser(tx, customerID, in, now); err != nil {
			return err
		}
		return auditDelegated(tx, g, now, "user.created", u.ID, nil, userAudit(u))
	})
	return u, err
}

// lockCustomerUser loads one of the customer's users, locked, with the
// count of its active customer admins.
func lockCustomerUser(tx *gorm.DB, customerID, userID int64) (models.User, int, error) {
	var u models.User
	if err := forUpdate(tx).Where("organisation_id = ? AND id = ?", customerID, userID).Take(&u).Error; err != nil {
		return u, 0, notFound(err)
	}
	var admins []int64
	if err := forUpdate(tx).Model(&models.User{}).Where("organisation_id = ? AND role = ? AND disabled_at IS NULL", customerID, models.RoleCustomerAdmin).
		Order("id").Pluck("id", &admins).Error; err != nil {
		return u, 0, fmt.Errorf("count customer admins: %w", err)
	}
	return u, len(admins), nil
}

// ChangeCustomerUserRole changes a customer's user's role, by its delegated
// admin; the customer keeps an active customer admin.
func (s *Store) ChangeCustomerUserRole(ctx context.Context, a models.Actor, customerID, userID int64, role models.Role) (models.User, error) {
	var u models.User
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		g, err := lockDelegatedAdmin(tx, a, customerID)
		if err != nil {
			return err
		}
		var admins int
		if u, admins, err = lockCustomerUser(tx, customerID, userID); err != nil {
			return err
		}
		if role == "" {
			return models.FieldErrors{"role": "Choose a role from the list."}.Err()
		}
		if err := models.CheckCustomerUserChange(models.CustomerUserChangeFacts{User: u, ActiveAdmins: admins, Role: role}); err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		before := userAudit(u)
		u.Role, u.UpdatedAt = role, now
		if err := tx.Model(&u).Updates(map[string]any{"role": role, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("change role of user %d: %w", userID, err)
		}
		return auditDelegated(tx, g, now, "user.updated", u.ID, before, userAudit(u))
	})
	return u, err
}

// SetCustomerUserDisabled disables (ending their sessions) or enables a
// customer's user, by its delegated admin.
func (s *Store) SetCustomerUserDisabled(ctx context.Context, a models.Actor, customerID, userID int64, disabled bool) (models.User, error) {
	var u models.User
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		g, err := lockDelegatedAdmin(tx, a, customerID)
		if err != nil {
			return err
		}
		var admins int
		if u, admins, err = lockCustomerUser(tx, customerID, userID); err != nil {
			return err
		}
		if disabled == (u.DisabledAt != nil) {
			return nil
		}
		if err := models.CheckCustomerUserChange(models.CustomerUserChangeFacts{User: u, ActiveAdmins: admins, Disable: disabled}); err != nil {
			return err
		}
		before := userAudit(u)
		action := "user.enabled"
		if disabled {
			action = "user.disabled"
			u.DisabledAt = &now
			if err := tx.Model(&UserSession{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", now).Error; err != nil {
				return fmt.Errorf("end sessions of user %d: %w", userID, err)
			}
		} else {
			u.DisabledAt = nil
		}
		u.UpdatedAt = now
		if err := tx.Model(&u).Updates(map[string]any{"disabled_at": u.DisabledAt, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("save user %d: %w", userID, err)
		}
		return auditDelegated(tx, g, now, action, u.ID, before, userAudit(u))
	})
	return u, err
}
