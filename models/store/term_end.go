package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// The end of a term (issue 11, R-PK-4): the job moves subscriptions that
// nobody renewed through expired (30 days of grace, full use), disabled
// (only the customer's administrators sign in) and deleted (the tenant
// deprovisioned); a cancelled subscription skips the grace. Each move is
// decided by models.MoveTerm, audited, and told to the customer's admins and
// to the partner of record's admins. Renewing or reactivating by direct
// billing starts a new term at once.

// TermReport counts what one run of the term-state job did.
type TermReport struct {
	Expired, Disabled, Deleted, Restored, Deprovisioned int
}

// termCandidatesSQL selects the subscriptions whose term-state may move on
// @today: those past their end date that enter the term's end, and those in
// it whose next boundary passed (or whose end date moved into the future).
const termCandidatesSQL = `SELECT * FROM subscriptions WHERE (
	  (status = 'active' AND renewal_option = 'renew_manually' AND plan NOT IN ('trial', 'grace') AND end_date < CAST(@today AS date))
	  OR (status = 'ended' AND cancelled_at IS NOT NULL AND plan NOT IN ('trial', 'grace') AND end_date < CAST(@today AS date))
	  OR (status = 'suspended' AND renewal_option = 'cancel_at_end' AND 'renewal_with_cancel' = ANY(suspension_reasons)
	      AND plan NOT IN ('trial', 'grace') AND end_date < CAST(@today AS date))
	  OR (status = 'expired' AND (end_date < CAST(@today AS date) - CAST(@grace AS int) OR end_date >= CAST(@today AS date)))
	  OR (status = 'disabled' AND (end_date < CAST(@today AS date) - CAST(@keep AS int) OR end_date >= CAST(@today AS date))))
	AND (end_date, id) > (CAST(@after_end AS date), CAST(@after_id AS bigint))
	ORDER BY end_date, id LIMIT @batch FOR UPDATE SKIP LOCKED`

// MoveTerms is the term-state job: every subscription whose term-state
// moves at the store's clock is moved, in batches; rows another run holds
// are skipped (it moves them).
func (s *Store) MoveTerms(ctx context.Context) (TermReport, error) {
	const batch = 200
	var rep TermReport
	afterEnd, afterID := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), int64(0)
	for {
		loaded := 0
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var subs []models.Subscription
			if err := tx.Raw(termCandidatesSQL, map[string]any{"today": models.Day(now), "grace": models.TermGraceDays,
				"keep": models.KeepDays, "after_end": afterEnd, "after_id": afterID, "batch": batch}).Scan(&subs).Error; err != nil {
				return fmt.Errorf("load term moves: %w", err)
			}
			loaded = len(subs)
			for _, sub := range subs {
				afterEnd, afterID = sub.EndDate, sub.ID
				m, ok := models.MoveTerm(sub, now)
				if !ok {
					continue
				}
				dep, err := applyTermMove(tx, now, m)
				if err != nil {
					return err
				}
				switch m.After.Status {
				case models.SubExpired:
					rep.Expired++
				case models.SubDisabled:
					rep.Disabled++
				case models.SubDeleted:
					rep.Deleted++
				case models.SubActive:
					rep.Restored++
				}
				if dep {
					rep.Deprovisioned++
				}
			}
			return nil
		})
		if err != nil || loaded < batch {
			return rep, err
		}
	}
}

// termOrgs are the organisations a subscription's term concerns: its
// customer, its selling console and its partner of record.
func termOrgs(tx *gorm.DB, sub models.Subscription) (customer int64, partner *int64, orgs []int64, err error) {
	var row struct{ PartnerID *int64 }
	if err = tx.Raw(`SELECT `+partnerOfRecordSQL+` AS partner_id FROM subscriptions s JOIN customers c ON c.id = s.customer_id
		WHERE s.id = ?`, sub.ID).Scan(&row).Error; err != nil {
		return 0, nil, nil, fmt.Errorf("load partner of record of subscription %d: %w", sub.ID, err)
	}
	orgs = []int64{sub.CustomerID}
	if sub.ConsoleID != nil {
		orgs = append(orgs, *sub.ConsoleID)
	}
	if row.PartnerID != nil {
		orgs = append(orgs, *row.PartnerID)
	}
	return sub.CustomerID, row.PartnerID, uniqueIDs(orgs), nil
}

// applyTermMove writes one move: the row, the audit event, the notices to
// both sides and, for a deletion, the tenant's deprovisioning. It says
// whether the tenant was deprovisioned.
func applyTermMove(tx *gorm.DB, now time.Time, m models.TermMove) (bool, error) {
	sub := m.After
	if err := tx.Table("subscriptions").Where("id = ?", sub.ID).Updates(map[string]any{"status": sub.Status,
		"suspension_reasons": sub.SuspensionReasons, "expired_at": sub.ExpiredAt, "disabled_at": sub.DisabledAt,
		"deleted_at": sub.DeletedAt, "updated_at": now}).Error; err != nil {
		return false, fmt.Errorf("move subscription %d to %s: %w", sub.ID, sub.Status, err)
	}
	customer, partner, orgs, err := termOrgs(tx, sub)
	if err != nil {
		return false, err
	}
	action := "subscription." + string(sub.Status)
	if sub.Status == models.SubActive {
		action = "subscription.term_restored"
	}
	after := subAudit(sub)
	if next, ok := models.NextTermMove(sub); ok {
		after["next_status"], after["next_on"] = next.Status, next.On.Format(time.DateOnly)
	}
	if err := audit(tx, auditEntry{Actor: models.System(), At: now, Action: action, RecordType: "subscription", RecordID: sub.ID,
		Before: subAudit(m.Before), After: after, Orgs: orgs}); err != nil {
		return false, err
	}
	var product string
	if err := tx.Table("products").Select("name").Where("id = ?", sub.ProductID).Scan(&product).Error; err != nil {
		return false, fmt.Errorf("load product %d: %w", sub.ProductID, err)
	}
	note := termNotice(sub, product)
	note.Link = fmt.Sprintf("/admin/subscriptions/%d", sub.ID)
	if err := notifyOrg(tx, now, customer, customerAdmins(), note); err != nil {
		return false, err
	}
	if partner != nil {
		note.Link = fmt.Sprintf("/console/subscriptions/%d", sub.ID)
		if err := notifyOrg(tx, now, *partner, partnerAdmins(), note); err != nil {
			return false, err
		}
	}
	if sub.Status != models.SubDeleted {
		return false, nil
	}
	if err := removeLicenceAssignments(tx, "subscription_id = ?", sub.ID); err != nil {
		return false, err
	}
	return deprovisionTenant(tx, now, sub, orgs)
}

// removeLicenceAssignments deletes the licences assigned to users (issue
// 11's product keys add the table in 0016; without it there is nothing to
// remove).
func removeLicenceAssignments(tx *gorm.DB, where string, args ...any) error {
	var exists bool
	if err := tx.Raw("SELECT to_regclass('licence_assignments') IS NOT NULL").Scan(&exists).Error; err != nil {
		return fmt.Errorf("look for licence assignments: %w", err)
	}
	if !exists {
		return nil
	}
	if err := tx.Table("licence_assignments").Where(where, args...).Delete(nil).Error; err != nil {
		return fmt.Errorf("remove licence assignments: %w", err)
	}
	return nil
}

// termNotice tells both sides of a move, with the next date.
func termNotice(sub models.Subscription, product string) Notice {
	args := []any{"ID", sub.ID, "Product", product, "End", isoDate(sub.EndDate)}
	next, _ := models.NextTermMove(sub)
	switch sub.Status {
	case models.SubExpired:
		return Notice{Kind: models.NoticeSuspension, Title: "A subscription expired",
			Body: "Subscription #{{.ID}} ({{.Product}}) was not renewed by {{.End}}: it keeps full use for 30 days of grace, until it is disabled on {{.Next}}. Renew it before then.",
			Args: append(args, "Next", isoDate(next.On))}
	case models.SubDisabled:
		return Notice{Kind: models.NoticeSuspension, Title: "A subscription was disabled",
			Body: "Subscription #{{.ID}} ({{.Product}}) is disabled: only the customer's administrators can sign in. Its data is kept and it can be reactivated until it is deleted on {{.Next}}.",
			Args: append(args, "Next", isoDate(next.On))}
	case models.SubDeleted:
		return Notice{Kind: models.NoticeSuspension, Title: "A subscription was deleted",
			Body: "Subscription #{{.ID}} ({{.Product}}) was deleted 120 days after its end date: its data is removed. This cannot be undone.",
			Args: args}
	}
	return Notice{Kind: models.NoticeRenewal, Title: "A subscription is active again",
		Body: "Subscription #{{.ID}} ({{.Product}}) was renewed: it is active until {{.End}}.", Args: args}
}

// deprovisionTenant removes a deleted subscription's tenant when none of
// the customer's other subscriptions is in use or can come back: the
// customer's users are disabled and signed out, their licence assignments
// removed, its contact fields cleared.
// Invoices, payments, subscriptions and the audit log are kept (the
// platform's records). It is not reversible.
func deprovisionTenant(tx *gorm.DB, now time.Time, sub models.Subscription, orgs []int64) (bool, error) {
	var others []models.SubStatus
	if err := tx.Table("subscriptions").Where("customer_id = ? AND id <> ?", sub.CustomerID, sub.ID).
		Pluck("status", &others).Error; err != nil {
		return false, fmt.Errorf("load other subscriptions of customer %d: %w", sub.CustomerID, err)
	}
	if !models.TenantDeprovisioned(others) {
		return false, nil
	}
	var users []int64
	if err := tx.Raw(`UPDATE users SET disabled_at = ?, updated_at = ? WHERE organisation_id = ? AND disabled_at IS NULL RETURNING id`,
		now, now, sub.CustomerID).Scan(&users).Error; err != nil {
		return false, fmt.Errorf("disable users of customer %d: %w", sub.CustomerID, err)
	}
	if len(users) > 0 {
		if err := tx.Exec(`UPDATE user_sessions SET revoked_at = ? WHERE user_id IN ? AND revoked_at IS NULL`, now, users).Error; err != nil {
			return false, fmt.Errorf("end sessions of customer %d: %w", sub.CustomerID, err)
		}
	}
	if err := removeLicenceAssignments(tx, "subscription_id IN (SELECT id FROM subscriptions WHERE customer_id = ?)", sub.CustomerID); err != nil {
		return false, err
	}
	if err := tx.Exec(`UPDATE customers SET contact_name = '', contact_email = '', contact_phone = '', updated_at = ? WHERE id = ?`,
		now, sub.CustomerID).Error; err != nil {
		return false, fmt.Errorf("clear customer %d: %w", sub.CustomerID, err)
	}
	return true, audit(tx, auditEntry{Actor: models.System(), At: now, Action: "customer.deprovisioned", RecordType: "customer",
		RecordID: sub.CustomerID, After: map[string]any{"subscription_id": sub.ID, "users_disabled": len(users),
			"contact_cleared": true}, Orgs: orgs})
}

// termAdminsOnlySQL says whether customer cu's users other than its
// administrators are refused (R-PK-4): it has a disabled subscription and
// none in use (active or expired).
const termAdminsOnlySQL = `(cu.id IS NOT NULL
	AND EXISTS (SELECT 1 FROM subscriptions ts WHERE ts.customer_id = cu.id AND ts.status = 'disabled')
	AND NOT EXISTS (SELECT 1 FROM subscriptions ts WHERE ts.customer_id = cu.id AND ts.status IN ('active', 'expired')))`

// errTermAdminsOnly refuses a customer's non-admin user while its
// subscriptions are disabled.
func errTermAdminsOnly() *models.Error {
	return &models.Error{Code: models.CodeUnauthorized, Field: "email",
		Message: "Your organisation's subscription is disabled: only its administrators can sign in."}
}

// termBlocked tells whether the user may not sign in for their customer's
// term (R-PK-4).
func termBlocked(db *gorm.DB, u models.User) (bool, error) {
	if u.Role.Kind() != models.OrgCustomer || u.Role == models.RoleCustomerAdmin {
		return false, nil
	}
	var adminsOnly bool
	if err := db.Raw(`SELECT `+termAdminsOnlySQL+` FROM customers cu WHERE cu.id = ?`, u.OrganisationID).Scan(&adminsOnly).Error; err != nil {
		return false, fmt.Errorf("check the customer's term: %w", err)
	}
	return models.TermSignInBlocked(u.Role, adminsOnly), nil
}

// RenewDirect renews a subscription by direct billing instead of a key: the
// new term starts today (seed 003), or, for an expired or disabled one, it
// is reactivated by paying for the grace days it used (charged on the next
// invoice through the billing core, under the form's key) and its new term
// starts today. The monthly invoice bills the new term as usual.
func (s *Store) RenewDirect(ctx context.Context, a models.Actor, id int64, confirm bool, key string) (models.LifeChange, error) {
	var ch models.LifeChange
	if err := a.Require(models.PermManageLicences); err != nil {
		return ch, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		f, err := loadLifeFacts(tx, a, id, true)
		if err != nil {
			return err
		}
		if err := checkKey(key); err != nil {
			return err
		}
		// A repeated key answers with the renewal (or reactivation) it made.
		for _, action := range []models.LifeAction{models.LifeRenewDirect, models.LifeTermReactivate} {
			var n int64
			if err := tx.Table("subscription_changes").Where("idempotency_key = ? AND subscription_id = ? AND action = ?", key, id, action).
				Count(&n).Error; err != nil {
				return fmt.Errorf("check idempotency key: %w", err)
			}
			if n > 0 {
				ch = models.LifeChange{Action: action, Before: f.Sub, After: f.Sub}
				return nil
			}
		}
		if ch, err = models.RenewDirect(f.Sub, confirm, now); err != nil {
			return err
		}
		if ch.Action == models.LifeTermReactivate {
			if from, to, ok := models.GraceUsed(f.Sub, now); ok && f.Pricing.UnitMinor > 0 {
				ch.PriceMinor = money.ProrateToTermEnd(f.Pricing.UnitMinor, f.Sub.Quantity, from, to, f.Sub.Plan)
				if ch.PriceMinor > 0 {
					ch.ChargeMinor, ch.ChargeKind = ch.PriceMinor, string(models.ChargeProration)
				}
			}
		}
		return s.applyLife(tx, a, now, f, ch, key)
	})
	return ch, err
}

// renewedNotice tells the other side of a renewal by direct billing or a
// reactivation by paying.
func renewedNotice(ch models.LifeChange) Notice {
	args := []any{"ID", ch.After.ID, "Start", isoDate(ch.After.StartDate), "End", isoDate(ch.After.EndDate)}
	if ch.Action == models.LifeTermReactivate {
		return Notice{Kind: models.NoticeRenewal, Title: "A subscription was reactivated",
			Body: "Subscription #{{.ID}} was reactivated by direct billing: its new term runs from {{.Start}} to {{.End}}.", Args: args}
	}
	return Notice{Kind: models.NoticeRenewal, Title: "A subscription was renewed",
		Body: "Subscription #{{.ID}} was renewed by direct billing: its new term started at once and runs from {{.Start}} to {{.End}}.", Args: args}
}
