package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// currentTerms is the version of the terms in force at now; nil when none
// is published.
func currentTerms(tx *gorm.DB, now time.Time) (*models.TermsVersion, error) {
	var v models.TermsVersion
	err := tx.Table("terms_versions").Where("published_at <= ?", now).Order("published_at DESC, id DESC").Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load terms version: %w", err)
	}
	return &v, nil
}

func termsStanding(tx *gorm.DB, customerID int64) (models.TermsStanding, error) {
	var s models.TermsStanding
	err := tx.Table("customers").Select("customers.tos_accepted_at, customers.tos_version_id, coalesce(terms_versions.version, '') AS tos_version").
		Joins("LEFT JOIN terms_versions ON terms_versions.id = customers.tos_version_id").
		Where("customers.id = ?", customerID).Take(&s).Error
	return s, notFound(err)
}

// Terms is the terms of service in force, in the reader's locale (English
// when it has no text in that language), and the customer's standing.
func (s *Store) Terms(ctx context.Context, a models.Actor, locale string) (models.TermsDocument, models.TermsStanding, error) {
	var doc models.TermsDocument
	var st models.TermsStanding
	if err := requireCustomerAdmin(a, models.PermAcceptTerms); err != nil {
		return doc, st, err
	}
	db := s.db.WithContext(ctx)
	v, err := currentTerms(db, s.Now())
	if err != nil {
		return doc, st, err
	}
	if v != nil {
		doc.TermsVersion = *v
		var texts []models.TermsText
		if err := db.Table("terms_texts").Where("version_id = ?", v.ID).Order("locale").Find(&texts).Error; err != nil {
			return doc, st, fmt.Errorf("load terms text: %w", err)
		}
		doc.Text, _ = models.PickTermsText(texts, locale)
	}
	st, err = termsStanding(db, a.OrgID)
	return doc, st, err
}

// AcceptTerms records a customer admin's acceptance of the version of the
// terms they read (versionID; 0: the one in force) and lifts every
// pending_tos_acceptance suspension (R-OFF-5). It returns how many
// subscriptions became active again.
func (s *Store) AcceptTerms(ctx context.Context, a models.Actor, versionID int64) (int, error) {
	if err := requireCustomerAdmin(a, models.PermAcceptTerms); err != nil {
		return 0, err
	}
	lifted := 0
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cust models.Customer
		if err := forUpdate(tx).Take(&cust, a.OrgID).Error; err != nil {
			return notFound(err)
		}
		st, err := termsStanding(tx, cust.ID)
		if err != nil {
			return err
		}
		current, err := currentTerms(tx, now)
		if err != nil {
			return err
		}
		next, changed, err := models.AcceptTerms(st, current, versionID, now)
		if err != nil {
			return err
		}
		if changed {
			if err := tx.Model(&cust).Updates(map[string]any{"tos_accepted_at": next.AcceptedAt, "tos_version_id": next.VersionID, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("accept terms: %w", err)
			}
			before := map[string]any{"tos_accepted_at": st.AcceptedAt, "tos_version": st.Version}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer.terms_accepted", RecordType: "customer", RecordID: cust.ID, Before: before,
				After: map[string]any{"tos_accepted_at": now, "tos_version": next.Version, "tos_version_id": next.VersionID}, Orgs: []int64{cust.ID}}); err != nil {
				return err
			}
		}
		var subs []models.Subscription
		if err := forUpdate(tx).Where("customer_id = ? AND ? = ANY(suspension_reasons)", cust.ID, string(models.SuspendPendingTOS)).Order("id").Find(&subs).Error; err != nil {
			return fmt.Errorf("load suspended subscriptions: %w", err)
		}
		for _, ch := range models.LiftTermsSuspension(subs, now) {
			sub := ch.After
			if err := tx.Model(&sub).Updates(map[string]any{"status": sub.Status, "suspension_reasons": sub.SuspensionReasons, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("lift suspension %d: %w", sub.ID, err)
			}
			orgs := []int64{cust.ID}
			if sub.ConsoleID != nil {
				orgs = append(orgs, *sub.ConsoleID)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.reactivated", RecordType: "subscription", RecordID: sub.ID, Before: subAudit(ch.Before), After: subAudit(sub), Orgs: orgs}); err != nil {
				return err
			}
			lifted++
		}
		return nil
	})
	return lifted, err
}
