package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// offerRoles are the console roles told about offers.
func offerRoles() []models.Role {
	return []models.Role{models.RoleSuperAdmin, models.RoleAdminAgent, models.RoleSalesAgent}
}

// customerAdmins are the customer users told about offers and tokens.
func customerAdmins() []models.Role {
	return []models.Role{models.RoleCustomerAdmin}
}

// scopeOffers limits offers to what the actor may see (R-ROLE-6): a console
// its own, a customer the ones sent to it (never drafts), the desk all.
func scopeOffers(a models.Actor) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		switch a.OrgKind {
		case models.OrgConsole:
			return db.Where("offers.console_id = ?", a.OrgID)
		case models.OrgCustomer:
			return db.Where("offers.customer_id = ? AND offers.state <> 'draft'", a.OrgID)
		case models.OrgOperator:
			return db
		}
		return db.Where("false")
	}
}

func canListOffers(a models.Actor) error {
	switch a.OrgKind {
	case models.OrgConsole:
		return a.Require(models.PermOffers)
	case models.OrgCustomer:
		return a.Require(models.PermOfferAccept)
	case models.OrgOperator:
		if a.Can(models.PermDirectOffers) || a.Can(models.PermDeskCustomers) {
			return nil
		}
	}
	return models.Forbidden()
}

// CanListOffers tells whether the actor may see offers at all.
func (s *Store) CanListOffers(a models.Actor) error { return canListOffers(a) }

// OfferBillingAccounts lists the console's billing accounts for the offer form.
func (s *Store) OfferBillingAccounts(ctx context.Context, a models.Actor) ([]models.BillingAccount, error) {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermOffers) {
		return nil, models.Forbidden()
	}
	var bs []models.BillingAccount
	if err := s.db.WithContext(ctx).Where("console_id = ?", a.OrgID).Order("lower(name), id").Find(&bs).Error; err != nil {
		return nil, fmt.Errorf("list billing accounts: %w", err)
	}
	return bs, nil
}

const offerSelect = `offers.*, customers.name AS customer_name, customers.domain AS customer_domain,
	coalesce(consoles.name, '') AS console_name, products.name AS product_name, products.sku AS product_sku,
	products.family AS product_family`

// offerSearch is the filter's free text, lower-cased ("" for none).
func offerSearch(f models.OfferFilter) string { return strings.ToLower(strings.TrimSpace(f.Query)) }

// offerMatches is the offers of the filter the actor may see, joined to
// their customer only when the search needs its name: what a first page
// counts and takes its keys from.
func (s *Store) offerMatches(ctx context.Context, a models.Actor, f models.OfferFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("offers").Scopes(scopeOffers(a))
	if f.State.Valid() {
		q = q.Where("offers.state = ?", f.State)
	}
	if f.CustomerID > 0 {
		q = q.Where("offers.customer_id = ?", f.CustomerID)
	}
	if f.ProductID > 0 {
		q = q.Where("offers.product_id = ?", f.ProductID)
	}
	if t := offerSearch(f); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Joins("JOIN customers ON customers.id = offers.customer_id").
			Where(`(customers.name_key LIKE ? OR (customers.domain COLLATE "C") LIKE ? OR lower(offers.po_number) LIKE ?)`,
				like, escapeLike(t)+"%", like)
	}
	return q
}

// offerJoins joins what an offer row shows (offerSelect) to q: its
// customer (withCustomer: unless the search joined it already), product
// and console.
func offerJoins(q *gorm.DB, withCustomer bool) *gorm.DB {
	if withCustomer {
		q = q.Joins("JOIN customers ON customers.id = offers.customer_id")
	}
	return q.Joins("JOIN products ON products.id = offers.product_id").
		Joins("LEFT JOIN consoles ON consoles.id = offers.console_id")
}

// offerQuery is offerMatches with what each row shows joined.
func (s *Store) offerQuery(ctx context.Context, a models.Actor, f models.OfferFilter) *gorm.DB {
	return offerJoins(s.offerMatches(ctx, a, f), offerSearch(f) == "")
}

func offerKeyset(q *gorm.DB, after models.Cursor, has bool) *gorm.DB {
	if has {
		if t, err := time.Parse(time.RFC3339Nano, after.Key); err == nil {
			q = q.Where("(offers.created_at, offers.id) < (?, ?)", t, after.ID)
		}
	}
	return q.Order("offers.created_at DESC, offers.id DESC")
}

func offerCursor(o models.Offer) models.Cursor {
	return models.Cursor{Key: o.CreatedAt.UTC().Format(time.RFC3339Nano), ID: o.ID}
}

// offerListColumns are what the offers list shows and pages by, in the
// order scanOfferRows reads them: the list scans its rows by hand, since
// GORM's reflective scan of offerSelect (offers.*) was ~40 % of the page's
// CPU (docs/BENCH.md). The page's rows carry these fields only; the offer
// page and the export read offerSelect.
const offerListColumns = `offers.id, offers.console_id, offers.customer_id, offers.product_id, offers.quantity, offers.plan,
	offers.unit_price_minor, offers.currency, offers.expires_on, offers.state, offers.created_at,
	customers.name AS customer_name, customers.domain AS customer_domain, coalesce(consoles.name, '') AS console_name,
	products.name AS product_name, products.sku AS product_sku, products.family AS product_family`

// scanOfferRows reads rows of offerListColumns, and when total is not nil
// the list_total column after them.
func scanOfferRows(rows *sql.Rows, total *int64) ([]models.OfferRow, error) {
	return scanListRows(rows, models.PageSize+1, total, func(r *models.OfferRow) []any {
		return []any{&r.ID, &r.ConsoleID, &r.CustomerID, &r.ProductID, &r.Quantity, (*string)(&r.Plan),
			&r.UnitPriceMinor, &r.Currency, &r.ExpiresOn, (*string)(&r.State), &r.CreatedAt,
			&r.CustomerName, &r.CustomerDomain, &r.ConsoleName, &r.ProductName, &r.ProductSKU, (*string)(&r.ProductFamily)}
	})
}

// offersFirstPage is a first page's statement: the keys of up to
// CountCap+1 matching offers, newest first (an index scan in that order),
// counted, the first PageSize+1 joined to their rows.
func (s *Store) offersFirstPage(ctx context.Context, a models.Actor, f models.OfferFilter) *gorm.DB {
	keys := s.offerMatches(ctx, a, f).Select("offers.id, offers.created_at").Order("offers.created_at DESC, offers.id DESC")
	first := countedFirstPage(s.db.WithContext(ctx), keys, "k.created_at DESC, k.id DESC", models.CountCap).
		Joins("JOIN offers ON offers.id = k.id")
	return offerJoins(first, true).Select(offerListColumns + ", k.list_total")
}

// ListOffers is one keyset page of the offers the actor may see, newest
// first, in one statement as the customers list: a first page reads the
// keys of up to CountCap+1 matching offers, counts them with a window and
// joins the rows of the first PageSize+1 (offersFirstPage); a later page
// reads PageSize+1 rows from its cursor and shows the count the first page
// put in the cursor.
func (s *Store) ListOffers(ctx context.Context, a models.Actor, f models.OfferFilter, cursor string) (models.Page[models.OfferRow], error) {
	if err := canListOffers(a); err != nil {
		return models.Page[models.OfferRow]{}, err
	}
	after, has := models.DecodeCursor(cursor)
	var rs *sql.Rows
	var err error
	var counted int64
	var countedDest *int64
	if !has {
		rs, err = s.offersFirstPage(ctx, a, f).Rows()
		countedDest = &counted
	} else {
		rs, err = offerKeyset(s.offerQuery(ctx, a, f), after, has).Select(offerListColumns).Limit(models.PageSize + 1).Rows()
	}
	if err != nil {
		return models.Page[models.OfferRow]{}, fmt.Errorf("list offers: %w", err)
	}
	rows, err := scanOfferRows(rs, countedDest)
	if err != nil {
		return models.Page[models.OfferRow]{}, fmt.Errorf("list offers: %w", err)
	}
	return finishPage(rows, after, has, counted, models.CountCap,
		func(o models.OfferRow) models.Cursor { return offerCursor(o.Offer) },
		func() (int64, bool, error) { return cappedCount(s.offerMatches(ctx, a, f)) })
}

// ExportOffers streams every offer of the filter, in batches, and records
// the export.
func (s *Store) ExportOffers(ctx context.Context, a models.Actor, f models.OfferFilter, emit func(models.OfferRow) error) error {
	if err := canListOffers(a); err != nil {
		return err
	}
	var after models.Cursor
	has := false
	for {
		var rows []models.OfferRow
		if err := offerKeyset(s.offerQuery(ctx, a, f), after, has).Select(offerSelect).Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("export offers: %w", err)
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			break
		}
		after, has = offerCursor(rows[len(rows)-1].Offer), true
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "offers.exported", RecordType: "organisation", RecordID: a.OrgID, Before: nil, After: f, Orgs: []int64{a.OrgID}})
	})
}

// GetOffer loads one offer the actor may see; any other id is not found.
func (s *Store) GetOffer(ctx context.Context, a models.Actor, id int64) (models.OfferRow, error) {
	var o models.OfferRow
	if err := canListOffers(a); err != nil {
		return o, err
	}
	err := s.offerQuery(ctx, a, models.OfferFilter{}).Select(offerSelect).Where("offers.id = ?", id).Take(&o).Error
	return o, notFound(err)
}

// ListPrice is the catalogue price of a product, plan and currency, if any.
func (s *Store) ListPrice(ctx context.Context, productID int64, plan models.Plan, currency string) (int64, bool, error) {
	return listPrice(s.db.WithContext(ctx), productID, plan, currency)
}

func listPrice(db *gorm.DB, productID int64, plan models.Plan, currency string) (int64, bool, error) {
	var prices []int64
	if err := db.Table("prices").Where("product_id = ? AND plan = ? AND currency = ?", productID, plan, currency).
		Pluck("unit_price_minor", &prices).Error; err != nil {
		return 0, false, fmt.Errorf("list price: %w", err)
	}
	if len(prices) == 0 {
		return 0, false, nil
	}
	return prices[0], true, nil
}

// Products is the catalogue, for offer forms.
func (s *Store) Products(ctx context.Context) ([]models.Product, error) {
	var ps []models.Product
	if err := s.db.WithContext(ctx).Order("name, id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	return ps, nil
}

// OfferListChoices are the offers list's filter options.
type OfferListChoices struct {
	Products []models.Product // the catalogue, id and name
	// Customer is the customer the list is filtered on (id, name and
	// domain), nil when none or not one the actor may see. The filter lists
	// no other: the search box finds any customer, and a customer's page
	// links to its offers.
	Customer *models.Customer
}

// OfferListChoices reads the offers list's filter options in one
// statement: the catalogue's products and, when the list is filtered on
// customerID (0 for none), that customer if the actor may see it.
func (s *Store) OfferListChoices(ctx context.Context, a models.Actor, customerID int64) (OfferListChoices, error) {
	var out OfferListChoices
	type choice struct {
		Kind, Name, Domain string
		ID                 int64
	}
	db := s.db.WithContext(ctx)
	products := func() *gorm.DB {
		return db.Table("products").Select("'product' AS kind, products.id, products.name, '' AS domain")
	}
	q := products().Order("name, id")
	if customerID > 0 {
		customer := db.Table("customers").Scopes(scopeCustomers(a)).
			Select("'customer' AS kind, customers.id, customers.name, customers.domain").Where("customers.id = ?", customerID)
		q = db.Table("((?) UNION ALL (?)) AS choices", products(), customer).Select("choices.*").Order("name, id")
	}
	var cs []choice
	if err := q.Find(&cs).Error; err != nil {
		return out, fmt.Errorf("offer list choices: %w", err)
	}
	for _, c := range cs {
		if c.Kind == "customer" {
			out.Customer = &models.Customer{ID: c.ID, Name: c.Name, Domain: c.Domain}
		} else {
			out.Products = append(out.Products, models.Product{ID: c.ID, Name: c.Name})
		}
	}
	return out, nil
}

// OfferPickerSize bounds the customers the offer form's picker shows: a
// console of 100 000 customers cannot be one <select> (the whole list was
// read on every offers page). The offers list has no picker: its search
// finds any customer (OfferListChoices).
const OfferPickerSize = 100

// OfferCustomers lists the first OfferPickerSize of the actor's customers
// by name for the offer form's picker (id, name and domain only), with the
// customer already chosen (selected, 0 for none) added when it is not
// among them; more tells whether the console has more. Another customer is
// reached from its own page ("Make an offer" names it) or by the search.
func (s *Store) OfferCustomers(ctx context.Context, a models.Actor, selected int64) (cs []models.Customer, more bool, err error) {
	q := func() *gorm.DB {
		q := s.db.WithContext(ctx).Scopes(scopeCustomers(a)).Select("customers.id, customers.name, customers.domain")
		if a.OrgKind == models.OrgOperator {
			q = q.Where("channel = ?", models.ChannelDirect)
		}
		return q
	}
	if err := q().Order("name_key, id").Limit(OfferPickerSize + 1).Find(&cs).Error; err != nil {
		return nil, false, fmt.Errorf("list customers: %w", err)
	}
	if more = len(cs) > OfferPickerSize; more {
		cs = cs[:OfferPickerSize]
	}
	if selected == 0 {
		return cs, more, nil
	}
	for _, c := range cs {
		if c.ID == selected {
			return cs, more, nil
		}
	}
	var sel []models.Customer
	if err := q().Where("customers.id = ?", selected).Limit(1).Find(&sel).Error; err != nil {
		return nil, false, fmt.Errorf("list customers: %w", err)
	}
	return append(sel, cs...), more, nil
}

func canMakeOffer(a models.Actor) error {
	if a.OrgKind == models.OrgConsole && a.Can(models.PermOffers) {
		return nil
	}
	if a.OrgKind == models.OrgOperator && a.Can(models.PermDirectOffers) {
		return nil
	}
	return models.Forbidden()
}

// CreateOffer saves an offer as a draft, or sends it at once (R-OFF-1). A
// console offers to one of its customers, or to a transferring customer
// named by domain and transfer token; a desk sales rep makes direct offers
// to direct customers (R-MEET-3), currency given in in.Currency.
func (s *Store) CreateOffer(ctx context.Context, a models.Actor, in models.OfferInput, currency string, send bool) (models.Offer, error) {
	var o models.Offer
	if err := canMakeOffer(a); err != nil {
		return o, err
	}
	in.Normalize()
	var attempt int64
	if in.Token != "" && a.OrgKind == models.OrgConsole {
		var err error
		if attempt, err = s.tokenThrottled(ctx, a); err != nil {
			return o, err
		}
	}
	var outcome models.RedeemOutcome
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		o, outcome, err = s.createOffer(tx, a, in, currency, send, now)
		return err
	})
	if attempt != 0 {
		s.recordAttempt(ctx, attempt, outcome)
	}
	if err != nil {
		if uniqueViolation(err, "offers_open_token_key") {
			return o, models.ErrTokenInOpenOffer()
		}
		return o, err
	}
	return o, nil
}

// createOffer loads the facts of a new offer under their locks, asks
// models.DecideNewOffer, and writes the offer, its audit event and, when
// sent, the customer's notice and the migration's step.
func (s *Store) createOffer(tx *gorm.DB, a models.Actor, in models.OfferInput, currency string, send bool, now time.Time) (models.Offer, models.RedeemOutcome, error) {
	f, err := newOfferFacts(tx, a, in, currency, send)
	if err != nil {
		return models.Offer{}, "", err
	}
	d, err := models.DecideNewOffer(f, now)
	if err != nil {
		return models.Offer{}, d.Outcome, err
	}
	o := d.Offer
	if err := tx.Create(&o).Error; err != nil {
		return o, d.Outcome, fmt.Errorf("create offer: %w", err)
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "offer.created", RecordType: "offer", RecordID: o.ID, Before: nil, After: offerAudit(o), Orgs: []int64{a.OrgID}}); err != nil {
		return o, d.Outcome, err
	}
	if send {
		if err := s.afterSend(tx, a, now, &o, f.Migration); err != nil {
			return o, d.Outcome, err
		}
	}
	return o, d.Outcome, nil
}

// newOfferFacts loads what DecideNewOffer needs; the migration and the
// transfer token are locked. A migration the maker may not see is not found.
func newOfferFacts(tx *gorm.DB, a models.Actor, in models.OfferInput, currency string, send bool) (models.NewOfferFacts, error) {
	f := models.NewOfferFacts{Maker: a, Input: in, Currency: currency, Send: send}
	direct := f.Direct()
	if in.ProductID > 0 {
		var p models.Product
		if err := tx.Take(&p, in.ProductID).Error; err == nil {
			f.Product = &p
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return f, fmt.Errorf("load product: %w", err)
		}
	}
	if !direct {
		f.Currency = ""
		if in.BillingAccountID > 0 {
			var b models.BillingAccount
			err := tx.Where("id = ? AND console_id = ?", in.BillingAccountID, a.OrgID).Take(&b).Error
			if err == nil {
				f.BillingAccount, f.Currency = &b, b.Currency
			} else if !errors.Is(err, gorm.ErrRecordNotFound) {
				return f, fmt.Errorf("load billing account: %w", err)
			}
		}
	}
	// The customer: one the maker may see, or a transferring one by domain.
	var cust models.Customer
	var err error
	switch {
	case in.CustomerID > 0:
		err = tx.Scopes(scopeCustomers(a)).Where("customers.id = ?", in.CustomerID).Take(&cust).Error
	case in.Domain != "" && !direct:
		if d, ok := models.NormalizeDomain(in.Domain); ok {
			err = tx.Where("domain = ?", d).Take(&cust).Error
		}
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return f, fmt.Errorf("load customer: %w", err)
	}
	if err == nil && cust.ID != 0 {
		f.Customer = &cust
	}
	if in.MigrationID > 0 {
		var m models.MeetMigration
		q := forUpdate(tx).Where("id = ? AND state = ?", in.MigrationID, models.MigrationOpen)
		if direct {
			q = q.Where("console_id IS NULL")
		} else {
			q = q.Where("console_id = ?", a.OrgID)
		}
		if err := q.Take(&m).Error; err != nil {
			return f, notFound(err)
		}
		f.Migration = &m
	}
	if in.Token != "" && !direct && f.Customer != nil {
		if f.Token, err = lockTokenBySecret(tx, in.Token); err != nil {
			return f, err
		}
	}
	if direct && f.Product != nil && f.Product.Family == models.FamilyMeetHardware && f.Customer != nil {
		var renewal []time.Time
		if err := tx.Table("subscriptions").Where("customer_id = ? AND product_id = ? AND (channel = 'offline' OR plan = 'grace')", cust.ID, f.Product.ID).
			Order("end_date").Limit(1).Pluck("end_date", &renewal).Error; err != nil {
			return f, fmt.Errorf("load Meet renewal: %w", err)
		}
		if len(renewal) > 0 {
			f.MeetRenewal = &renewal[0]
		}
	}
	if f.Product != nil && models.ValidCurrency(f.Currency) {
		lp, ok, err := listPrice(tx, f.Product.ID, in.Plan, f.Currency)
		if err != nil {
			return f, err
		}
		if ok {
			f.ListPrice = &lp
		}
	}
	return f, nil
}

func offerAudit(o models.Offer) map[string]any {
	return map[string]any{"state": o.State, "customer_id": o.CustomerID, "product_id": o.ProductID, "quantity": o.Quantity,
		"plan": o.Plan, "unit_price_minor": o.UnitPriceMinor, "currency": o.Currency, "expires_on": o.ExpiresOn.Format("2006-01-02")}
}

// afterSend tells the customer's admins and moves the migration on.
func (s *Store) afterSend(tx *gorm.DB, a models.Actor, now time.Time, o *models.Offer, mig *models.MeetMigration) error {
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "offer.sent", RecordType: "offer", RecordID: o.ID, Before: nil, After: map[string]any{"state": o.State}, Orgs: []int64{o.CustomerID}}); err != nil {
		return err
	}
	from := "the platform"
	if o.ConsoleID != nil {
		from = consoleName(tx, *o.ConsoleID)
	}
	if err := notifyOrg(tx, now, o.CustomerID, customerAdmins(), Notice{Kind: models.NoticeOfferSent,
		Title: "New offer from {{.From}}", Body: "Review the offer and accept or decline it before {{.Expires}}.",
		Args: []any{"From", from, "Expires", o.ExpiresOn.Format("2006-01-02")}, Link: fmt.Sprintf("/admin/offers/%d", o.ID)}); err != nil {
		return err
	}
	if mig == nil && o.MigrationID != nil {
		var m models.MeetMigration
		if err := forUpdate(tx).Where("id = ? AND state = ?", *o.MigrationID, models.MigrationOpen).Take(&m).Error; err == nil {
			mig = &m
		}
	}
	if mig != nil {
		step := models.OfferSentStep(*mig)
		done, err := stepsDone(tx, mig.ID)
		if err != nil {
			return err
		}
		if err := mig.CheckStep(done, step); err != nil {
			return err
		}
		if err := doStep(tx, a, now, mig, step, fmt.Sprintf("offer #%d", o.ID)); err != nil {
			return err
		}
		if err := tx.Model(mig).Updates(map[string]any{"offer_id": o.ID, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("link offer to migration: %w", err)
		}
	}
	return nil
}

func (s *Store) lockOffer(tx *gorm.DB, a models.Actor, id int64) (models.Offer, error) {
	var o models.Offer
	err := forUpdate(tx).Scopes(scopeOffers(a)).Where("offers.id = ?", id).Take(&o).Error
	return o, notFound(err)
}

// SendOffer sends a draft to the customer.
func (s *Store) SendOffer(ctx context.Context, a models.Actor, id int64) error {
	if err := canMakeOffer(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		o, err := s.lockOffer(tx, a, id)
		if err != nil {
			return err
		}
		if !o.ManagedBy(a) {
			return models.NotFound()
		}
		if err := o.Send(now); err != nil {
			return err
		}
		if err := tx.Model(&o).Updates(map[string]any{"state": o.State, "sent_at": o.SentAt, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("send offer %d: %w", id, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "offer.state_changed", RecordType: "offer", RecordID: o.ID, Before: map[string]any{"state": models.OfferDraft}, After: map[string]any{"state": o.State}, Orgs: []int64{a.OrgID}}); err != nil {
			return err
		}
		return s.afterSend(tx, a, now, &o, nil)
	})
}

// WithdrawOffer takes back a draft or a sent offer.
func (s *Store) WithdrawOffer(ctx context.Context, a models.Actor, id int64) error {
	if err := canMakeOffer(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		o, err := s.lockOffer(tx, a, id)
		if err != nil {
			return err
		}
		if !o.ManagedBy(a) {
			return models.NotFound()
		}
		was := o.State
		if err := o.Withdraw(now); err != nil {
			return err
		}
		if err := tx.Model(&o).Updates(map[string]any{"state": o.State, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("withdraw offer %d: %w", id, err)
		}
		orgs := []int64{a.OrgID}
		if was == models.OfferSent {
			orgs = append(orgs, o.CustomerID)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "offer.state_changed", RecordType: "offer", RecordID: o.ID, Before: map[string]any{"state": was}, After: map[string]any{"state": o.State}, Orgs: orgs})
	})
}

// DeclineOffer records the customer's refusal with a reason (R-OFF-2).
func (s *Store) DeclineOffer(ctx context.Context, a models.Actor, id int64, reason string) error {
	if err := requireCustomerAdmin(a, models.PermOfferAccept); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		o, err := s.lockOffer(tx, a, id)
		if err != nil {
			return err
		}
		if err := o.Decline(a, reason, now); err != nil {
			return err
		}
		if err := tx.Model(&o).Updates(map[string]any{"state": o.State, "decided_at": o.DecidedAt, "decided_by_id": o.DecidedByID,
			"decided_by_name": o.DecidedByName, "decline_reason": o.DeclineReason, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("decline offer %d: %w", id, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "offer.state_changed", RecordType: "offer", RecordID: o.ID, Before: map[string]any{"state": models.OfferSent}, After: map[string]any{"state": o.State, "reason": o.DeclineReason}, Orgs: offerOrgs(tx, o)}); err != nil {
			return err
		}
		return notifyOfferMaker(tx, now, o, Notice{Kind: models.NoticeOfferDeclined, Title: "{{.Customer}} declined your offer",
			Body: "Reason: {{.Reason}}", Args: []any{"Customer", customerName(tx, o.CustomerID), "Reason", o.DeclineReason}})
	})
}

// offerOrgs are the organisations whose audit log shows an offer's events.
func offerOrgs(tx *gorm.DB, o models.Offer) []int64 {
	orgs := []int64{o.CustomerID}
	if o.ConsoleID != nil {
		orgs = append(orgs, *o.ConsoleID)
	} else if op := operatorOrg(tx); op != 0 {
		orgs = append(orgs, op)
	}
	return orgs
}

// notifyOfferMaker tells the offering console's offer roles, or for a direct
// offer the sales rep who made it.
func notifyOfferMaker(tx *gorm.DB, now time.Time, o models.Offer, n Notice) error {
	if n.Link == "" {
		if o.ConsoleID != nil {
			n.Link = fmt.Sprintf("/console/offers/%d", o.ID)
		} else {
			n.Link = fmt.Sprintf("/desk/offers/%d", o.ID)
		}
	}
	if o.ConsoleID != nil {
		return notifyOrg(tx, now, *o.ConsoleID, offerRoles(), n)
	}
	if o.CreatedByID != nil {
		return notifyUsers(tx, now, []int64{*o.CreatedByID}, n)
	}
	return nil
}

func operatorOrg(tx *gorm.DB) int64 {
	var id int64
	tx.Table("organisations").Select("id").Where("kind = ?", models.OrgOperator).Order("id").Limit(1).Scan(&id)
	return id
}

func customerName(tx *gorm.DB, id int64) string {
	var n string
	tx.Table("customers").Select("name").Where("id = ?", id).Scan(&n)
	return n
}
