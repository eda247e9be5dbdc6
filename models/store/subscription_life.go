package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// The subscription's life (issue 9, R-LIC-1..3): the subscription page and
// its actions. Each action loads the subscription under FOR UPDATE, scoped
// to the actor (a console sees the subscriptions it sells, a customer its
// own), asks models to decide, then writes the row, a subscription_changes
// row (the idempotency key), the charge for the next invoice, the audit
// event, and a notice with its email to the other side.

// subScope restricts a subscriptions query to what the actor may see.
func subScope(q *gorm.DB, a models.Actor) (*gorm.DB, error) {
	switch a.OrgKind {
	case models.OrgConsole:
		if !a.Can(models.PermReadCustomers) {
			return nil, models.Forbidden()
		}
		return q.Where("subscriptions.console_id = ?", a.OrgID), nil
	case models.OrgCustomer:
		if !a.Can(models.PermViewOwnOrg) {
			return nil, models.Forbidden()
		}
		return q.Where("subscriptions.customer_id = ?", a.OrgID), nil
	}
	return nil, models.NotFound()
}

// lifeFacts are a subscription locked for an action, with its product and
// prices.
type lifeFacts struct {
	Sub     models.Subscription
	Product models.Product
	Pricing models.Pricing
}

func loadLifeFacts(tx *gorm.DB, a models.Actor, id int64, lock bool) (lifeFacts, error) {
	var f lifeFacts
	q, err := subScope(tx.Table("subscriptions"), a)
	if err != nil {
		return f, err
	}
	if lock {
		q = forUpdate(q)
	}
	if err := q.Where("subscriptions.id = ?", id).Take(&f.Sub).Error; err != nil {
		return f, notFound(err)
	}
	if err := tx.Take(&f.Product, f.Sub.ProductID).Error; err != nil {
		return f, fmt.Errorf("load product %d: %w", f.Sub.ProductID, err)
	}
	f.Pricing = models.Pricing{ProrateToTermEnd: money.ProrateToTermEnd, LicencesAddedCharge: money.LicencesAddedCharge,
		RemainingCommitment: money.RemainingCommitment}
	if f.Sub.BillingAccountID != nil {
		if err := tx.Table("billing_accounts").Select("currency").Where("id = ?", *f.Sub.BillingAccountID).
			Scan(&f.Pricing.Currency).Error; err != nil {
			return f, fmt.Errorf("load billing account: %w", err)
		}
		f.Pricing.Currency = strings.TrimSpace(f.Pricing.Currency)
		if err := tx.Table("prices").Select("unit_price_minor").
			Where("product_id = ? AND plan = ? AND currency = ?", f.Sub.ProductID, f.Sub.Plan, f.Pricing.Currency).
			Scan(&f.Pricing.UnitMinor).Error; err != nil {
			return f, fmt.Errorf("load price: %w", err)
		}
	}
	return f, nil
}

// Subscription loads the subscription page of id for the actor.
func (s *Store) Subscription(ctx context.Context, a models.Actor, id int64) (models.SubscriptionDetail, error) {
	var d models.SubscriptionDetail
	db := s.db.WithContext(ctx)
	f, err := loadLifeFacts(db, a, id, false)
	if err != nil {
		return d, err
	}
	d.Sub, d.Currency, d.UnitMinor = f.Sub, f.Pricing.Currency, f.Pricing.UnitMinor
	d.Sub.Product = &f.Product
	var names struct{ Name, Domain, ConsoleName, Account string }
	if err := db.Raw(`SELECT c.name, c.domain, coalesce(co.name, '') AS console_name, coalesce(b.name, '') AS account
		FROM subscriptions s JOIN customers c ON c.id = s.customer_id
		LEFT JOIN consoles co ON co.id = s.console_id LEFT JOIN billing_accounts b ON b.id = s.billing_account_id
		WHERE s.id = ?`, id).Scan(&names).Error; err != nil {
		return d, fmt.Errorf("load subscription %d names: %w", id, err)
	}
	d.CustomerName, d.CustomerDomain, d.ConsoleName, d.BillingAccount = names.Name, names.Domain, names.ConsoleName, names.Account
	d.Actions = models.ActionsFor(a, f.Sub)
	d.RenewalOptions = models.RenewalOptionsFor(f.Sub.Plan)
	d.RenewDirect = models.RenewDirectFor(a, f.Sub, s.Now())
	if err := db.Where("organisation_id = ? AND record_type = 'subscription' AND record_id = ?", a.OrgID, id).
		Order("id DESC").Limit(50).Find(&d.History).Error; err != nil {
		return d, fmt.Errorf("load subscription %d history: %w", id, err)
	}
	return d, nil
}

// AddLicencesInput is the add-licences form as the store takes it.
type AddLicencesInput struct {
	Additional    string
	TermsAccepted bool
	Confirm       bool // false: preview only, nothing is written
	Key           string
}

func errNoKey() *models.Error {
	return &models.Error{Code: models.CodeInvalid, Field: "_form", Message: "This form has expired: open it again."}
}

func checkKey(key string) error {
	if key == "" || len(key) > 100 {
		return errNoKey()
	}
	return nil
}

// PreviewAddLicences prices adding licences without writing anything: the
// resulting total and the price of the change, shown before the terms.
func (s *Store) PreviewAddLicences(ctx context.Context, a models.Actor, id int64, additional string) (models.LifeChange, error) {
	if err := a.Require(models.PermManageLicences); err != nil {
		return models.LifeChange{}, err
	}
	f, err := loadLifeFacts(s.db.WithContext(ctx), a, id, false)
	if err != nil {
		return models.LifeChange{}, err
	}
	n, err := models.ParseAdditional(additional)
	if err != nil {
		return models.LifeChange{}, err
	}
	return models.AddLicences(f.Sub, f.Product, n, f.Pricing, false, false, s.Now())
}

// AddLicences adds licences (R-LIC-1). One key changes the subscription
// once: a repeated submission returns the change already made.
func (s *Store) AddLicences(ctx context.Context, a models.Actor, id int64, in AddLicencesInput) (models.LifeChange, error) {
	var ch models.LifeChange
	if err := a.Require(models.PermManageLicences); err != nil {
		return ch, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		f, err := loadLifeFacts(tx, a, id, true)
		if err != nil {
			return err
		}
		n, err := models.ParseAdditional(in.Additional)
		if err != nil {
			return err
		}
		if in.Confirm {
			if err := checkKey(in.Key); err != nil {
				return err
			}
			if done, err := replayed(tx, id, models.LifeAddLicences, in.Key); err != nil || done != nil {
				if done != nil {
					ch = *done
					ch.After = f.Sub
				}
				return err
			}
		}
		ch, err = models.AddLicences(f.Sub, f.Product, n, f.Pricing, in.TermsAccepted, in.Confirm, now)
		if err != nil || !in.Confirm {
			return err
		}
		return s.applyLife(tx, a, now, f, ch, in.Key)
	})
	return ch, err
}

// replayed returns the change already made with key on subscription id,
// nil when the key is new. A key used on another subscription or for
// another action is refused.
func replayed(tx *gorm.DB, id int64, action models.LifeAction, key string) (*models.LifeChange, error) {
	var row struct {
		SubscriptionID int64
		Action         string
		QuantityBefore int
		QuantityAfter  int
		PriceMinor     int64
		ChargedMinor   int64
	}
	err := tx.Table("subscription_changes").Where("idempotency_key = ?", key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check idempotency key: %w", err)
	}
	if row.SubscriptionID != id || row.Action != string(action) {
		return nil, errNoKey()
	}
	return &models.LifeChange{Action: models.LifeAction(row.Action), Added: row.QuantityAfter - row.QuantityBefore,
		PriceMinor: row.PriceMinor, ChargeMinor: row.ChargedMinor}, nil
}

// applyLife writes a decided change: the subscription, its change row, the
// charge for the next invoice, the audit event, and the notices to the
// other side (the reseller when the customer acts, the customer's admins
// when the reseller or the platform acts).
func (s *Store) applyLife(tx *gorm.DB, a models.Actor, now time.Time, f lifeFacts, ch models.LifeChange, key string) error {
	sub := ch.After
	if err := tx.Table("subscriptions").Where("id = ?", sub.ID).Updates(map[string]any{
		"quantity": sub.Quantity, "plan": sub.Plan, "status": sub.Status, "suspension_reasons": sub.SuspensionReasons,
		"start_date": sub.StartDate, "end_date": sub.EndDate, "renewal_option": sub.RenewalOption,
		"ended_at": sub.EndedAt, "cancelled_at": sub.CancelledAt, "trial_billing_set_up": sub.TrialBillingSetUp,
		"updated_at": now}).Error; err != nil {
		return fmt.Errorf("update subscription %d: %w", sub.ID, err)
	}
	change := map[string]any{"subscription_id": sub.ID, "action": string(ch.Action), "quantity_before": ch.Before.Quantity,
		"quantity_after": sub.Quantity, "plan_after": string(sub.Plan), "price_minor": ch.PriceMinor,
		"charged_minor": ch.ChargeMinor, "currency": f.Pricing.Currency, "created_at": now}
	if a.UserID != 0 {
		change["actor_user_id"] = a.UserID
	}
	if key != "" {
		change["idempotency_key"] = key
	}
	if err := tx.Table("subscription_changes").Create(change).Error; err != nil {
		if uniqueViolation(err, "") {
			return &models.Error{Code: models.CodeConflict, Message: "This form was already submitted."}
		}
		return fmt.Errorf("record subscription change: %w", err)
	}
	if ch.ChargeMinor > 0 {
		if sub.BillingAccountID == nil {
			return &models.Error{Code: models.CodeConflict, Message: "This subscription has no billing account: ask the platform to add one."}
		}
		c := models.BillingCharge{BillingAccountID: *sub.BillingAccountID, SubscriptionID: &sub.ID,
			Kind: models.ChargeKind(ch.ChargeKind), Description: chargeDescription(f, ch), Quantity: max(ch.Added, 1),
			AmountMinor: ch.ChargeMinor, Currency: f.Pricing.Currency, CreatedAt: now}
		start, end := models.Day(now), models.Day(ch.Before.EndDate).AddDate(0, 0, 1)
		if ch.Action == models.LifeAddLicences {
			end = money.LicencesAddedPeriodEnd(start, ch.Before.EndDate, sub.Plan)
		}
		if end.After(start) {
			c.PeriodStart, c.PeriodEnd = &start, &end
		}
		if key != "" {
			k := "sub-life:" + key
			c.IdempotencyKey = &k
		}
		if err := addCharge(tx, c); err != nil {
			return err
		}
	}
	orgs := []int64{sub.CustomerID}
	if sub.ConsoleID != nil {
		orgs = append(orgs, *sub.ConsoleID)
	}
	after := subAudit(sub)
	if ch.ChargeMinor > 0 {
		after["charged_minor"], after["currency"] = ch.ChargeMinor, f.Pricing.Currency
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription." + string(ch.Action), RecordType: "subscription",
		RecordID: sub.ID, Before: subAudit(ch.Before), After: after, Orgs: orgs}); err != nil {
		return err
	}
	note := lifeNotice(f, ch)
	toCustomer := a.OrgKind != models.OrgCustomer
	toConsole := a.OrgKind != models.OrgConsole && sub.ConsoleID != nil
	if toCustomer {
		note.Link = fmt.Sprintf("/admin/subscriptions/%d", sub.ID)
		if err := notifyOrg(tx, now, sub.CustomerID, customerAdmins(), note); err != nil {
			return err
		}
	}
	if toConsole {
		note.Link = fmt.Sprintf("/console/subscriptions/%d", sub.ID)
		if err := notifyOrg(tx, now, *sub.ConsoleID, offerRoles(), note); err != nil {
			return err
		}
	}
	return nil
}

func chargeDescription(f lifeFacts, ch models.LifeChange) string {
	switch ch.Action {
	case models.LifeAddLicences:
		return fmt.Sprintf("%s: %d licences added, to %s", f.Product.Name, ch.Added, ch.Before.EndDate.Format(time.DateOnly))
	case models.LifeCancelNow:
		return fmt.Sprintf("%s: cancelled, remaining commitment to %s", f.Product.Name, ch.Before.EndDate.Format(time.DateOnly))
	case models.LifeTermReactivate:
		return fmt.Sprintf("%s: reactivated, grace days used after %s", f.Product.Name, ch.Before.EndDate.Format(time.DateOnly))
	}
	return f.Product.Name
}

// lifeNotice says what happened to the subscription, to the other side.
func lifeNotice(f lifeFacts, ch models.LifeChange) Notice {
	args := []any{"ID", ch.After.ID, "Product", f.Product.Name}
	switch ch.Action {
	case models.LifeAddLicences:
		return Notice{Kind: models.NoticeGeneral, Title: "Licences added",
			Body: "{{.Added}} licences were added to subscription #{{.ID}} ({{.Product}}): {{.Total}} in all.",
			Args: append(args, "Added", ch.Added, "Total", ch.After.Quantity)}
	case models.LifeRenewal:
		return Notice{Kind: models.NoticeRenewal, Title: "Renewal option changed",
			Body: "The renewal option of subscription #{{.ID}} ({{.Product}}) was changed.", Args: args}
	case models.LifeCancelNow:
		return Notice{Kind: models.NoticeSuspension, Title: "A subscription was cancelled",
			Body: "Subscription #{{.ID}} ({{.Product}}) was cancelled and has ended.", Args: args}
	case models.LifeSuspend:
		return Notice{Kind: models.NoticeSuspension, Title: "A subscription was suspended",
			Body: "Your reseller suspended subscription #{{.ID}} ({{.Product}}).", Args: args}
	case models.LifeReactivate:
		return Notice{Kind: models.NoticeSuspension, Title: "A subscription was reactivated",
			Body: "Your reseller lifted its suspension of subscription #{{.ID}} ({{.Product}}).", Args: args}
	case models.LifeTrialEnded:
		return Notice{Kind: models.NoticeSuspension, Title: "A trial ended",
			Body: "The trial of subscription #{{.ID}} ({{.Product}}) ended without billing set up: it is suspended until billing is set up.", Args: args}
	case models.LifeBillingSetUp:
		return Notice{Kind: models.NoticeGeneral, Title: "Billing set up",
			Body: "Billing was set up for subscription #{{.ID}} ({{.Product}}).", Args: args}
	case models.LifeRenewDirect, models.LifeTermReactivate:
		return renewedNotice(ch)
	}
	return Notice{Kind: models.NoticeGeneral, Title: "Subscription changed", Body: "Subscription #{{.ID}} ({{.Product}}) changed.", Args: args}
}

// SetRenewalOption changes the renewal option (R-LIC-2).
func (s *Store) SetRenewalOption(ctx context.Context, a models.Actor, id int64, option string) (models.LifeChange, error) {
	var ch models.LifeChange
	if err := a.Require(models.PermManageLicences); err != nil {
		return ch, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		f, err := loadLifeFacts(tx, a, id, true)
		if err != nil {
			return err
		}
		if ch, err = models.SetRenewalOption(f.Sub, option, now); err != nil {
			return err
		}
		if ch.After.RenewalOption == ch.Before.RenewalOption {
			return nil
		}
		return s.applyLife(tx, a, now, f, ch, "")
	})
	return ch, err
}

// PreviewCancel says what cancelling now would leave due, without writing.
func (s *Store) PreviewCancel(ctx context.Context, a models.Actor, id int64) (models.LifeChange, error) {
	if err := a.Require(models.PermManageLicences); err != nil {
		return models.LifeChange{}, err
	}
	f, err := loadLifeFacts(s.db.WithContext(ctx), a, id, false)
	if err != nil {
		return models.LifeChange{}, err
	}
	ch, err := models.CancelNow(f.Sub, f.Pricing, false, s.Now())
	if models.ErrorCode(err) == models.CodeInvalid {
		err = nil
	}
	return ch, err
}

// CancelNow ends the subscription today (R-LIC-2); what is still due to the
// end of the commitment is charged on the next invoice.
func (s *Store) CancelNow(ctx context.Context, a models.Actor, id int64, confirm bool, key string) (models.LifeChange, error) {
	return s.keyedLifeChange(ctx, a, id, models.LifeCancelNow, key, func(f lifeFacts, now time.Time) (models.LifeChange, error) {
		return models.CancelNow(f.Sub, f.Pricing, confirm, now)
	})
}

// keyedLifeChange runs one action a form carries an idempotency key for:
// the facts under lock, the key checked, a repeated key answered with the
// change it already made; otherwise models decides and the change is written.
func (s *Store) keyedLifeChange(ctx context.Context, a models.Actor, id int64, action models.LifeAction, key string,
	decide func(f lifeFacts, now time.Time) (models.LifeChange, error)) (models.LifeChange, error) {
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
		if done, err := replayed(tx, id, action, key); err != nil || done != nil {
			if done != nil {
				ch = *done
				ch.After = f.Sub
			}
			return err
		}
		if ch, err = decide(f, now); err != nil {
			return err
		}
		return s.applyLife(tx, a, now, f, ch, key)
	})
	return ch, err
}

// SuspendSubscription is the reseller's suspension (reseller_initiated).
func (s *Store) SuspendSubscription(ctx context.Context, a models.Actor, id int64) (models.LifeChange, error) {
	return s.resellerAction(ctx, a, id, models.ResellerSuspend)
}

// ReactivateSubscription lifts the reseller's suspension only.
func (s *Store) ReactivateSubscription(ctx context.Context, a models.Actor, id int64) (models.LifeChange, error) {
	return s.resellerAction(ctx, a, id, models.ResellerReactivate)
}

func (s *Store) resellerAction(ctx context.Context, a models.Actor, id int64,
	decide func(models.Subscription, time.Time) (models.LifeChange, error)) (models.LifeChange, error) {
	var ch models.LifeChange
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermSuspendSubscriptions) {
		return ch, models.Forbidden()
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		f, err := loadLifeFacts(tx, a, id, true)
		if err != nil {
			return err
		}
		if ch, err = decide(f.Sub, now); err != nil {
			return err
		}
		return s.applyLife(tx, a, now, f, ch, "")
	})
	return ch, err
}

// SetUpTrialBilling is seed 004's "Configurer la facturation" for a trial
// (R-LIC-3): the plan, the licences, the terms; it reactivates a trial the
// job suspended.
func (s *Store) SetUpTrialBilling(ctx context.Context, a models.Actor, id int64, in models.BillingSetUp, key string) (models.LifeChange, error) {
	return s.keyedLifeChange(ctx, a, id, models.LifeBillingSetUp, key, func(f lifeFacts, now time.Time) (models.LifeChange, error) {
		return models.SetUpBilling(f.Sub, f.Product, in, now)
	})
}

// EndTrials suspends the trials whose end passed without billing set up
// (R-LIC-3), in batches; rows another run holds are skipped. It returns how
// many it suspended.
func (s *Store) EndTrials(ctx context.Context) (int, error) {
	const batch = 200
	total := 0
	for {
		loaded := 0
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var subs []models.Subscription
			if err := tx.Raw(`SELECT * FROM subscriptions WHERE plan = 'trial' AND NOT trial_billing_set_up
				AND status <> 'ended' AND end_date < ? AND NOT ('trial_ended' = ANY(suspension_reasons))
				ORDER BY end_date, id LIMIT ? FOR UPDATE SKIP LOCKED`, models.Day(now), batch).Scan(&subs).Error; err != nil {
				return fmt.Errorf("load ended trials: %w", err)
			}
			loaded = len(subs)
			for _, sub := range subs {
				ch, ok := models.EndTrial(sub, now)
				if !ok {
					continue
				}
				var p models.Product
				if err := tx.Take(&p, sub.ProductID).Error; err != nil {
					return fmt.Errorf("load product %d: %w", sub.ProductID, err)
				}
				if err := s.applyLife(tx, models.System(), now, lifeFacts{Sub: sub, Product: p}, ch, ""); err != nil {
					return err
				}
				total++
			}
			return nil
		})
		if err != nil || loaded < batch {
			return total, err
		}
	}
}
