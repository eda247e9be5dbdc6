package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

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
