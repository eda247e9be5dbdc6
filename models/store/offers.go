package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// offerRoles are the console roles told about offers.
var offerRoles = []models.Role{models.RoleSuperAdmin, models.RoleAdminAgent, models.RoleSalesAgent}

// customerAdmins are the customer users told about offers and tokens.
var customerAdmins = []models.Role{models.RoleCustomerAdmin}

// OfferRow is an offers-list row with the names it shows.
type OfferRow struct {
	models.Offer
	CustomerName   string
	CustomerDomain string
	ConsoleName    string
	ProductName    string
	ProductSKU     string
	ProductFamily  models.ProductFamily
}

// TableName makes OfferRow scan from offers.
func (OfferRow) TableName() string { return "offers" }

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

func (s *Store) offerQuery(ctx context.Context, a models.Actor, f models.OfferFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("offers").Scopes(scopeOffers(a)).
		Joins("JOIN customers ON customers.id = offers.customer_id").
		Joins("JOIN products ON products.id = offers.product_id").
		Joins("LEFT JOIN consoles ON consoles.id = offers.console_id")
	if f.State.Valid() {
		q = q.Where("offers.state = ?", f.State)
	}
	if f.CustomerID > 0 {
		q = q.Where("offers.customer_id = ?", f.CustomerID)
	}
	if f.ProductID > 0 {
		q = q.Where("offers.product_id = ?", f.ProductID)
	}
	if t := strings.ToLower(strings.TrimSpace(f.Query)); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where(`(customers.name_key LIKE ? OR (customers.domain COLLATE "C") LIKE ? OR lower(offers.po_number) LIKE ?)`,
			like, escapeLike(t)+"%", like)
	}
	return q
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

// ListOffers is one keyset page of the offers the actor may see, newest first.
func (s *Store) ListOffers(ctx context.Context, a models.Actor, f models.OfferFilter, cursor string) (models.Page[OfferRow], error) {
	var page models.Page[OfferRow]
	if err := canListOffers(a); err != nil {
		return page, err
	}
	after, has := models.DecodeCursor(cursor)
	var rows []OfferRow
	if err := offerKeyset(s.offerQuery(ctx, a, f), after, has).Select(offerSelect).Limit(models.PageSize + 1).Find(&rows).Error; err != nil {
		return page, fmt.Errorf("list offers: %w", err)
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		page.Next = offerCursor(rows[len(rows)-1].Offer).Encode()
	}
	page.Items = rows
	total, many, err := cappedCount(s.offerQuery(ctx, a, f))
	if err != nil {
		return page, err
	}
	page.Total, page.Many = total, many
	return page, nil
}

// ExportOffers streams every offer of the filter, in batches, and records
// the export.
func (s *Store) ExportOffers(ctx context.Context, a models.Actor, f models.OfferFilter, emit func(OfferRow) error) error {
	if err := canListOffers(a); err != nil {
		return err
	}
	var after models.Cursor
	has := false
	for {
		var rows []OfferRow
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
func (s *Store) GetOffer(ctx context.Context, a models.Actor, id int64) (OfferRow, error) {
	var o OfferRow
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

// OfferCustomers lists the console's customers for the offer form's picker.
func (s *Store) OfferCustomers(ctx context.Context, a models.Actor) ([]models.Customer, error) {
	var cs []models.Customer
	q := s.db.WithContext(ctx).Scopes(scopeCustomers(a))
	if a.OrgKind == models.OrgOperator {
		q = q.Where("channel = ?", models.ChannelDirect)
	}
	if err := q.Order("name_key, id").Limit(1000).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return cs, nil
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
			return o, &models.Error{Code: models.CodeInvalid, Field: "token", Message: "Another open offer already uses this transfer token. Withdraw it first."}
		}
		return o, err
	}
	return o, nil
}

func (s *Store) createOffer(tx *gorm.DB, a models.Actor, in models.OfferInput, currency string, send bool, now time.Time) (models.Offer, models.RedeemOutcome, error) {
	var o models.Offer
	var outcome models.RedeemOutcome
	var product *models.Product
	if in.ProductID > 0 {
		var p models.Product
		if err := tx.Take(&p, in.ProductID).Error; err == nil {
			product = &p
		}
	}
	direct := a.OrgKind == models.OrgOperator
	var ba *models.BillingAccount
	if !direct {
		var b models.BillingAccount
		if in.BillingAccountID > 0 && tx.Where("id = ? AND console_id = ?", in.BillingAccountID, a.OrgID).Take(&b).Error == nil {
			ba = &b
			currency = b.Currency
		} else {
			currency = ""
		}
	}
	terms, verr := in.Validate(product, currency, now, true)
	fe, _ := models.AsValidation(verr)
	if fe == nil {
		fe = models.FieldErrors{}
	}
	if !direct && ba == nil {
		fe.Add("billing_account_id", "Choose one of your billing accounts.")
	}
	if direct && !models.ValidCurrency(currency) {
		fe.Add("currency", "Choose a currency.")
	}
	// The customer: one of the console's own, or a transferring one by domain.
	var cust models.Customer
	switch {
	case in.CustomerID > 0:
		if err := tx.Scopes(scopeCustomers(a)).Where("customers.id = ?", in.CustomerID).Take(&cust).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				fe.Add("customer_id", "Choose a customer from the list.")
			} else {
				return o, outcome, err
			}
		} else if direct && cust.Channel != models.ChannelDirect {
			fe.Add("customer_id", "Direct offers are for direct customers only.")
		}
	case in.Domain != "" && !direct:
		if d, ok := models.NormalizeDomain(in.Domain); ok {
			if err := tx.Where("domain = ?", d).Take(&cust).Error; err != nil {
				if !errors.Is(err, gorm.ErrRecordNotFound) {
					return o, outcome, err
				}
				fe.Add("domain", errUnknownDomain.Message)
				outcome = models.RedeemWrong
			}
		}
	}
	// The migration this offer belongs to (R-MEET-2 step 7, R-MEET-3).
	var mig *models.MeetMigration
	if in.MigrationID > 0 {
		var m models.MeetMigration
		q := forUpdate(tx).Where("id = ? AND state = ?", in.MigrationID, models.MigrationOpen)
		if direct {
			q = q.Where("console_id IS NULL")
		} else {
			q = q.Where("console_id = ?", a.OrgID)
		}
		if err := q.Take(&m).Error; err != nil {
			return o, outcome, notFound(err)
		}
		if cust.ID != 0 && m.CustomerID != cust.ID {
			fe.Add("customer_id", "This offer belongs to another customer's migration.")
		}
		mig = &m
	}
	// The transfer token, checked for this console and customer (R-TOK-2).
	var tok *models.TransferToken
	if in.Token != "" && !direct && cust.ID != 0 {
		t, oc, err := redeemToken(tx, a.OrgID, cust.ID, in.Token, now)
		if err != nil {
			return o, outcome, err
		}
		outcome = oc
		if e := oc.Err(); e != nil {
			fe.Add("token", oc.Message())
		} else {
			tok = &t
		}
	} else if cust.ID != 0 && !direct && cust.ConsoleID != nil && *cust.ConsoleID != a.OrgID {
		fe.Add("token", "Enter the transfer token the customer gave you.")
	} else if mig != nil && !direct && in.Token == "" {
		fe.Add("token", "Enter the transfer token the customer made for this migration (step 6).")
	}
	// Direct offers of Meet hardware: at least 7 days before the renewal.
	if direct && product != nil && product.Family == models.FamilyMeetHardware && cust.ID != 0 && len(fe) == 0 {
		var renewal []time.Time
		if err := tx.Table("subscriptions").Where("customer_id = ? AND product_id = ? AND (channel = 'offline' OR plan = 'grace')", cust.ID, product.ID).
			Order("end_date").Limit(1).Pluck("end_date", &renewal).Error; err != nil {
			return o, outcome, err
		}
		if len(renewal) > 0 {
			if err := models.CheckDirectOffer(renewal[0], now); err != nil {
				return o, outcome, err
			}
		}
	}
	if len(fe) > 0 {
		return o, outcome, fe.Err()
	}
	o = models.Offer{CustomerID: cust.ID, ProductID: product.ID, Quantity: terms.Quantity, Plan: in.Plan,
		UnitPriceMinor: terms.UnitPrice, Currency: currency, StartDate: terms.StartDate, ExpiresOn: terms.ExpiresOn,
		Message: in.Message, PONumber: in.PONumber, State: models.OfferDraft, CreatedByName: a.Name, CreatedAt: now, UpdatedAt: now}
	if !direct {
		cid := a.OrgID
		o.ConsoleID = &cid
		o.BillingAccountID = &ba.ID
	}
	if a.UserID != 0 {
		uid := a.UserID
		o.CreatedByID = &uid
	}
	if lp, ok, err := listPrice(tx, product.ID, in.Plan, currency); err != nil {
		return o, outcome, err
	} else if ok {
		o.ListPriceMinor = &lp
	}
	if tok != nil {
		o.TransferTokenID = &tok.ID
	}
	if mig != nil {
		o.MigrationID = &mig.ID
	}
	if send {
		if err := o.Send(now); err != nil {
			return o, outcome, err
		}
	}
	if err := tx.Create(&o).Error; err != nil {
		return o, outcome, fmt.Errorf("create offer: %w", err)
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "offer.created", RecordType: "offer", RecordID: o.ID, Before: nil, After: offerAudit(o), Orgs: []int64{a.OrgID}}); err != nil {
		return o, outcome, err
	}
	if send {
		if err := s.afterSend(tx, a, now, &o, mig); err != nil {
			return o, outcome, err
		}
	}
	return o, outcome, nil
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
	if err := notifyOrg(tx, now, o.CustomerID, customerAdmins, Notice{Kind: models.NoticeOfferSent,
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
		step := models.StepOffer
		if mig.Path == models.PathDirect {
			step = models.DirectStepOffer
		}
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
		if a.OrgKind == models.OrgOperator && o.ConsoleID != nil {
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
		if a.OrgKind == models.OrgOperator && o.ConsoleID != nil {
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
		return notifyOrg(tx, now, *o.ConsoleID, offerRoles, n)
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

// termEnd is the last day of a first term starting on start.
func termEnd(start time.Time, plan models.Plan) time.Time {
	if plan == models.PlanFlexible || plan == models.PlanTrial {
		return models.Day(start).AddDate(0, 1, -1)
	}
	return models.Day(start).AddDate(1, 0, -1)
}

// AcceptOffer is R-OFF-3 in one transaction: the offer row is locked FOR
// UPDATE, so of two concurrent accepts exactly one wins and the other is told
// the offer is already accepted. The subscription is created, or moved to the
// offering console, online and auto-renewing; the transfer token is
// consumed; the offer is accepted; audit and notices are written. Without
// accepted platform terms the subscription is suspended (R-OFF-5).
func (s *Store) AcceptOffer(ctx context.Context, a models.Actor, id int64, termsTicked bool) (models.Offer, error) {
	var o models.Offer
	if err := requireCustomerAdmin(a, models.PermOfferAccept); err != nil {
		return o, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		o, err = s.lockOffer(tx, a, id)
		if err != nil {
			return err
		}
		if err := o.Accept(a, termsTicked, now); err != nil {
			return err
		}
		var cust models.Customer
		if err := forUpdate(tx).Take(&cust, o.CustomerID).Error; err != nil {
			return notFound(err)
		}
		var product models.Product
		if err := tx.Take(&product, o.ProductID).Error; err != nil {
			return fmt.Errorf("load product: %w", err)
		}
		if o.TransferTokenID != nil {
			var t models.TransferToken
			if err := forUpdate(tx).Take(&t, *o.TransferTokenID).Error; err != nil {
				return fmt.Errorf("load token: %w", err)
			}
			if err := t.Consume(o.ID, now); err != nil {
				return err
			}
			if err := tx.Model(&t).Updates(map[string]any{"used_at": t.UsedAt, "used_offer_id": t.UsedOfferID}).Error; err != nil {
				return fmt.Errorf("consume token: %w", err)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "transfer_token.used", RecordType: "transfer_token", RecordID: t.ID, Before: nil, After: map[string]any{"offer_id": o.ID}, Orgs: []int64{cust.ID}}); err != nil {
				return err
			}
			if err := notifyOrg(tx, now, cust.ID, customerAdmins, Notice{Kind: models.NoticeTokenUsed,
				Title: "Your transfer token was used", Body: "{{.Reseller}} used your transfer token; the subscriptions moved to them.",
				Args: []any{"Reseller", consoleName(tx, t.ConsoleID)}, Link: "/admin/tokens"}); err != nil {
				return err
			}
		}
		sub, err := s.placeSubscription(tx, a, now, o, cust, product)
		if err != nil {
			return err
		}
		// A transfer moves the customer to the offering console.
		if o.TransferTokenID != nil && o.ConsoleID != nil && (cust.ConsoleID == nil || *cust.ConsoleID != *o.ConsoleID) {
			before := map[string]any{"console_id": cust.ConsoleID, "channel": cust.Channel}
			if err := tx.Model(&cust).Updates(map[string]any{"console_id": *o.ConsoleID, "channel": models.ChannelReseller, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("move customer: %w", err)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer.transferred", RecordType: "customer", RecordID: cust.ID, Before: before, After: map[string]any{"console_id": *o.ConsoleID, "channel": models.ChannelReseller}, Orgs: []int64{
				cust.ID, *o.ConsoleID}}); err != nil {
				return err
			}
		}
		o.SubscriptionID = &sub.ID
		if err := tx.Model(&o).Updates(map[string]any{"state": o.State, "decided_at": o.DecidedAt, "decided_by_id": o.DecidedByID,
			"decided_by_name": o.DecidedByName, "subscription_id": sub.ID, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("accept offer %d: %w", id, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "offer.state_changed", RecordType: "offer", RecordID: o.ID, Before: map[string]any{"state": models.OfferSent}, After: map[string]any{"state": o.State, "subscription_id": sub.ID}, Orgs: offerOrgs(tx, o)}); err != nil {
			return err
		}
		if err := notifyOfferMaker(tx, now, o, Notice{Kind: models.NoticeOfferAccepted, Title: "{{.Customer}} accepted your offer",
			Body: "{{.Quantity}} × {{.Product}} is now online.", Args: []any{"Customer", cust.Name, "Quantity", o.Quantity, "Product", product.Name}}); err != nil {
			return err
		}
		if o.MigrationID != nil {
			var m models.MeetMigration
			if err := forUpdate(tx).Where("id = ? AND state = ?", *o.MigrationID, models.MigrationOpen).Take(&m).Error; err == nil {
				step := models.StepAccepted
				if m.Path == models.PathDirect {
					step = models.DirectStepAccepted
				}
				done, err := stepsDone(tx, m.ID)
				if err != nil {
					return err
				}
				if m.CheckStep(done, step) == nil {
					if err := doStep(tx, a, now, &m, step, fmt.Sprintf("subscription #%d", sub.ID)); err != nil {
						return err
					}
				}
			} else if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		return nil
	})
	return o, err
}

// placeSubscription creates or moves the offer's subscription. Existing
// subscriptions of the product are consolidated into one (the offering
// console's first, if any): it takes the offer's total quantity, the
// others end (Meet licences consolidated from other resellers, R-MEET-2).
func (s *Store) placeSubscription(tx *gorm.DB, a models.Actor, now time.Time, o models.Offer, cust models.Customer, product models.Product) (models.Subscription, error) {
	var existing []models.Subscription
	q := forUpdate(tx).Where("customer_id = ? AND product_id = ?", o.CustomerID, o.ProductID)
	if err := q.Order("id").Find(&existing).Error; err != nil {
		return models.Subscription{}, fmt.Errorf("load subscriptions: %w", err)
	}
	var sub models.Subscription
	main := -1
	for i, e := range existing {
		same := (e.ConsoleID == nil && o.ConsoleID == nil) || (e.ConsoleID != nil && o.ConsoleID != nil && *e.ConsoleID == *o.ConsoleID)
		if same && main < 0 {
			main = i
		}
	}
	if main < 0 && len(existing) > 0 {
		main = 0
	}
	orgs := []int64{cust.ID}
	if o.ConsoleID != nil {
		orgs = append(orgs, *o.ConsoleID)
	}
	if main >= 0 {
		sub = existing[main]
		before := subAudit(sub)
		if sub.Channel == models.SubOffline || sub.Plan == models.PlanGrace || sub.Plan != o.Plan {
			sub.StartDate = models.Day(o.StartDate)
			sub.EndDate = termEnd(o.StartDate, o.Plan)
		}
		sub.ConsoleID = o.ConsoleID
		sub.Quantity, sub.Plan, sub.Channel = o.Quantity, o.Plan, models.SubOnline
		sub.RenewalOption = models.RenewAuto
		sub.BillingAccountID = o.BillingAccountID
		sub.PONumber = o.PONumber
		sub.Status, sub.SuspensionReasons = models.SubActive, models.TextArray{}
		sub.UpdatedAt = now
		if product.Family == models.FamilyMeetHardware {
			fi := models.FirstInvoiceDate(sub.StartDate)
			sub.FirstInvoiceDate = &fi
		}
		if cust.TOSAcceptedAt == nil {
			models.Suspend(&sub, models.SuspendPendingTOS)
		}
		if err := tx.Model(&sub).Updates(map[string]any{"console_id": sub.ConsoleID, "quantity": sub.Quantity, "plan": sub.Plan,
			"channel": sub.Channel, "renewal_option": sub.RenewalOption, "billing_account_id": sub.BillingAccountID,
			"po_number": sub.PONumber, "status": sub.Status, "suspension_reasons": sub.SuspensionReasons,
			"start_date": sub.StartDate, "end_date": sub.EndDate, "first_invoice_date": sub.FirstInvoiceDate, "updated_at": now}).Error; err != nil {
			return sub, fmt.Errorf("move subscription %d: %w", sub.ID, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.moved", RecordType: "subscription", RecordID: sub.ID, Before: before, After: subAudit(sub), Orgs: orgs}); err != nil {
			return sub, err
		}
		for i, e := range existing {
			if i == main || e.Status != models.SubActive && containsReason(e.SuspensionReasons, models.SuspendOther) {
				continue
			}
			eb := subAudit(e)
			models.Suspend(&e, models.SuspendOther)
			e.RenewalOption = models.CancelAtEnd
			e.UpdatedAt = now
			if err := tx.Model(&e).Updates(map[string]any{"status": e.Status, "suspension_reasons": e.SuspensionReasons,
				"renewal_option": e.RenewalOption, "updated_at": now}).Error; err != nil {
				return sub, fmt.Errorf("consolidate subscription %d: %w", e.ID, err)
			}
			after := subAudit(e)
			after["consolidated_into"] = sub.ID
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.consolidated", RecordType: "subscription", RecordID: e.ID, Before: eb, After: after, Orgs: []int64{cust.ID}}); err != nil {
				return sub, err
			}
		}
	} else {
		sub = models.Subscription{CustomerID: cust.ID, ConsoleID: o.ConsoleID, ProductID: o.ProductID, Quantity: o.Quantity,
			Plan: o.Plan, Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
			StartDate: models.Day(o.StartDate), EndDate: termEnd(o.StartDate, o.Plan), RenewalOption: models.RenewAuto,
			BillingAccountID: o.BillingAccountID, PONumber: o.PONumber, CreatedAt: now, UpdatedAt: now}
		if product.Family == models.FamilyMeetHardware {
			fi := models.FirstInvoiceDate(sub.StartDate)
			sub.FirstInvoiceDate = &fi
		}
		if cust.TOSAcceptedAt == nil {
			models.Suspend(&sub, models.SuspendPendingTOS)
		}
		if err := tx.Omit("Product").Create(&sub).Error; err != nil {
			return sub, fmt.Errorf("create subscription: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.created", RecordType: "subscription", RecordID: sub.ID, Before: nil, After: subAudit(sub), Orgs: orgs}); err != nil {
			return sub, err
		}
	}
	// A transfer moves every subscription of the product family together (R-TOK-1).
	if o.TransferTokenID != nil && o.ConsoleID != nil {
		res := tx.Exec(`UPDATE subscriptions SET console_id = ?, updated_at = ?
			WHERE customer_id = ? AND id <> ? AND status = 'active' AND (console_id IS DISTINCT FROM ?)
			  AND product_id IN (SELECT id FROM products WHERE family = ?) AND product_id <> ?`,
			*o.ConsoleID, now, cust.ID, sub.ID, *o.ConsoleID, product.Family, o.ProductID)
		if res.Error != nil {
			return sub, fmt.Errorf("move product group: %w", res.Error)
		}
	}
	if sub.Status == models.SubSuspended {
		if err := notifyOrg(tx, now, cust.ID, customerAdmins, Notice{Kind: models.NoticeSuspension,
			Title: "Accept the terms of service to use your new subscription",
			Body:  "The subscription stays suspended until an administrator accepts the platform's terms of service.", Link: "/admin/terms"}); err != nil {
			return sub, err
		}
	}
	return sub, nil
}

func containsReason(rs models.TextArray, r models.SuspensionReason) bool {
	for _, x := range rs {
		if x == string(r) {
			return true
		}
	}
	return false
}

func subAudit(s models.Subscription) map[string]any {
	return map[string]any{"console_id": s.ConsoleID, "quantity": s.Quantity, "plan": s.Plan, "channel": s.Channel,
		"status": s.Status, "suspension_reasons": s.SuspensionReasons, "start_date": s.StartDate.Format("2006-01-02"),
		"end_date": s.EndDate.Format("2006-01-02"), "renewal_option": s.RenewalOption}
}

// AcceptTerms records the customer's acceptance of the platform's terms of
// service and lifts every pending_tos_acceptance suspension (R-OFF-5).
func (s *Store) AcceptTerms(ctx context.Context, a models.Actor) (int, error) {
	if err := requireCustomerAdmin(a, models.PermAcceptTerms); err != nil {
		return 0, err
	}
	lifted := 0
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cust models.Customer
		if err := forUpdate(tx).Take(&cust, a.OrgID).Error; err != nil {
			return notFound(err)
		}
		if cust.TOSAcceptedAt == nil {
			if err := tx.Model(&cust).Updates(map[string]any{"tos_accepted_at": now, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("accept terms: %w", err)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer.terms_accepted", RecordType: "customer", RecordID: cust.ID, Before: nil, After: map[string]any{"tos_accepted_at": now}, Orgs: []int64{cust.ID}}); err != nil {
				return err
			}
		}
		var subs []models.Subscription
		if err := forUpdate(tx).Where("customer_id = ? AND ? = ANY(suspension_reasons)", cust.ID, string(models.SuspendPendingTOS)).Find(&subs).Error; err != nil {
			return fmt.Errorf("load suspended subscriptions: %w", err)
		}
		for _, sub := range subs {
			before := subAudit(sub)
			if !models.RemoveReason(&sub, models.SuspendPendingTOS) {
				continue
			}
			if err := tx.Model(&sub).Updates(map[string]any{"status": sub.Status, "suspension_reasons": sub.SuspensionReasons, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("lift suspension %d: %w", sub.ID, err)
			}
			orgs := []int64{cust.ID}
			if sub.ConsoleID != nil {
				orgs = append(orgs, *sub.ConsoleID)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.reactivated", RecordType: "subscription", RecordID: sub.ID, Before: before, After: subAudit(sub), Orgs: orgs}); err != nil {
				return err
			}
			lifted++
		}
		return nil
	})
	return lifted, err
}

// ExpireOffers marks sent offers past their expiry day expired and tells
// both sides; it returns how many expired.
func (s *Store) ExpireOffers(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var offers []models.Offer
		if err := tx.Raw(`SELECT * FROM offers WHERE state = 'sent' AND expires_on < ? ORDER BY expires_on, id LIMIT 500 FOR UPDATE SKIP LOCKED`,
			models.Day(now)).Scan(&offers).Error; err != nil {
			return fmt.Errorf("load expiring offers: %w", err)
		}
		for _, o := range offers {
			if err := o.Expire(now); err != nil {
				continue
			}
			if err := tx.Model(&o).Updates(map[string]any{"state": o.State, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("expire offer %d: %w", o.ID, err)
			}
			if err := audit(tx, auditEntry{Actor: models.System, At: now, Action: "offer.state_changed", RecordType: "offer", RecordID: o.ID, Before: map[string]any{"state": models.OfferSent}, After: map[string]any{"state": o.State}, Orgs: offerOrgs(tx, o)}); err != nil {
				return err
			}
			if err := notifyOfferMaker(tx, now, o, Notice{Kind: models.NoticeOfferExpiring, Title: "Your offer to {{.Customer}} expired",
				Body: "The customer did not answer before {{.Expires}}.", Args: []any{"Customer", customerName(tx, o.CustomerID), "Expires", o.ExpiresOn.Format("2006-01-02")}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// RemindOffers reminds customer admins of sent offers expiring within
// ReminderDays, once per offer.
func (s *Store) RemindOffers(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var offers []models.Offer
		if err := tx.Raw(`SELECT * FROM offers WHERE state = 'sent' AND reminded_at IS NULL AND expires_on >= ? AND expires_on <= ?
			ORDER BY expires_on, id LIMIT 500 FOR UPDATE SKIP LOCKED`, models.Day(now), models.Day(now).AddDate(0, 0, models.ReminderDays)).Scan(&offers).Error; err != nil {
			return fmt.Errorf("load offers to remind: %w", err)
		}
		for _, o := range offers {
			if !o.DueForReminder(now) {
				continue
			}
			if err := tx.Model(&o).Update("reminded_at", now).Error; err != nil {
				return fmt.Errorf("remind offer %d: %w", o.ID, err)
			}
			if err := notifyOrg(tx, now, o.CustomerID, customerAdmins, Notice{Kind: models.NoticeOfferExpiring,
				Title: "An offer expires on {{.Expires}}", Body: "Accept or decline it before it expires.",
				Args: []any{"Expires", o.ExpiresOn.Format("2006-01-02")}, Link: fmt.Sprintf("/admin/offers/%d", o.ID)}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
