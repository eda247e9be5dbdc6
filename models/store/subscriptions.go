package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// writePlacement writes what models.PlaceSubscription decided for an
// accepted offer: the created or moved subscription, the consolidated ones
// and the family moved by a transfer, each with its audit event; a
// subscription suspended for the terms tells the customer's admins.
func writePlacement(tx *gorm.DB, a models.Actor, now time.Time, o models.Offer, p models.Placement) (models.Subscription, error) {
	sub := p.Sub
	orgs := []int64{sub.CustomerID}
	if o.ConsoleID != nil {
		orgs = append(orgs, *o.ConsoleID)
	}
	if p.Created {
		if err := tx.Omit("Product").Create(&sub).Error; err != nil {
			return sub, fmt.Errorf("create subscription: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.created", RecordType: "subscription", RecordID: sub.ID, Before: nil, After: subAudit(sub), Orgs: orgs}); err != nil {
			return sub, err
		}
	} else {
		if err := tx.Model(&sub).Updates(map[string]any{"console_id": sub.ConsoleID, "quantity": sub.Quantity, "plan": sub.Plan,
			"channel": sub.Channel, "renewal_option": sub.RenewalOption, "billing_account_id": sub.BillingAccountID,
			"po_number": sub.PONumber, "status": sub.Status, "suspension_reasons": sub.SuspensionReasons,
			"start_date": sub.StartDate, "end_date": sub.EndDate, "first_invoice_date": sub.FirstInvoiceDate, "updated_at": now}).Error; err != nil {
			return sub, fmt.Errorf("move subscription %d: %w", sub.ID, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.moved", RecordType: "subscription", RecordID: sub.ID, Before: subAudit(p.Moved.Before), After: subAudit(sub), Orgs: orgs}); err != nil {
			return sub, err
		}
	}
	for _, ch := range p.Ended {
		e := ch.After
		if err := tx.Model(&e).Updates(map[string]any{"status": e.Status, "suspension_reasons": e.SuspensionReasons,
			"renewal_option": e.RenewalOption, "updated_at": now}).Error; err != nil {
			return sub, fmt.Errorf("consolidate subscription %d: %w", e.ID, err)
		}
		after := subAudit(e)
		after["consolidated_into"] = sub.ID
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.consolidated", RecordType: "subscription", RecordID: e.ID, Before: subAudit(ch.Before), After: after, Orgs: []int64{sub.CustomerID}}); err != nil {
			return sub, err
		}
	}
	for _, ch := range p.FamilyMoved {
		e := ch.After
		if err := tx.Model(&e).Updates(map[string]any{"console_id": e.ConsoleID, "updated_at": now}).Error; err != nil {
			return sub, fmt.Errorf("move product group subscription %d: %w", e.ID, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.moved", RecordType: "subscription", RecordID: e.ID, Before: subAudit(ch.Before), After: subAudit(e), Orgs: orgs}); err != nil {
			return sub, err
		}
	}
	if sub.Status == models.SubSuspended {
		if err := notifyOrg(tx, now, sub.CustomerID, customerAdmins(), Notice{Kind: models.NoticeSuspension,
			Title: "Accept the terms of service to use your new subscription",
			Body:  "The subscription stays suspended until an administrator accepts the platform's terms of service.", Link: "/admin/terms"}); err != nil {
			return sub, err
		}
	}
	return sub, nil
}

func subAudit(s models.Subscription) map[string]any {
	return map[string]any{"console_id": s.ConsoleID, "quantity": s.Quantity, "plan": s.Plan, "channel": s.Channel,
		"status": s.Status, "suspension_reasons": s.SuspensionReasons, "start_date": s.StartDate.Format("2006-01-02"),
		"end_date": s.EndDate.Format("2006-01-02"), "renewal_option": s.RenewalOption}
}
