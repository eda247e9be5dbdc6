package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

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
			if err := audit(tx, auditEntry{Actor: models.System(), At: now, Action: "offer.state_changed", RecordType: "offer", RecordID: o.ID, Before: map[string]any{"state": models.OfferSent}, After: map[string]any{"state": o.State}, Orgs: offerOrgs(tx, o)}); err != nil {
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
			if err := notifyOrg(tx, now, o.CustomerID, customerAdmins(), Notice{Kind: models.NoticeOfferExpiring,
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
