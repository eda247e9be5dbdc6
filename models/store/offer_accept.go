package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// AcceptOffer is R-OFF-3 in one transaction: the offer row is locked FOR
// UPDATE, so of two concurrent accepts exactly one wins and the other is told
// the offer is already accepted. models.DecideAccept decides; this writes
// the subscriptions it placed, the consumed token, the moved customer, the
// accepted offer, the migration step, audit events and notices.
func (s *Store) AcceptOffer(ctx context.Context, a models.Actor, id int64, termsTicked bool) (models.Offer, error) {
	var o models.Offer
	if err := requireCustomerAdmin(a, models.PermOfferAccept); err != nil {
		return o, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		f, err := s.acceptFacts(tx, a, id, now)
		if err != nil {
			return err
		}
		d, err := models.DecideAccept(f, a, termsTicked, now)
		if err != nil {
			return err
		}
		o = d.Offer
		cust := f.Customer
		if t := d.Token; t != nil {
			if err := tx.Model(t).Updates(map[string]any{"used_at": t.UsedAt, "used_offer_id": t.UsedOfferID}).Error; err != nil {
				return fmt.Errorf("consume token: %w", err)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "transfer_token.used", RecordType: "transfer_token", RecordID: t.ID, Before: nil, After: map[string]any{"offer_id": o.ID}, Orgs: []int64{cust.ID}}); err != nil {
				return err
			}
			if err := notifyOrg(tx, now, cust.ID, customerAdmins(), Notice{Kind: models.NoticeTokenUsed,
				Title: "Your transfer token was used", Body: "{{.Reseller}} used your transfer token; the subscriptions moved to them.",
				Args: []any{"Reseller", consoleName(tx, t.ConsoleID)}, Link: "/admin/tokens"}); err != nil {
				return err
			}
		}
		sub, err := writePlacement(tx, a, now, o, d.Placement)
		if err != nil {
			return err
		}
		if d.MoveCustomer {
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
			Body: "{{.Quantity}} × {{.Product}} is now online.", Args: []any{"Customer", cust.Name, "Quantity", o.Quantity, "Product", f.Product.Name}}); err != nil {
			return err
		}
		if d.MigrationStep != 0 {
			if err := doStep(tx, a, now, f.Migration, d.MigrationStep, fmt.Sprintf("subscription #%d", sub.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	return o, err
}

// acceptFacts loads what models.DecideAccept needs, locking the offer, the
// customer, the token, the subscriptions and the migration in that order.
// Once the offer is seen not to be open, nothing else is loaded.
func (s *Store) acceptFacts(tx *gorm.DB, a models.Actor, id int64, now time.Time) (models.AcceptFacts, error) {
	return loadAcceptFacts(tx, a, id, now, true)
}

// loadAcceptFacts loads the facts of an acceptance; lock takes the row
// locks, a preview reads without them.
func loadAcceptFacts(tx *gorm.DB, a models.Actor, id int64, now time.Time, lock bool) (models.AcceptFacts, error) {
	var f models.AcceptFacts
	q := func() *gorm.DB {
		if lock {
			return forUpdate(tx)
		}
		return tx
	}
	err := q().Scopes(scopeOffers(a)).Where("offers.id = ?", id).Take(&f.Offer).Error
	if err != nil {
		return f, notFound(err)
	}
	if f.Offer.CheckOpen(now) != nil {
		return f, nil // DecideAccept names the reason
	}
	o := f.Offer
	if err := q().Take(&f.Customer, o.CustomerID).Error; err != nil {
		return f, notFound(err)
	}
	if err := tx.Take(&f.Product, o.ProductID).Error; err != nil {
		return f, fmt.Errorf("load product: %w", err)
	}
	if o.TransferTokenID != nil {
		var t models.TransferToken
		if err := q().Take(&t, *o.TransferTokenID).Error; err != nil {
			return f, fmt.Errorf("load token: %w", err)
		}
		f.Token = &t
	}
	if err := q().Where("customer_id = ? AND product_id = ?", o.CustomerID, o.ProductID).Order("id").Find(&f.Existing).Error; err != nil {
		return f, fmt.Errorf("load subscriptions: %w", err)
	}
	if o.TransferTokenID != nil {
		if err := q().Where(`customer_id = ? AND status = 'active' AND product_id <> ?
			AND product_id IN (SELECT id FROM products WHERE family = ?)`, o.CustomerID, o.ProductID, f.Product.Family).
			Order("id").Find(&f.Family).Error; err != nil {
			return f, fmt.Errorf("load product group: %w", err)
		}
	}
	if o.MigrationID != nil {
		var m models.MeetMigration
		err := q().Where("id = ? AND state = ?", *o.MigrationID, models.MigrationOpen).Take(&m).Error
		switch {
		case err == nil:
			f.Migration = &m
			if f.StepsDone, err = stepsDone(tx, m.ID); err != nil {
				return f, err
			}
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return f, fmt.Errorf("load migration: %w", err)
		}
	}
	return f, nil
}

// AcceptPreview tells a customer admin, before accepting, what accepting
// the offer would do to its subscriptions (issue 8 §9): which one is
// created or changed, which end, which move with a transfer and which stay
// with their reseller. Nothing is locked or changed; an offer that is no
// longer open has no preview.
func (s *Store) AcceptPreview(ctx context.Context, a models.Actor, id int64) ([]models.PlacementRow, error) {
	if err := requireCustomerAdmin(a, models.PermOfferAccept); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	now := s.Now()
	f, err := loadAcceptFacts(db, a, id, now, false)
	if err != nil {
		return nil, err
	}
	d, err := models.DecideAccept(f, a, true, now)
	if err != nil {
		return nil, nil
	}
	lines := d.Placement.Lines()
	var productIDs, consoleIDs []int64
	for _, l := range lines {
		productIDs = append(productIDs, l.Sub.ProductID)
		if l.Sub.ConsoleID != nil {
			consoleIDs = append(consoleIDs, *l.Sub.ConsoleID)
		}
	}
	type named struct {
		ID   int64
		Name string
	}
	var products, consoles []named
	if err := db.Table("products").Select("id, name").Where("id IN ?", productIDs).Scan(&products).Error; err != nil {
		return nil, fmt.Errorf("load product names: %w", err)
	}
	if len(consoleIDs) > 0 {
		if err := db.Table("consoles").Select("id, name").Where("id IN ?", consoleIDs).Scan(&consoles).Error; err != nil {
			return nil, fmt.Errorf("load console names: %w", err)
		}
	}
	name := func(list []named, id int64) string {
		for _, n := range list {
			if n.ID == id {
				return n.Name
			}
		}
		return ""
	}
	rows := make([]models.PlacementRow, 0, len(lines))
	for _, l := range lines {
		r := models.PlacementRow{PlacementLine: l, ProductName: name(products, l.Sub.ProductID)}
		if l.Sub.ConsoleID != nil {
			r.SellerName = name(consoles, *l.Sub.ConsoleID)
		}
		rows = append(rows, r)
	}
	return rows, nil
}
