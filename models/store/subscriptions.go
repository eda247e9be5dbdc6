package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// termEnd is the last day of a first term starting on start.
func termEnd(start time.Time, plan models.Plan) time.Time {
	if plan == models.PlanFlexible || plan == models.PlanTrial {
		return models.Day(start).AddDate(0, 1, -1)
	}
	return models.Day(start).AddDate(1, 0, -1)
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
