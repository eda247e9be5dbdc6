package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/models/payments"
)

// processor is the card processor the console is configured with; the
// built-in test mode when none was set (local mode and tests).
func (s *Store) processor() payments.Processor {
	if s.Payments != nil {
		return s.Payments
	}
	return payments.TestProcessor{}
}

// payerRoles are the roles told about payments of an account's owner.
func payerRoles() []models.Role {
	return []models.Role{models.RoleSuperAdmin, models.RoleCustomerAdmin, models.RoleCustomerBilling}
}

// requirePayAccess: the payment pages are for the console's super_admin and
// a direct customer's admin and billing users; the store checks the
// permission, the tenant is checked when the account is loaded.
func requirePayAccess(a models.Actor, perms ...models.Permission) error {
	if a.OrgKind != models.OrgConsole && a.OrgKind != models.OrgCustomer {
		return models.Forbidden()
	}
	for _, p := range perms {
		if a.Can(p) {
			return nil
		}
	}
	return models.Forbidden()
}

// payAccountQuery selects billing accounts the actor may see (alias ba).
func payAccountQuery(tx *gorm.DB, a models.Actor) *gorm.DB {
	return billingAccountScope(tx.Table("billing_accounts AS ba").
		Select("ba.id, ba.console_id, ba.customer_id, ba.name, ba.currency, ba.suspend_after_days"), a)
}

// loadPayAccount loads one of the actor's billing accounts; with lock, the
// row is locked FOR UPDATE: every payment and card change of an account is
// serialised on it. A foreign or unknown id is not_found.
func loadPayAccount(tx *gorm.DB, a models.Actor, id int64, lock bool) (models.PayAccount, error) {
	var acc models.PayAccount
	q := payAccountQuery(tx, a).Where("ba.id = ?", id)
	if lock {
		q = forUpdate(q)
	}
	if err := q.Take(&acc).Error; err != nil {
		return acc, notFound(err)
	}
	return acc, nil
}

// lockAccountByID locks a billing account for the jobs (no actor).
func lockAccountByID(tx *gorm.DB, id int64) (models.PayAccount, error) {
	var acc models.PayAccount
	err := forUpdate(tx.Table("billing_accounts").Select("id, console_id, customer_id, name, currency, suspend_after_days")).
		Where("id = ?", id).Take(&acc).Error
	return acc, notFound(err)
}

// PayAccounts lists the billing accounts the actor may pay for.
func (s *Store) PayAccounts(ctx context.Context, a models.Actor) ([]models.PayAccount, error) {
	if err := requirePayAccess(a, models.PermBillingPay, models.PermPaymentMethods); err != nil {
		return nil, err
	}
	var out []models.PayAccount
	if err := payAccountQuery(s.db.WithContext(ctx), a).Order("ba.name, ba.id").Limit(100).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list billing accounts: %w", err)
	}
	return out, nil
}

// BillingOverview is the payment page of a billing account: its cards,
// balance due, minimum payment, unused credits and recent payments. With
// accountID 0, the actor's first account.
func (s *Store) BillingOverview(ctx context.Context, a models.Actor, accountID int64) (models.BillingOverview, error) {
	var o models.BillingOverview
	accs, err := s.PayAccounts(ctx, a)
	if err != nil {
		return o, err
	}
	o.Accounts = accs
	if accountID == 0 {
		if len(accs) == 0 {
			return o, models.NotFound()
		}
		accountID = accs[0].ID
	}
	db := s.db.WithContext(ctx)
	if o.Account, err = loadPayAccount(db, a, accountID, false); err != nil {
		return o, err
	}
	if o.Methods, err = activeMethods(db, accountID, false); err != nil {
		return o, err
	}
	if o.BalanceDueMinor, err = balanceDue(db, accountID); err != nil {
		return o, fmt.Errorf("balance due: %w", err)
	}
	o.MinimumMinor = money.MinimumPayment(o.Account.Currency)
	if err := db.Raw("SELECT COALESCE(SUM(remaining_minor), 0) FROM credits WHERE billing_account_id = ?", accountID).Scan(&o.CreditMinor).Error; err != nil {
		return o, fmt.Errorf("credits: %w", err)
	}
	if err := db.Where("billing_account_id = ?", accountID).Order("created_at DESC, id DESC").Limit(10).Find(&o.Payments).Error; err != nil {
		return o, fmt.Errorf("recent payments: %w", err)
	}
	var n int64
	if err := db.Table("subscriptions").Where("billing_account_id = ? AND ? = ANY(suspension_reasons)", accountID, string(models.SuspendNonPayment)).Count(&n).Error; err != nil {
		return o, fmt.Errorf("suspended subscriptions: %w", err)
	}
	o.Suspended = int(n)
	return o, nil
}

func activeMethods(tx *gorm.DB, accountID int64, lock bool) ([]models.PaymentMethod, error) {
	q := tx.Where("billing_account_id = ? AND removed_at IS NULL", accountID)
	if lock {
		q = forUpdate(q)
	}
	var ms []models.PaymentMethod
	if err := q.Order("is_primary DESC, created_at DESC, id DESC").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("payment methods: %w", err)
	}
	return ms, nil
}

func cardsOnFile(ms []models.PaymentMethod) []models.CardOnFile {
	out := make([]models.CardOnFile, 0, len(ms))
	for _, m := range ms {
		out = append(out, models.CardOnFile{ID: m.ID, IsPrimary: m.IsPrimary, ExpMonth: m.ExpMonth, ExpYear: m.ExpYear, CreatedAt: m.CreatedAt})
	}
	return out
}

// cardAudit is what the audit log keeps of a card: never the token or the
// number.
func cardAudit(m models.PaymentMethod) map[string]any {
	return map[string]any{"brand": m.Brand, "last4": m.Last4, "exp_month": m.ExpMonth, "exp_year": m.ExpYear, "is_primary": m.IsPrimary}
}

// tokenize validates a typed card and hands it to the processor; a card
// the processor refuses is a message on the card number field.
func (s *Store) tokenize(ctx context.Context, in *models.CardInput, now time.Time) (payments.CardInfo, error) {
	if err := in.Validate(now); err != nil {
		return payments.CardInfo{}, err
	}
	info, err := s.processor().Tokenize(ctx, payments.Card{Number: in.Number, ExpMonth: in.ExpMonth, ExpYear: in.ExpYear, Name: in.Name})
	var ref *payments.Refusal
	if errors.As(err, &ref) {
		return info, &models.Error{Code: models.CodeInvalid, Field: "card_number", Message: ref.Reason}
	}
	if err != nil {
		return info, fmt.Errorf("tokenise card: %w", err)
	}
	return info, nil
}

// insertCard writes a tokenised card on a locked account, as primary when
// the rules say so, with its audit event.
func insertCard(tx *gorm.DB, a models.Actor, acc models.PayAccount, processor string, info payments.CardInfo, makePrimary bool, now time.Time) (models.PaymentMethod, error) {
	ms, err := activeMethods(tx, acc.ID, true)
	if err != nil {
		return models.PaymentMethod{}, err
	}
	m := models.PaymentMethod{BillingAccountID: acc.ID, Processor: processor, Token: info.Token, Brand: info.Brand, Last4: info.Last4,
		ExpMonth: info.ExpMonth, ExpYear: info.ExpYear, IsPrimary: models.PrimaryAfterAdd(cardsOnFile(ms), makePrimary), CreatedAt: now}
	if m.IsPrimary {
		if err := tx.Model(&models.PaymentMethod{}).Where("billing_account_id = ? AND removed_at IS NULL AND is_primary", acc.ID).
			Update("is_primary", false).Error; err != nil {
			return m, fmt.Errorf("unset primary card: %w", err)
		}
	}
	if err := tx.Create(&m).Error; err != nil {
		return m, fmt.Errorf("add card: %w", err)
	}
	return m, audit(tx, auditEntry{Actor: a, At: now, Action: "payment_method.added", RecordType: "payment_method", RecordID: m.ID,
		After: cardAudit(m), Orgs: []int64{acc.Owner()}})
}

// AddPaymentMethod adds a card to a billing account (R-PAY-1). The number
// goes to the processor only: the console keeps its token, brand, last 4
// and expiry.
func (s *Store) AddPaymentMethod(ctx context.Context, a models.Actor, accountID int64, in models.CardInput) (models.PaymentMethod, error) {
	var m models.PaymentMethod
	if err := requirePayAccess(a, models.PermPaymentMethods, models.PermBillingPay); err != nil {
		return m, err
	}
	if _, err := loadPayAccount(s.db.WithContext(ctx), a, accountID, false); err != nil {
		return m, err
	}
	info, err := s.tokenize(ctx, &in, s.Now())
	if err != nil {
		return m, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := loadPayAccount(tx, a, accountID, true)
		if err != nil {
			return err
		}
		if m, err = insertCard(tx, a, acc, s.processor().Name(), info, in.MakePrimary, now); err != nil {
			return err
		}
		return notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Title: "A card was added to {{.Account}}",
			Body: "{{.Brand}} ending {{.Last4}} was added by {{.Actor}}.", Args: []any{"Account", acc.Name, "Brand", m.Brand, "Last4", m.Last4, "Actor", a.Name}})
	})
	return m, err
}

// lockMethod locks one live card of a locked account.
func lockMethod(tx *gorm.DB, accountID, id int64) (models.PaymentMethod, error) {
	var m models.PaymentMethod
	err := forUpdate(tx).Where("id = ? AND billing_account_id = ? AND removed_at IS NULL", id, accountID).Take(&m).Error
	return m, notFound(err)
}

// ChangeCardExpiry records a card's new expiry date (a renewed card keeps
// its number).
func (s *Store) ChangeCardExpiry(ctx context.Context, a models.Actor, accountID, id int64, month, year int) error {
	if err := requirePayAccess(a, models.PermPaymentMethods); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := loadPayAccount(tx, a, accountID, true)
		if err != nil {
			return err
		}
		m, err := lockMethod(tx, acc.ID, id)
		if err != nil {
			return err
		}
		if year > 0 && year < 100 {
			year += 2000
		}
		if err := models.CardExpiry(month, year, now); err != nil {
			return err
		}
		before := cardAudit(m)
		m.ExpMonth, m.ExpYear = month, year
		if err := tx.Model(&m).Updates(map[string]any{"exp_month": month, "exp_year": year}).Error; err != nil {
			return fmt.Errorf("change card expiry: %w", err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "payment_method.expiry_changed", RecordType: "payment_method", RecordID: m.ID,
			Before: before, After: cardAudit(m), Orgs: []int64{acc.Owner()}})
	})
}

// MakePrimaryPaymentMethod makes a card the one automatic payments charge.
func (s *Store) MakePrimaryPaymentMethod(ctx context.Context, a models.Actor, accountID, id int64) error {
	if err := requirePayAccess(a, models.PermPaymentMethods); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := loadPayAccount(tx, a, accountID, true)
		if err != nil {
			return err
		}
		m, err := lockMethod(tx, acc.ID, id)
		if err != nil {
			return err
		}
		if m.IsPrimary {
			return nil
		}
		if err := tx.Model(&models.PaymentMethod{}).Where("billing_account_id = ? AND removed_at IS NULL AND is_primary", acc.ID).
			Update("is_primary", false).Error; err != nil {
			return fmt.Errorf("unset primary card: %w", err)
		}
		if err := tx.Model(&m).Update("is_primary", true).Error; err != nil {
			return fmt.Errorf("set primary card: %w", err)
		}
		m.IsPrimary = true
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "payment_method.made_primary", RecordType: "payment_method", RecordID: m.ID,
			After: cardAudit(m), Orgs: []int64{acc.Owner()}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Title: "The primary card of {{.Account}} changed",
			Body: "Automatic payments now charge {{.Brand}} ending {{.Last4}}.", Args: []any{"Account", acc.Name, "Brand", m.Brand, "Last4", m.Last4}})
	})
}

// RemovePaymentMethod removes a card: not the last one while a balance is
// due (R-PAY-1). When the primary goes, the newest valid card takes over.
func (s *Store) RemovePaymentMethod(ctx context.Context, a models.Actor, accountID, id int64) error {
	if err := requirePayAccess(a, models.PermPaymentMethods); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := loadPayAccount(tx, a, accountID, true)
		if err != nil {
			return err
		}
		m, err := lockMethod(tx, acc.ID, id)
		if err != nil {
			return err
		}
		ms, err := activeMethods(tx, acc.ID, true)
		if err != nil {
			return err
		}
		due, err := balanceDue(tx, acc.ID)
		if err != nil {
			return fmt.Errorf("balance due: %w", err)
		}
		if err := models.CheckRemovePaymentMethod(len(ms), due); err != nil {
			return err
		}
		next := models.PrimaryAfterRemove(cardsOnFile(ms), m.ID, now)
		if err := tx.Model(&m).Updates(map[string]any{"removed_at": now, "is_primary": false}).Error; err != nil {
			return fmt.Errorf("remove card: %w", err)
		}
		if next != 0 {
			if err := tx.Model(&models.PaymentMethod{}).Where("id = ?", next).Update("is_primary", true).Error; err != nil {
				return fmt.Errorf("promote card: %w", err)
			}
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "payment_method.removed", RecordType: "payment_method", RecordID: m.ID,
			Before: cardAudit(m), After: map[string]any{"removed_at": now, "new_primary_id": next}, Orgs: []int64{acc.Owner()}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Title: "A card was removed from {{.Account}}",
			Body: "{{.Brand}} ending {{.Last4}} was removed by {{.Actor}}.", Args: []any{"Account", acc.Name, "Brand", m.Brand, "Last4", m.Last4, "Actor", a.Name}})
	})
}
