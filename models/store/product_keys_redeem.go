package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
)

// The Redeem wizard (R-PK-1): the partner user's draft, the keys checked
// into it (reserved for 24 hours), the review, and the customer's account
// made in one transaction.

func canRedeem(a models.Actor) error {
	if a.OrgKind != models.OrgConsole {
		return models.Forbidden()
	}
	return a.Require(models.PermRedeemKeys)
}

// openDraft loads (and locks, when lock) the actor's open draft; ID 0 when
// there is none.
func openDraft(tx *gorm.DB, a models.Actor, lock bool) (models.RedemptionDraft, error) {
	var d models.RedemptionDraft
	q := tx
	if lock {
		q = forUpdate(tx)
	}
	err := q.Where("console_id = ? AND user_id = ? AND completed_at IS NULL", a.OrgID, a.UserID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.RedemptionDraft{Step: models.StepInstructions}, nil
	}
	if err != nil {
		return d, fmt.Errorf("load redemption draft: %w", err)
	}
	return d, nil
}

// draftKeys loads the cards still reserved to a draft at now, with their
// product, locked when lock.
func draftKeys(tx *gorm.DB, draftID int64, now time.Time, lock bool) ([]models.KeyCardRow, error) {
	if draftID == 0 {
		return nil, nil
	}
	q := tx.Table("product_key_cards AS k").Select("k.*, p.name AS product_name, p.sku AS product_sku").
		Joins("JOIN products p ON p.id = k.product_id").
		Where("k.reserved_draft_id = ? AND k.state = 'reserved' AND k.reserved_until > ?", draftID, now)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "k"}})
	}
	var rows []models.KeyCardRow
	if err := q.Order("k.id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load draft keys: %w", err)
	}
	for i := range rows {
		rows[i].KeySealed = nil
	}
	return rows, nil
}

func draftView(d models.RedemptionDraft, keys []models.KeyCardRow) models.DraftView {
	v := models.DraftView{Draft: d, Keys: keys}
	for _, k := range keys {
		v.Seats += k.Seats
		v.TermMonths, v.ProductName = k.TermMonths, k.ProductName
	}
	return v
}

// RedemptionDraft is the actor's Redeem wizard where it stopped (a zero
// draft at the instructions when none is open).
func (s *Store) RedemptionDraft(ctx context.Context, a models.Actor) (models.DraftView, error) {
	if err := canRedeem(a); err != nil {
		return models.DraftView{}, err
	}
	db := s.db.WithContext(ctx)
	d, err := openDraft(db, a, false)
	if err != nil {
		return models.DraftView{}, err
	}
	keys, err := draftKeys(db, d.ID, s.Now(), false)
	if err != nil {
		return models.DraftView{}, err
	}
	return draftView(d, keys), nil
}

// StartRedemption records that the partner read the instructions and ticked
// "I understand, I am the best person to do this for my organisation".
func (s *Store) StartRedemption(ctx context.Context, a models.Actor, understood bool) error {
	if err := canRedeem(a); err != nil {
		return err
	}
	if !understood {
		return models.ErrUnderstand()
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		// One open draft per console and user, even when two tabs press Start.
		if err := tx.Exec(`INSERT INTO redemption_drafts (console_id, user_id, step, acknowledged_at, created_at, updated_at)
VALUES (?, ?, 'keys', ?, ?, ?) ON CONFLICT (console_id, user_id) WHERE completed_at IS NULL DO NOTHING`,
			a.OrgID, a.UserID, now, now, now).Error; err != nil {
			return fmt.Errorf("start redemption: %w", err)
		}
		d, err := openDraft(tx, a, true)
		if err != nil {
			return err
		}
		if d.AcknowledgedAt == nil {
			return tx.Model(&d).Updates(map[string]any{"acknowledged_at": now, "step": models.StepKeys, "updated_at": now}).Error
		}
		return nil
	})
}

// startedDraft locks the actor's draft; one not started is a conflict.
func startedDraft(tx *gorm.DB, a models.Actor) (models.RedemptionDraft, error) {
	d, err := openDraft(tx, a, true)
	if err != nil {
		return d, err
	}
	if d.ID == 0 || d.AcknowledgedAt == nil {
		return d, models.MoveDraft(models.StepInstructions, models.StepKeys, 0)
	}
	return d, nil
}

// AddKeys checks each typed key on its own against the draft (R-PK-1) and
// reserves the good ones to it for 24 hours. It returns one result per
// typed key: nil when the key joined the draft (or the field was empty),
// else the message on that key. Good keys stay reserved even when another
// key of the same post is refused.
func (s *Store) AddKeys(ctx context.Context, a models.Actor, typed []string) ([]error, error) {
	if err := canRedeem(a); err != nil {
		return nil, err
	}
	results := make([]error, len(typed))
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		d, err := startedDraft(tx, a)
		if err != nil {
			return err
		}
		in, err := draftKeys(tx, d.ID, now, true)
		if err != nil {
			return err
		}
		inDraft := make([]models.KeyCard, 0, len(in)+len(typed))
		for _, k := range in {
			inDraft = append(inDraft, k.KeyCard)
		}
		added := 0
		for i, raw := range typed {
			if raw == "" {
				continue
			}
			key, ok := models.NormalizeO365Key(raw)
			if !ok {
				results[i] = models.ErrKeyFormat()
				continue
			}
			var card models.KeyCard
			var found *models.KeyCard
			err := forUpdate(tx).Where("key_hash = ?", o365KeyHash(key)).Take(&card).Error
			switch {
			case err == nil:
				found = &card
			case !errors.Is(err, gorm.ErrRecordNotFound):
				return fmt.Errorf("look up product key: %w", err)
			}
			if err := models.CheckKey(models.KeyCheck{Card: found, ConsoleID: a.OrgID, DraftID: d.ID, InDraft: inDraft, Now: now}); err != nil {
				results[i] = err
				continue
			}
			until := now.Add(models.KeyReservation)
			if err := tx.Model(&models.KeyCard{}).Where("id = ?", card.ID).Updates(map[string]any{
				"state": models.KeyReserved, "reserved_draft_id": d.ID, "reserved_until": until}).Error; err != nil {
				return fmt.Errorf("reserve product key: %w", err)
			}
			card.State, card.ReservedDraftID, card.ReservedUntil = models.KeyReserved, &d.ID, &until
			inDraft = append(inDraft, card)
			added++
		}
		if added == 0 {
			return nil
		}
		if err := tx.Model(&d).Updates(map[string]any{"step": models.StepKeys, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("save redemption draft: %w", err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "product_keys.reserved", RecordType: "redemption_draft", RecordID: d.ID,
			After: map[string]any{"keys": added}, Orgs: []int64{a.OrgID}})
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// RemoveKey takes a key card out of the draft; it is available again.
func (s *Store) RemoveKey(ctx context.Context, a models.Actor, cardID int64) error {
	if err := canRedeem(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		d, err := startedDraft(tx, a)
		if err != nil {
			return err
		}
		res := tx.Model(&models.KeyCard{}).Where("id = ? AND reserved_draft_id = ? AND state = 'reserved'", cardID, d.ID).
			Updates(map[string]any{"state": models.KeyAvailable, "reserved_draft_id": nil, "reserved_until": nil})
		if res.Error != nil {
			return fmt.Errorf("remove key from draft: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return models.NotFound()
		}
		return tx.Model(&d).Updates(map[string]any{"step": models.StepKeys, "updated_at": now}).Error
	})
}

// MoveRedemption moves the wizard to a step: the review ("Does everything
// look right?"), the account ("Done adding keys"), or back to the keys.
func (s *Store) MoveRedemption(ctx context.Context, a models.Actor, to models.DraftStep) error {
	if err := canRedeem(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		d, err := startedDraft(tx, a)
		if err != nil {
			return err
		}
		keys, err := draftKeys(tx, d.ID, now, false)
		if err != nil {
			return err
		}
		if err := models.MoveDraft(d.Step, to, len(keys)); err != nil {
			return err
		}
		return tx.Model(&d).Updates(map[string]any{"step": to, "updated_at": now}).Error
	})
}

// Redemption is what creating the customer's account made.
type Redemption struct {
	Customer     models.Customer
	Admin        models.User
	Subscription models.Subscription
	// InvitationToken is the admin's set-password link token (sent by email).
	InvitationToken string
}

func errAdminEmailTaken() error {
	return models.FieldErrors{"admin_email": "A user with this email already exists."}.Err()
}

// CreateRedeemedAccount is step 2 (R-PK-1), in ONE transaction: the
// customer (a tenant id, the entered or a derived domain), its
// customer_admin invited by email with a set-password link, a subscription
// with the keys' seats and term with this console as partner of record, a
// licence assigned to the admin, the keys marked used, the audit. Any
// failure leaves nothing.
func (s *Store) CreateRedeemedAccount(ctx context.Context, a models.Actor, in models.AccountInput) (Redemption, error) {
	var out Redemption
	if err := canRedeem(a); err != nil {
		return out, err
	}
	// Adding a customer needs the customers.add flag (R-ROLE-3).
	if err := a.Require(models.PermAddCustomers); err != nil {
		return out, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return out, err
	}
	// Until the admin sets a password, the account holds the argon2id hash
	// of a random one nobody knows: a sign-in attempt costs the same time
	// as for any account.
	unknown, err := models.HashPassword(newToken())
	if err != nil {
		return out, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		f, err := loadRedemptionFacts(tx, a, in, now)
		if err != nil {
			return err
		}
		out, err = writeRedemption(tx, a, in, f, unknown, now)
		return err
	})
	if err != nil {
		return Redemption{}, err
	}
	return out, nil
}

// redemptionFacts are what step 2 reads under lock and decides on: the
// draft and its keys, the subscription they make (models.PlanRedemption),
// the console and the tenant's domain.
type redemptionFacts struct {
	Draft   models.RedemptionDraft
	Rows    []models.KeyCardRow
	Keys    []models.KeyCard
	Plan    models.RedemptionPlan
	Console models.Console
	Domain  string
}

func loadRedemptionFacts(tx *gorm.DB, a models.Actor, in models.AccountInput, now time.Time) (redemptionFacts, error) {
	var f redemptionFacts
	var err error
	if f.Draft, err = startedDraft(tx, a); err != nil {
		return f, err
	}
	if f.Rows, err = draftKeys(tx, f.Draft.ID, now, true); err != nil {
		return f, err
	}
	if len(f.Rows) == 0 {
		return f, models.ErrNoKeys()
	}
	if f.Draft.Step != models.StepAccount {
		return f, models.MoveDraft(models.StepKeys, models.StepAccount, len(f.Rows))
	}
	f.Keys = make([]models.KeyCard, len(f.Rows))
	for i, r := range f.Rows {
		f.Keys[i] = r.KeyCard
	}
	if f.Plan, err = models.PlanRedemption(f.Keys, now); err != nil {
		return f, err
	}
	if err := tx.Where("id = ?", a.OrgID).Take(&f.Console).Error; err != nil {
		return f, fmt.Errorf("load console: %w", err)
	}
	var taken int64
	if err := tx.Model(&models.User{}).Where("email = ?", in.AdminEmail).Count(&taken).Error; err != nil {
		return f, fmt.Errorf("check admin email: %w", err)
	}
	if taken > 0 {
		return f, errAdminEmailTaken()
	}
	f.Domain, err = tenantDomain(tx, in)
	return f, err
}

// writeRedemption writes step 2's rows: the tenant and its invited admin,
// the subscription with its partner of record and the admin's licence, the
// keys used and the draft done, the invitation email and the audit.
func writeRedemption(tx *gorm.DB, a models.Actor, in models.AccountInput, f redemptionFacts, unknownHash string, now time.Time) (Redemption, error) {
	c, admin, inv, token, err := createRedeemedTenant(tx, in, f, unknownHash, now)
	if err != nil {
		return Redemption{}, err
	}
	sub, err := createRedeemedSubscription(tx, f, c.ID, admin.ID, now)
	if err != nil {
		return Redemption{}, err
	}
	// The keys are used; the draft is done.
	ids := make([]int64, len(f.Keys))
	for i, k := range f.Keys {
		ids[i] = k.ID
	}
	if err := tx.Model(&models.KeyCard{}).Where("id IN ?", ids).Updates(map[string]any{"state": models.KeyUsed, "used_at": now,
		"used_for_subscription_id": sub.ID, "reserved_draft_id": nil, "reserved_until": nil}).Error; err != nil {
		return Redemption{}, fmt.Errorf("mark keys used: %w", err)
	}
	d := f.Draft
	if err := tx.Model(&d).Updates(map[string]any{"customer_id": c.ID, "completed_at": now, "updated_at": now}).Error; err != nil {
		return Redemption{}, fmt.Errorf("complete redemption draft: %w", err)
	}
	if err := queueInvitationMail(tx, admin, c.Name, f.Console.Name, token, now); err != nil {
		return Redemption{}, err
	}
	orgs := []int64{a.OrgID, c.ID}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer.created", RecordType: "customer", RecordID: c.ID,
		After: customerAudit(c), Orgs: orgs}); err != nil {
		return Redemption{}, err
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "user.invited", RecordType: "user", RecordID: admin.ID,
		After: map[string]any{"name": admin.Name, "email": admin.Email, "role": admin.Role, "expires_at": inv.ExpiresAt}, Orgs: orgs}); err != nil {
		return Redemption{}, err
	}
	// Last: the redemption itself (the keys by their last five only).
	last5 := make([]string, len(f.Rows))
	for i, r := range f.Rows {
		last5[i] = r.KeyLast5
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "product_keys.redeemed", RecordType: "subscription", RecordID: sub.ID,
		After: map[string]any{"keys": last5, "product_id": f.Plan.ProductID, "seats": f.Plan.Seats, "term_months": f.Plan.TermMonths,
			"end_date": f.Plan.End.Format("2006-01-02"), "partner_of_record": f.Console.ID, "licence_user": admin.ID}, Orgs: orgs}); err != nil {
		return Redemption{}, err
	}
	return Redemption{Customer: c, Admin: admin, Subscription: sub, InvitationToken: token}, nil
}

// createRedeemedTenant creates the customer and its administrator, who sets
// a password through the invitation it returns (with its token).
func createRedeemedTenant(tx *gorm.DB, in models.AccountInput, f redemptionFacts, unknownHash string, now time.Time) (
	c models.Customer, admin models.User, inv models.UserInvitation, token string, err error) {
	orgID, err := newOrganisation(tx, models.OrgCustomer, now)
	if err != nil {
		return c, admin, inv, "", err
	}
	consoleID := f.Console.ID
	c = models.Customer{ID: orgID, ConsoleID: &consoleID, Name: in.OrgName, Domain: f.Domain, TenantID: uuid.New(),
		Country: in.Country, Channel: models.ChannelReseller, ContactName: in.AdminName, ContactEmail: in.AdminEmail,
		CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&c).Error; err != nil {
		if uniqueViolation(err, "customers_domain_key") {
			return c, admin, inv, "", errDomainTaken()
		}
		return c, admin, inv, "", fmt.Errorf("create customer: %w", err)
	}
	admin = models.User{OrganisationID: c.ID, Email: in.AdminEmail, Name: in.AdminName, PasswordHash: unknownHash,
		Role: models.RoleCustomerAdmin, Locale: "en", TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&admin).Error; err != nil {
		if uniqueViolation(err, "users_email_key") {
			return c, admin, inv, "", errAdminEmailTaken()
		}
		return c, admin, inv, "", fmt.Errorf("create customer admin: %w", err)
	}
	token = newToken()
	inv = models.UserInvitation{UserID: admin.ID, TokenHash: hashToken(token), ExpiresAt: now.Add(models.InvitationValidity), CreatedAt: now}
	if err := tx.Create(&inv).Error; err != nil {
		return c, admin, inv, "", fmt.Errorf("create invitation: %w", err)
	}
	return c, admin, inv, token, nil
}

// createRedeemedSubscription creates the keys' subscription with this
// console as partner of record, and assigns the administrator a licence.
func createRedeemedSubscription(tx *gorm.DB, f redemptionFacts, customerID, adminID int64, now time.Time) (models.Subscription, error) {
	consoleID := f.Console.ID
	sub := models.Subscription{CustomerID: customerID, ConsoleID: &consoleID, ProductID: f.Plan.ProductID, Quantity: f.Plan.Seats,
		Plan: f.Plan.Plan, Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
		StartDate: f.Plan.Start, EndDate: f.Plan.End, RenewalOption: models.RenewManually, DistributorName: f.Console.DistributorName,
		CreatedAt: now, UpdatedAt: now}
	if err := tx.Omit("Product").Create(&sub).Error; err != nil {
		return sub, fmt.Errorf("create subscription: %w", err)
	}
	if err := tx.Exec("UPDATE subscriptions SET partner_of_record_console_id = ? WHERE id = ?", consoleID, sub.ID).Error; err != nil {
		return sub, fmt.Errorf("record partner of record: %w", err)
	}
	if err := tx.Exec("INSERT INTO licence_assignments (subscription_id, user_id, assigned_at) VALUES (?, ?, ?)", sub.ID, adminID, now).Error; err != nil {
		return sub, fmt.Errorf("assign licence: %w", err)
	}
	return sub, nil
}

// tenantDomain is the entered domain, or the first free domain derived
// from the organisation name.
func tenantDomain(tx *gorm.DB, in models.AccountInput) (string, error) {
	if in.Domain != "" {
		d, _ := models.NormalizeDomain(in.Domain)
		var n int64
		if err := tx.Table("customers").Where(`(domain COLLATE "C") = ?`, d).Count(&n).Error; err != nil {
			return "", fmt.Errorf("check domain: %w", err)
		}
		if n > 0 {
			return "", errDomainTaken()
		}
		return d, nil
	}
	derived := models.DeriveTenantDomain(in.OrgName)
	for i := 0; i < 100; i++ {
		d := models.TenantDomainCandidate(derived, i)
		var n int64
		if err := tx.Table("customers").Where(`(domain COLLATE "C") = ?`, d).Count(&n).Error; err != nil {
			return "", fmt.Errorf("check domain: %w", err)
		}
		if n == 0 {
			return d, nil
		}
	}
	return "", errDomainTaken()
}

// ---- Invitations ----

// InvitationView is what the set-password page shows.
type InvitationView struct {
	Name, Email, OrgName string
}

func loadInvitation(tx *gorm.DB, token string, lock bool) (models.UserInvitation, error) {
	var inv models.UserInvitation
	q := tx
	if lock {
		q = forUpdate(tx)
	}
	err := q.Where("token_hash = ?", hashToken(token)).Take(&inv).Error
	return inv, notFound(err)
}

// Invitation opens an invitation link: not found when unknown; a conflict
// saying so when used or expired.
func (s *Store) Invitation(ctx context.Context, token string) (InvitationView, error) {
	var v InvitationView
	db := s.db.WithContext(ctx)
	inv, err := loadInvitation(db, token, false)
	if err != nil {
		return v, err
	}
	if err := models.CheckInvitation(inv, s.Now()); err != nil {
		return v, err
	}
	err = db.Raw(`SELECT u.name, u.email, coalesce(c.name, '') AS org_name FROM users u LEFT JOIN customers c ON c.id = u.organisation_id
WHERE u.id = ?`, inv.UserID).Scan(&v).Error
	return v, err
}

// AcceptInvitation sets the invited user's password (argon2id) and uses
// the link up.
func (s *Store) AcceptInvitation(ctx context.Context, token string, in models.SetPasswordInput, ip string) (models.User, error) {
	var u models.User
	if err := in.Validate(); err != nil {
		// An unknown or dead link answers as such before any field message.
		if _, lerr := s.Invitation(ctx, token); lerr != nil {
			return u, lerr
		}
		return u, err
	}
	hash, err := models.HashPassword(in.Password)
	if err != nil {
		return u, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		inv, err := loadInvitation(tx, token, true)
		if err != nil {
			return err
		}
		if err := models.CheckInvitation(inv, now); err != nil {
			return err
		}
		if err := forUpdate(tx).Where("id = ? AND disabled_at IS NULL", inv.UserID).Take(&u).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Model(&u).Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if err := tx.Model(&inv).Update("used_at", now).Error; err != nil {
			return fmt.Errorf("use invitation: %w", err)
		}
		actor := actorOf(u, ip)
		return audit(tx, auditEntry{Actor: actor, At: now, Action: "user.invitation_accepted", RecordType: "user", RecordID: u.ID,
			Orgs: []int64{u.OrganisationID}})
	})
	return u, err
}

// ---- Renew with a product key ----

// RenewWithKey renews an Office 365 subscription with a key of its product
// (R-PK-4): the end date moves on by the key's term and an expired or
// disabled subscription is active again, in the same UPDATE; the key is
// used. Audited as subscription.renewed_by_key.
func (s *Store) RenewWithKey(ctx context.Context, a models.Actor, subID int64, typed string) (models.Subscription, error) {
	var sub models.Subscription
	if err := canRedeem(a); err != nil {
		return sub, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Where("id = ? AND (console_id = ? OR partner_of_record_console_id = ?)", subID, a.OrgID, a.OrgID).
			Take(&sub).Error; err != nil {
			return notFound(err)
		}
		var family models.ProductFamily
		if err := tx.Raw("SELECT family FROM products WHERE id = ?", sub.ProductID).Scan(&family).Error; err != nil {
			return fmt.Errorf("load product: %w", err)
		}
		key, ok := models.NormalizeO365Key(typed)
		if !ok {
			if family != models.FamilyOffice365 {
				return models.CheckRenewalKey(models.RenewalKeyFacts{Sub: sub, Family: family})
			}
			e := models.ErrKeyFormat()
			e.Field = "key"
			return e
		}
		var card models.KeyCard
		var found *models.KeyCard
		err := forUpdate(tx).Where("key_hash = ?", o365KeyHash(key)).Take(&card).Error
		switch {
		case err == nil:
			found = &card
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("look up product key: %w", err)
		}
		if err := models.CheckRenewalKey(models.RenewalKeyFacts{Sub: sub, Family: family, Card: found, ConsoleID: a.OrgID, Now: now}); err != nil {
			return err
		}
		before := map[string]any{"end_date": sub.EndDate.Format("2006-01-02"), "status": sub.Status}
		end := models.RenewedEnd(sub.EndDate, card.TermMonths)
		if err := tx.Raw(`UPDATE subscriptions SET end_date = ?::date,
    status = CASE WHEN status IN ('expired', 'disabled') THEN 'active' ELSE status END,
    updated_at = ? WHERE id = ? RETURNING status`, end.Format("2006-01-02"), now, sub.ID).Scan(&sub.Status).Error; err != nil {
			return fmt.Errorf("renew subscription %d: %w", sub.ID, err)
		}
		sub.EndDate, sub.UpdatedAt = end, now
		if err := tx.Model(&models.KeyCard{}).Where("id = ?", card.ID).Updates(map[string]any{"state": models.KeyUsed, "used_at": now,
			"used_for_subscription_id": sub.ID, "reserved_draft_id": nil, "reserved_until": nil}).Error; err != nil {
			return fmt.Errorf("mark key used: %w", err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.renewed_by_key", RecordType: "subscription", RecordID: sub.ID,
			Before: before, After: map[string]any{"end_date": end.Format("2006-01-02"), "status": sub.Status, "key": card.KeyLast5,
				"term_months": card.TermMonths}, Orgs: []int64{a.OrgID, sub.CustomerID}})
	})
	return sub, err
}

// queueInvitationMail queues the email that carries an invitation's
// set-password link (never an in-app notice: the person cannot sign in yet).
func queueInvitationMail(tx *gorm.DB, u models.User, org, partner, token string, now time.Time) error {
	if err := tx.Create(&models.OutboxMessage{UserID: &u.ID, ToEmail: u.Email, ToName: u.Name, Locale: u.Locale,
		Kind: models.NoticeGeneral, Title: "You are the administrator of {{.Org}}",
		Body: "{{.Partner}} set up Office 365 for {{.Org}} and made you its administrator. Set your password with the link below; it works once and expires in 7 days.",
		Args: models.ArgsFromPairs([]any{"Org", org, "Partner", partner}).JSON(), Link: "/invitations/" + token,
		Status: models.OutboxQueued, NextAttemptAt: now, CreatedAt: now}).Error; err != nil {
		return fmt.Errorf("queue invitation email: %w", err)
	}
	return nil
}
