package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// RenewalReport counts what one renewal run did.
type RenewalReport struct {
	Renewed, Ended, GraceOver int
}

// ApplyRenewals applies R-MEET-4 to every active subscription whose end date
// has passed: online auto-renewing ones renew term after term, cancelled
// ones end (suspended, renewal_with_cancel) after their end date, offline
// ones renew yearly. Rows are locked and skipped when another run holds them.
func (s *Store) ApplyRenewals(ctx context.Context) (RenewalReport, error) {
	var rep RenewalReport
	for {
		n := 0
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var subs []models.Subscription
			if err := tx.Raw(`SELECT * FROM subscriptions WHERE status = 'active' AND end_date < ?
				AND NOT (renewal_option = 'renew_manually' AND plan <> 'grace') AND plan <> 'trial'
				ORDER BY end_date, id LIMIT 500 FOR UPDATE SKIP LOCKED`, models.Day(now)).Scan(&subs).Error; err != nil {
				return fmt.Errorf("load renewals: %w", err)
			}
			for _, sub := range subs {
				before := subAudit(sub)
				res := models.ApplyRenewal(&sub, now)
				if res == models.RenewalNone {
					continue
				}
				n++
				if err := tx.Model(&sub).Updates(map[string]any{"end_date": sub.EndDate, "status": sub.Status,
					"suspension_reasons": sub.SuspensionReasons, "updated_at": now}).Error; err != nil {
					return fmt.Errorf("renew subscription %d: %w", sub.ID, err)
				}
				orgs := []int64{sub.CustomerID}
				if sub.ConsoleID != nil {
					orgs = append(orgs, *sub.ConsoleID)
				}
				if err := audit(tx, auditEntry{Actor: models.System(), At: now, Action: "subscription." + string(res), RecordType: "subscription", RecordID: sub.ID, Before: before, After: subAudit(sub), Orgs: orgs}); err != nil {
					return err
				}
				switch res {
				case models.RenewalRenewed:
					rep.Renewed++
				case models.RenewalEnded, models.RenewalGraceOver:
					if res == models.RenewalEnded {
						rep.Ended++
					} else {
						rep.GraceOver++
					}
					note := Notice{Kind: models.NoticeSuspension, Title: "A subscription ended",
						Body: "Subscription #{{.ID}} reached its end date and is no longer renewed.", Args: []any{"ID", sub.ID}}
					if err := notifyOrg(tx, now, sub.CustomerID, customerAdmins(), note); err != nil {
						return err
					}
					if sub.ConsoleID != nil {
						if err := notifyOrg(tx, now, *sub.ConsoleID, offerRoles(), note); err != nil {
							return err
						}
					}
				}
			}
			if len(subs) < 500 {
				n = 0
			}
			return nil
		})
		if err != nil || n == 0 {
			return rep, err
		}
	}
}
