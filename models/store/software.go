package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
)

// On-premises software bought on behalf of customers (issue 10, SPEC §5,
// seed 001). Each action loads its facts under locks, scoped to the actor
// (a console sees the orders it placed, a customer its own), asks models to
// decide, then writes the rows, the audit event and the notice. Product
// keys are sealed with Seal (AES-GCM under ENCRYPTION_KEY, bound to the
// order line); only their SHA-256 is searchable; no opened key is logged
// or audited.

// Fulfilment issues product keys, as the payment processor charges cards:
// the local implementation makes them here; a distributor's API would
// implement the same interface.
type Fulfilment interface {
	IssueKey(ctx context.Context, p models.SoftwareProduct, v models.SoftwareVersion, quantity int) (string, error)
}

// LocalFulfilment issues random keys in the product's format.
type LocalFulfilment struct{}

// IssueKey implements Fulfilment.
func (LocalFulfilment) IssueKey(_ context.Context, p models.SoftwareProduct, _ models.SoftwareVersion, _ int) (string, error) {
	b := make([]byte, 25)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("issue key: %w", err)
	}
	return models.NewProductKey(p.KeyFormat, b)
}

// softwareKeyID names the encryption key the product keys are sealed
// under, without revealing it: the first bytes of an HMAC of a fixed
// label. RotateSoftwareKeys re-seals the lines of an old key.
func softwareKeyID(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("software-key-id/v1"))
	return fmt.Sprintf("%x", m.Sum(nil)[:6])
}

// RotateSoftwareKeys re-seals under the store's current ENCRYPTION_KEY
// every product key sealed under old (the previous ENCRYPTION_KEY), in
// one transaction, and returns how many were re-sealed. Nothing opened is
// logged.
func (s *Store) RotateSoftwareKeys(ctx context.Context, old []byte) (int, error) {
	if len(old) != 32 || len(s.SecretKey) != 32 {
		return 0, errNoSecretKey()
	}
	prev := &Store{SecretKey: old}
	oldID, newID := softwareKeyID(old), softwareKeyID(s.SecretKey)
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB, _ time.Time) error {
		var lines []models.SoftwareOrderLine
		if err := forUpdate(tx).Select("id, key_ciphertext").Where("key_id = ?", oldID).Order("id").Find(&lines).Error; err != nil {
			return fmt.Errorf("rotate software keys: %w", err)
		}
		for _, l := range lines {
			plain, err := prev.Open(l.KeyCiphertext, keyBinding(l.ID))
			if err != nil {
				return fmt.Errorf("rotate software keys: %w", err)
			}
			sealed, err := s.Seal(plain, keyBinding(l.ID))
			if err != nil {
				return fmt.Errorf("rotate software keys: %w", err)
			}
			if err := tx.Model(&models.SoftwareOrderLine{}).Where("id = ?", l.ID).
				Updates(map[string]any{"key_ciphertext": sealed, "key_id": newID}).Error; err != nil {
				return fmt.Errorf("rotate software keys: %w", err)
			}
			n++
		}
		return nil
	})
	return n, err
}

func keyBinding(lineID int64) string { return "software-key:line:" + strconv.FormatInt(lineID, 10) }

func keyHash(key string) []byte { h := sha256.Sum256([]byte(key)); return h[:] }

// softwareOrderScope restricts a software_orders query (aliased o) to the
// actor's orders.
func softwareOrderScope(q *gorm.DB, a models.Actor) *gorm.DB {
	switch a.OrgKind {
	case models.OrgConsole:
		return q.Where("o.console_id = ?", a.OrgID)
	case models.OrgCustomer:
		return q.Where("o.customer_id = ?", a.OrgID)
	}
	return q.Where("false")
}

// ---- The catalogue and placing an order (R-SW-1) ----

// SoftwareOrderForm is what the Add products form shows: the customer,
// the console's billing accounts and the catalogue priced in the chosen
// account's currency.
type SoftwareOrderForm struct {
	CustomerID       int64
	CustomerName     string
	CustomerDomain   string
	Accounts         []models.BillingAccount
	BillingAccountID int64
	Catalogue        models.SoftwareCatalogue
}

// loadOrderForm loads the customer (the console's own), its billing
// accounts and the catalogue in accountID's currency (the first account
// when 0).
func loadOrderForm(tx *gorm.DB, a models.Actor, customerID, accountID int64) (SoftwareOrderForm, error) {
	var f SoftwareOrderForm
	if a.OrgKind != models.OrgConsole {
		return f, models.NotFound()
	}
	var c struct {
		ID           int64
		Name, Domain string
	}
	if err := tx.Table("customers").Select("id, name, domain").Where("id = ? AND console_id = ?", customerID, a.OrgID).
		Take(&c).Error; err != nil {
		return f, notFound(err)
	}
	f.CustomerID, f.CustomerName, f.CustomerDomain = c.ID, c.Name, c.Domain
	if err := tx.Where("console_id = ?", a.OrgID).Order("lower(name), id").Find(&f.Accounts).Error; err != nil {
		return f, fmt.Errorf("load billing accounts: %w", err)
	}
	for _, b := range f.Accounts {
		if b.ID == accountID || (accountID == 0 && f.BillingAccountID == 0) {
			f.BillingAccountID = b.ID
			f.Catalogue.Currency = strings.TrimSpace(b.Currency)
		}
	}
	if accountID != 0 && f.BillingAccountID != accountID {
		return f, &models.Error{Code: models.CodeInvalid, Field: "billing_account", Message: "Choose one of the console's billing accounts."}
	}
	var products []models.SoftwareProduct
	if err := tx.Order("name, id").Find(&products).Error; err != nil {
		return f, fmt.Errorf("load software catalogue: %w", err)
	}
	f.Catalogue.Products = map[int64]models.SoftwareProduct{}
	for _, p := range products {
		f.Catalogue.Products[p.ID] = p
	}
	if err := tx.Order("product_id, rank").Find(&f.Catalogue.Versions).Error; err != nil {
		return f, fmt.Errorf("load software versions: %w", err)
	}
	var prices []struct {
		ProductID      int64
		UnitPriceMinor int64
	}
	if err := tx.Table("software_prices").Where("currency = ?", f.Catalogue.Currency).Find(&prices).Error; err != nil {
		return f, fmt.Errorf("load software prices: %w", err)
	}
	f.Catalogue.Prices = map[int64]int64{}
	for _, p := range prices {
		f.Catalogue.Prices[p.ProductID] = p.UnitPriceMinor
	}
	return f, nil
}

// SoftwareOrderForm loads the Add products form of a customer.
func (s *Store) SoftwareOrderForm(ctx context.Context, a models.Actor, customerID, accountID int64) (SoftwareOrderForm, error) {
	if err := a.Require(models.PermBuySoftware); err != nil {
		return SoftwareOrderForm{}, err
	}
	return loadOrderForm(s.db.WithContext(ctx), a, customerID, accountID)
}

// PlaceOrderInput is the Add products form as the store takes it.
type PlaceOrderInput struct {
	BillingAccountID int64
	PONumber         string
	Lines            []models.OrderLineInput
	Confirm          bool   // false: review only, nothing is written
	Key              string // the form's idempotency key
}

// PlacedOrder is an order priced for review, or placed when Order.ID is set.
type PlacedOrder struct {
	Form  SoftwareOrderForm
	Order models.SoftwareOrder
	Lines []models.PricedLine
}

// PlaceSoftwareOrder prices the order (review) or places it: an order with
// its number, one line and one product key per priced line, a charge per
// line on the billing account's next invoice, the audit event and a notice
// to the customer's admins. One form key places one order: a repeated
// submission returns the order already placed.
func (s *Store) PlaceSoftwareOrder(ctx context.Context, a models.Actor, customerID int64, in PlaceOrderInput) (PlacedOrder, error) {
	var out PlacedOrder
	if err := a.Require(models.PermBuySoftware); err != nil {
		return out, err
	}
	fulfil := s.Fulfilment
	if fulfil == nil {
		fulfil = LocalFulfilment{}
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if in.BillingAccountID == 0 {
			return &models.Error{Code: models.CodeInvalid, Field: "billing_account", Message: "Choose one of the console's billing accounts."}
		}
		f, err := loadOrderForm(tx, a, customerID, in.BillingAccountID)
		if err != nil {
			return err
		}
		out.Form = f
		lines, total, err := models.PriceOrder(in.Lines, f.Catalogue, in.PONumber)
		if err != nil {
			return err
		}
		out.Lines = lines
		out.Order = models.SoftwareOrder{ConsoleID: a.OrgID, CustomerID: customerID, BillingAccountID: f.BillingAccountID,
			PONumber: strings.TrimSpace(in.PONumber), Currency: f.Catalogue.Currency, TotalMinor: total, State: models.OrderPlaced, PlacedAt: now}
		if !in.Confirm {
			return nil
		}
		if err := checkKey(in.Key); err != nil {
			return err
		}
		var done models.SoftwareOrder
		if err := tx.Where("idempotency_key = ?", in.Key).Limit(1).Find(&done).Error; err != nil {
			return fmt.Errorf("check order key: %w", err)
		}
		if done.ID != 0 {
			if done.ConsoleID != a.OrgID || done.CustomerID != customerID {
				return errNoKey()
			}
			out.Order = done
			return nil
		}
		var seq int64
		if err := tx.Raw("SELECT nextval('software_order_number_seq')").Scan(&seq).Error; err != nil {
			return fmt.Errorf("order number: %w", err)
		}
		o := out.Order
		o.Number = models.OrderNumber(now.Year(), seq)
		key := in.Key
		o.IdempotencyKey = &key
		if a.UserID != 0 {
			uid := a.UserID
			o.PlacedBy = &uid
		}
		if err := tx.Create(&o).Error; err != nil {
			if uniqueViolation(err, "") {
				return &models.Error{Code: models.CodeConflict, Message: "This form was already submitted."}
			}
			return fmt.Errorf("place order: %w", err)
		}
		out.Order = o
		audited, err := s.fulfilOrder(ctx, tx, fulfil, o, lines, now)
		if err != nil {
			return err
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "software.order_placed", RecordType: "software_order", RecordID: o.ID,
			After: map[string]any{"number": o.Number, "customer_id": customerID, "billing_account_id": o.BillingAccountID,
				"po_number": o.PONumber, "total_minor": total, "currency": o.Currency, "lines": audited},
			Orgs: []int64{a.OrgID, customerID}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, customerID, customerAdmins(), Notice{Kind: models.NoticeGeneral,
			Title: "Software was bought for you", Body: "Order {{.Number}} was placed on your behalf: its keys and downloads are on the Software page.",
			Args: []any{"Number", o.Number}, Link: "/admin/software"})
	})
	return out, err
}

// fulfilOrder issues each priced line's product key through the fulfilment,
// stores the line with its key sealed (bound to the line), and charges the
// line to the billing account's next invoice under a key of its own. It
// returns the lines, for the audit.
func (s *Store) fulfilOrder(ctx context.Context, tx *gorm.DB, fulfil Fulfilment, o models.SoftwareOrder, lines []models.PricedLine, now time.Time) ([]map[string]any, error) {
	var audited []map[string]any
	for i, l := range lines {
		pk, err := fulfil.IssueKey(ctx, l.Product, l.Version, l.Quantity)
		if err != nil {
			return nil, fmt.Errorf("fulfil order %s line %d: %w", o.Number, i+1, err)
		}
		if !models.ValidProductKey(l.Product.KeyFormat, pk) {
			return nil, fmt.Errorf("fulfil order %s line %d: the key has not the product's format", o.Number, i+1)
		}
		line := models.SoftwareOrderLine{OrderID: o.ID, ProductID: l.Product.ID, VersionID: l.Version.ID, Quantity: l.Quantity,
			UnitPriceMinor: l.UnitPriceMinor, AmountMinor: l.AmountMinor, State: models.LineActive,
			KeyCiphertext: []byte{0}, KeyID: softwareKeyID(s.SecretKey), KeyHash: keyHash(pk)}
		if err := tx.Create(&line).Error; err != nil {
			return nil, fmt.Errorf("order line: %w", err)
		}
		sealed, err := s.Seal([]byte(pk), keyBinding(line.ID))
		if err != nil {
			return nil, fmt.Errorf("seal key of order %s line %d: %w", o.Number, i+1, err)
		}
		if err := tx.Model(&models.SoftwareOrderLine{}).Where("id = ?", line.ID).Update("key_ciphertext", sealed).Error; err != nil {
			return nil, fmt.Errorf("store key: %w", err)
		}
		ck := fmt.Sprintf("sw-order:%d:line:%d", o.ID, line.ID)
		if err := addCharge(tx, models.BillingCharge{BillingAccountID: o.BillingAccountID, Kind: models.ChargeOther,
			Description: fmt.Sprintf("%s %s, order %s", l.Product.Name, l.Version.Version, o.Number), Quantity: l.Quantity,
			AmountMinor: l.AmountMinor, Currency: o.Currency, CreatedAt: now, IdempotencyKey: &ck}); err != nil {
			return nil, err
		}
		audited = append(audited, map[string]any{"line_id": line.ID, "product": l.Product.Name, "version": l.Version.Version,
			"quantity": l.Quantity, "amount_minor": l.AmountMinor})
	}
	return audited, nil
}

// ---- The Software page (R-SW-3) ----

// SoftwareLine is one line of the Software page or an order.
type SoftwareLine struct {
	models.SoftwareOrderLine
	OrderNumber    string
	PlacedAt       time.Time
	Currency       string
	CustomerID     int64
	CustomerName   string
	ConsoleID      int64
	ProductName    string
	KeyFormat      string
	Version        string
	Languages      models.TextArray `gorm:"type:text[]"`
	Bitness        models.TextArray `gorm:"type:text[]"`
	CancelDeadline time.Time        `gorm:"-"`
	CanCancel      bool             `gorm:"-"`
}

func softwareLines(tx *gorm.DB, a models.Actor) *gorm.DB {
	return softwareOrderScope(tx.Table("software_order_lines AS l").
		Select(`l.*, o.number AS order_number, o.placed_at, o.currency, o.customer_id, c.name AS customer_name, o.console_id,
  p.name AS product_name, p.key_format, v.version, p.languages, p.bitness`).
		Joins("JOIN software_orders o ON o.id = l.order_id").
		Joins("JOIN customers c ON c.id = o.customer_id").
		Joins("JOIN software_products p ON p.id = l.product_id").
		Joins("JOIN software_versions v ON v.id = l.version_id"), a)
}

// CustomerSoftware lists everything bought for a customer: a console's
// customer, or the customer itself (customerID ignored).
func (s *Store) CustomerSoftware(ctx context.Context, a models.Actor, customerID int64) ([]SoftwareLine, error) {
	q := softwareLines(s.db.WithContext(ctx), a)
	switch a.OrgKind {
	case models.OrgConsole:
		if !a.Can(models.PermReadCustomers) {
			return nil, models.Forbidden()
		}
		var n int64
		if err := s.db.WithContext(ctx).Table("customers").Where("id = ? AND console_id = ?", customerID, a.OrgID).Count(&n).Error; err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, models.NotFound()
		}
		q = q.Where("o.customer_id = ?", customerID)
	case models.OrgCustomer:
		if !a.Can(models.PermViewOwnOrg) {
			return nil, models.Forbidden()
		}
	default:
		return nil, models.NotFound()
	}
	var rows []SoftwareLine
	if err := q.Order("o.placed_at DESC, l.id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load software: %w", err)
	}
	now := s.Now()
	for i := range rows {
		rows[i].CancelDeadline = models.CancelDeadline(rows[i].PlacedAt)
		rows[i].CanCancel = !rows[i].Revoked() && models.CanCancel(rows[i].PlacedAt, now)
	}
	return rows, nil
}

// SoftwareLineOf checks that an order line the actor may see belongs to
// customerID (the console's routes name both): not_found otherwise.
func (s *Store) SoftwareLineOf(ctx context.Context, a models.Actor, customerID, lineID int64) error {
	l, err := loadSoftwareLine(s.db.WithContext(ctx), a, lineID, false)
	if err == nil && l.CustomerID != customerID {
		err = models.NotFound()
	}
	return err
}

func loadSoftwareLine(tx *gorm.DB, a models.Actor, lineID int64, lock bool) (SoftwareLine, error) {
	var l SoftwareLine
	q := softwareLines(tx, a).Where("l.id = ?", lineID)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "l"}})
	}
	if err := q.Take(&l).Error; err != nil {
		return l, notFound(err)
	}
	return l, nil
}

// RevealSoftwareKey opens the product key of an order line (Get key): an
// explicit action, audited (without the key), refused once the key is
// revoked.
func (s *Store) RevealSoftwareKey(ctx context.Context, a models.Actor, lineID int64) (string, error) {
	if err := a.Require(models.PermSoftwareKeys); err != nil {
		return "", err
	}
	var key string
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		l, err := loadSoftwareLine(tx, a, lineID, false)
		if err != nil {
			return err
		}
		if l.Revoked() {
			return &models.Error{Code: models.CodeConflict, Message: "This key was revoked: it can no longer be shown."}
		}
		plain, err := s.Open(l.KeyCiphertext, keyBinding(l.ID))
		if err != nil {
			return fmt.Errorf("open key of order line %d: %w", l.ID, err)
		}
		key = string(plain)
		return audit(tx, auditEntry{Actor: a, At: now, Action: "software.key_revealed", RecordType: "software_order_line", RecordID: l.ID,
			After: map[string]any{"order": l.OrderNumber, "product": l.ProductName, "version": l.Version},
			Orgs:  []int64{l.ConsoleID, l.CustomerID}})
	})
	return key, err
}

// ---- Cancelling within 168 hours (R-SW-2) ----

// CancelSoftwareLine cancels an order line within 7 days of the order:
// the key is revoked, the line's prorated credit goes to the billing
// account (once: the line is locked and the credit carries the line's
// key), audit, notice to the customer's admins. Preview (confirm false)
// returns the credit without writing anything.
func (s *Store) CancelSoftwareLine(ctx context.Context, a models.Actor, lineID int64, confirm bool) (models.Money, error) {
	var credit models.Money
	if err := a.Require(models.PermCancelSoftware); err != nil {
		return credit, err
	}
	if a.OrgKind != models.OrgConsole {
		return credit, models.NotFound()
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		l, err := loadSoftwareLine(tx, a, lineID, confirm)
		if err != nil {
			return err
		}
		amount, err := models.CancelCredit(l.SoftwareOrderLine, l.PlacedAt, now)
		if err != nil {
			return err
		}
		credit = models.Money{Minor: amount, Currency: strings.TrimSpace(l.Currency)}
		if !confirm {
			return nil
		}
		if err := tx.Model(&models.SoftwareOrderLine{}).Where("id = ?", l.ID).Updates(map[string]any{
			"state": models.LineCancelled, "revoked_at": now, "credited_minor": l.CreditedMinor + amount}).Error; err != nil {
			return fmt.Errorf("cancel order line %d: %w", l.ID, err)
		}
		var lines []models.SoftwareOrderLine
		if err := tx.Select("id, state").Where("order_id = ?", l.OrderID).Find(&lines).Error; err != nil {
			return fmt.Errorf("load order lines: %w", err)
		}
		if err := tx.Table("software_orders").Where("id = ?", l.OrderID).Update("state", models.OrderStateAfter(lines)).Error; err != nil {
			return fmt.Errorf("order state: %w", err)
		}
		var accountID int64
		if err := tx.Table("software_orders").Select("billing_account_id").Where("id = ?", l.OrderID).Scan(&accountID).Error; err != nil {
			return fmt.Errorf("order account: %w", err)
		}
		ck := fmt.Sprintf("sw-cancel:line:%d", l.ID)
		by := a.UserID
		c := models.Credit{BillingAccountID: accountID, AmountMinor: amount, Currency: credit.Currency, Source: models.CreditCancellation,
			Reason: fmt.Sprintf("Cancelled within 7 days: %s %s, order %s", l.ProductName, l.Version, l.OrderNumber), CreatedAt: now, IdempotencyKey: &ck}
		if by != 0 {
			c.CreatedBy = &by
		}
		if err := addCredit(tx, c); err != nil {
			return err
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "software.line_cancelled", RecordType: "software_order_line", RecordID: l.ID,
			Before: map[string]any{"state": l.State}, After: map[string]any{"state": models.LineCancelled, "key": "revoked",
				"order": l.OrderNumber, "credit_minor": amount, "currency": credit.Currency},
			Orgs: []int64{l.ConsoleID, l.CustomerID}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, l.CustomerID, customerAdmins(), Notice{Kind: models.NoticeGeneral,
			Title: "Software was cancelled", Body: "{{.Product}} of order {{.Number}} was cancelled: its key no longer works.",
			Args: []any{"Product", l.ProductName, "Number", l.OrderNumber}, Link: "/admin/software"})
	})
	return credit, err
}

// ---- Orders list (R-SW-1) ----

// SoftwareOrderRow is a line of the orders list.
type SoftwareOrderRow struct {
	models.SoftwareOrder
	CustomerName string
}

// SoftwareOrderFilter is the orders list's search and filter.
type SoftwareOrderFilter struct {
	Query      string // order number or customer name
	State      models.OrderState
	Dates      models.OrderDates // placed within
	CustomerID int64             // one customer's orders (its own list); 0: every customer
}

func (s *Store) softwareOrdersQuery(ctx context.Context, a models.Actor, f SoftwareOrderFilter) (*gorm.DB, error) {
	if err := a.Require(models.PermReadCustomers); err != nil {
		return nil, err
	}
	if a.OrgKind != models.OrgConsole {
		return nil, models.NotFound()
	}
	q := softwareOrderScope(s.db.WithContext(ctx).Table("software_orders AS o").
		Select("o.*, c.name AS customer_name").Joins("JOIN customers c ON c.id = o.customer_id"), a)
	if f.CustomerID != 0 {
		var n int64
		if err := s.db.WithContext(ctx).Table("customers").Where("id = ? AND console_id = ?", f.CustomerID, a.OrgID).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("software orders: %w", err)
		}
		if n == 0 {
			return nil, models.NotFound()
		}
		q = q.Where("o.customer_id = ?", f.CustomerID)
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(strings.ToLower(t)) + "%"
		q = q.Where("(lower(o.number) LIKE ? OR c.name_key LIKE ?)", like, like)
	}
	if f.State != "" {
		q = q.Where("o.state = ?", f.State)
	}
	if !f.Dates.From.IsZero() {
		q = q.Where("o.placed_at >= ?", f.Dates.From)
	}
	if !f.Dates.To.IsZero() {
		q = q.Where("o.placed_at < ?", f.Dates.To)
	}
	return q, nil
}

// ListSoftwareOrders is one keyset page of the console's orders (or one
// customer's), newest first: by (placed_at, id), never OFFSET.
func (s *Store) ListSoftwareOrders(ctx context.Context, a models.Actor, f SoftwareOrderFilter, cursor string) (models.Page[SoftwareOrderRow], error) {
	q, err := s.softwareOrdersQuery(ctx, a, f)
	if err != nil {
		return models.Page[SoftwareOrderRow]{}, err
	}
	var page models.Page[SoftwareOrderRow]
	if c, ok := models.DecodeCursor(cursor); ok {
		if at, err := time.Parse(time.RFC3339Nano, c.Key); err == nil {
			// The same rows as (placed_at, id) < (at, id), written so that
			// the planner's estimate counts the cursor's own instant (as the
			// subscriptions list does): with < it expected a handful of rows
			// when many orders share a time, joined before ordering and
			// sorted them all (issue 13, every list at a million rows).
			q = q.Where("(o.placed_at, o.id) <= (?, ?)", at, c.ID-1)
		}
	}
	rows, err := findRows[SoftwareOrderRow](q.Order("o.placed_at DESC, o.id DESC").Limit(models.PageSize+1), models.PageSize+1)
	if err != nil {
		return page, fmt.Errorf("list software orders: %w", err)
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		last := rows[len(rows)-1]
		page.Next = models.Cursor{Key: last.PlacedAt.UTC().Format(time.RFC3339Nano), ID: last.ID}.Encode()
	}
	page.Items = rows
	return page, nil
}

// ExportSoftwareOrders streams every order of the filter, newest first.
func (s *Store) ExportSoftwareOrders(ctx context.Context, a models.Actor, f SoftwareOrderFilter, emit func(SoftwareOrderRow) error) error {
	q, err := s.softwareOrdersQuery(ctx, a, f)
	if err != nil {
		return err
	}
	rows, err := q.Order("o.placed_at DESC, o.id DESC").Rows()
	if err != nil {
		return fmt.Errorf("export software orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r SoftwareOrderRow
		if err := s.db.ScanRows(rows, &r); err != nil {
			return fmt.Errorf("export software orders: %w", err)
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ---- Signed download links (R-SW-4) ----

// DownloadLinkTTL is how long a download link works.
const DownloadLinkTTL = 24 * time.Hour

// errBadLink is the one answer for a forged, expired or revoked link.
func errBadLink() error { return models.NotFound() }

func (s *Store) linkMAC(payload []byte) ([]byte, error) {
	if len(s.SecretKey) != 32 {
		return nil, errNoSecretKey()
	}
	k := hmac.New(sha256.New, s.SecretKey)
	k.Write([]byte("software-download-links/v1"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write(payload)
	return m.Sum(nil), nil
}

// DownloadFile names the bits a link serves.
type DownloadFile struct {
	LineID   int64
	SKU      string
	Version  string
	Language string
	Bitness  string
}

// Name is the file name offered to the browser.
func (d DownloadFile) Name() string {
	return fmt.Sprintf("%s-%s-%s-x%s.iso", strings.ToLower(d.SKU), d.Version, d.Language, d.Bitness)
}

// signLink makes the token of a link to line's bits in lang and bits,
// expiring at exp, bound to the line's key (its hash).
func (s *Store) signLink(lineID int64, hash []byte, lang, bits string, exp time.Time) (string, error) {
	body := fmt.Sprintf("%d.%d.%s.%s", lineID, exp.Unix(), lang, bits)
	mac, err := s.linkMAC(append([]byte(body+"."), hash...))
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString([]byte(body)) + "." + base64.RawURLEncoding.EncodeToString(mac), nil
}

// SoftwareDownloadLink makes a signed link to an order line's bits (Copy
// link, Download): audited, refused once the key is revoked.
func (s *Store) SoftwareDownloadLink(ctx context.Context, a models.Actor, lineID int64, lang, bits string, copied bool) (string, error) {
	if err := a.Require(models.PermSoftwareKeys); err != nil {
		return "", err
	}
	var token string
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		l, err := loadSoftwareLine(tx, a, lineID, false)
		if err != nil {
			return err
		}
		if l.Revoked() {
			return &models.Error{Code: models.CodeConflict, Message: "This key was revoked: its downloads no longer work."}
		}
		if !contains(l.Languages, lang) {
			return &models.Error{Code: models.CodeInvalid, Field: "language", Message: "Choose a language this product offers."}
		}
		if !contains(l.Bitness, bits) {
			return &models.Error{Code: models.CodeInvalid, Field: "bitness", Message: "Choose a bitness this product offers."}
		}
		exp := now.Add(DownloadLinkTTL)
		if token, err = s.signLink(l.ID, l.KeyHash, lang, bits, exp); err != nil {
			return err
		}
		action := "software.download_started"
		if copied {
			action = "software.link_copied"
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "software_order_line", RecordID: l.ID,
			After: map[string]any{"order": l.OrderNumber, "product": l.ProductName, "version": l.Version, "language": lang,
				"bitness": bits, "expires_at": exp}, Orgs: []int64{l.ConsoleID, l.CustomerID}})
	})
	return token, err
}

// OpenSoftwareDownload checks a download link's token: its signature, its
// expiry, and that the line's key is the one it was made for and is not
// revoked. Anyone holding a good link may download (it is sent to the
// customer); every use and every refused link the store can place is
// audited. A bad link is not_found, whatever the reason.
func (s *Store) OpenSoftwareDownload(ctx context.Context, token, ip string) (DownloadFile, error) {
	var d DownloadFile
	body64, mac64, ok := strings.Cut(token, ".")
	if !ok {
		return d, errBadLink()
	}
	body, err1 := base64.RawURLEncoding.DecodeString(body64)
	mac, err2 := base64.RawURLEncoding.DecodeString(mac64)
	if err1 != nil || err2 != nil {
		return d, errBadLink()
	}
	parts := strings.Split(string(body), ".")
	if len(parts) != 4 {
		return d, errBadLink()
	}
	lineID, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return d, errBadLink()
	}
	link := models.Actor{Name: "download link", IP: ip}
	refused := false
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var l struct {
			ID        int64
			KeyHash   []byte
			State     string
			RevokedAt *time.Time
			SKU       string `gorm:"column:sku"`
			Version   string
			ConsoleID int64
			Customer  int64
		}
		if err := tx.Table("software_order_lines AS l").Select("l.id, l.key_hash, l.state, l.revoked_at, p.sku, v.version, o.console_id, o.customer_id AS customer").
			Joins("JOIN software_orders o ON o.id = l.order_id").Joins("JOIN software_products p ON p.id = l.product_id").
			Joins("JOIN software_versions v ON v.id = l.version_id").Where("l.id = ?", lineID).Take(&l).Error; err != nil {
			return errBadLink() // a forged id: nothing to audit it against
		}
		want, err := s.linkMAC(append(append([]byte{}, body...), append([]byte("."), l.KeyHash...)...))
		if err != nil {
			return err
		}
		reason := ""
		switch {
		case !hmac.Equal(mac, want):
			reason = "forged"
		case now.Unix() >= exp:
			reason = "expired"
		case l.RevokedAt != nil || l.State != string(models.LineActive):
			reason = "revoked"
		}
		action, after := "software.downloaded", map[string]any{"language": parts[2], "bitness": parts[3]}
		if reason != "" {
			action, after = "software.download_refused", map[string]any{"reason": reason}
		}
		if err := audit(tx, auditEntry{Actor: link, At: now, Action: action, RecordType: "software_order_line", RecordID: l.ID,
			After: after, Orgs: []int64{l.ConsoleID, l.Customer}}); err != nil {
			return err
		}
		if reason != "" {
			refused = true
			return nil // commit the refusal's audit event
		}
		d = DownloadFile{LineID: l.ID, SKU: l.SKU, Version: l.Version, Language: parts[2], Bitness: parts[3]}
		return nil
	})
	if err == nil && refused {
		return DownloadFile{}, errBadLink()
	}
	return d, err
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
