package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/models/payments"
)

// PayBalance is "Régler le solde restant dû" (seed 004, R-PAY-2): charge
// the chosen card, or a new one typed in the same form, for the amount
// typed. One submission is one payment: the form's hidden idempotency key
// is the payment's unique key and the processor's; a double click, a
// retried POST or many parallel posts of one form take one payment (the
// later ones find it and answer with it, Replayed). The account row is
// locked while the processor is asked, so payments and automatic charges
// of one account are serialised; the processor's own idempotency keeps a
// charge single even when the transaction then fails. A declined card
// changes nothing and its reason goes on the field. The payment goes to
// the open invoices, oldest first; what is left becomes an over_payment
// credit applied to the next invoice; when nothing is overdue any more,
// the subscriptions suspended for non-payment are active again at once.
func (s *Store) PayBalance(ctx context.Context, a models.Actor, accountID int64, in models.PaymentInput) (models.PaymentReceipt, error) {
	var r models.PaymentReceipt
	if err := requirePayAccess(a, models.PermBillingPay); err != nil {
		return r, err
	}
	db := s.db.WithContext(ctx)
	acc, err := loadPayAccount(db, a, accountID, false)
	if err != nil {
		return r, err
	}
	if err := models.CheckIdempotencyKey(in.Key); err != nil {
		return r, err
	}
	key := "manual:" + in.Key
	if done, ok, err := paymentByKey(db, acc.ID, key); err != nil || ok {
		return done, err
	}
	amount, card, err := s.checkPayment(ctx, acc.Currency, in)
	if err != nil {
		return r, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := loadPayAccount(tx, a, accountID, true)
		if err != nil {
			return err
		}
		// A submission that lost the race to the lock finds the payment
		// the first one made.
		if done, ok, err := paymentByKey(tx, acc.ID, key); err != nil || ok {
			r = done
			return err
		}
		m, res, err := s.chargeForPayment(ctx, tx, a, acc, in, card, amount, key, now)
		if err != nil {
			return err
		}
		uid := a.UserID
		p := models.Payment{BillingAccountID: acc.ID, PaymentMethodID: &m.ID, AmountMinor: amount, Currency: acc.Currency,
			Kind: models.PaymentManual, State: models.PaymentSucceeded, ProcessorRef: res.Ref, IdempotencyKey: key, CreatedAt: now}
		if uid != 0 {
			p.CreatedBy = &uid
		}
		r, err = s.recordPayment(tx, a, acc, p, now)
		return err
	})
	return r, err
}

// checkPayment checks a payment form — the amount in the account's
// currency, at least the minimum, and a saved card or a valid new one —
// with every field's message at once, and tokenizes a new card.
func (s *Store) checkPayment(ctx context.Context, currency string, in models.PaymentInput) (int64, payments.CardInfo, error) {
	var card payments.CardInfo
	amount, err := models.ParsePaymentAmount(in.Amount, currency)
	if err == nil {
		err = models.CheckPaymentAmount(amount, money.MinimumPayment(currency))
	}
	fe := models.FieldErrors{}
	if f, ok := models.AsValidation(err); ok {
		for k, v := range f {
			fe.Add(k, v)
		}
	} else if err != nil {
		return 0, card, err
	}
	if in.NewCard != nil {
		if err := in.NewCard.Validate(s.Now()); err != nil {
			f, _ := models.AsValidation(err)
			for k, v := range f {
				fe.Add(k, v)
			}
		}
	} else if in.MethodID == 0 {
		fe.Add("payment_method_id", "Choose a card or add a new one.")
	}
	if err := fe.Err(); err != nil {
		return 0, card, err
	}
	if in.NewCard != nil {
		if card, err = s.tokenize(ctx, in.NewCard, s.Now()); err != nil {
			return 0, card, err
		}
	}
	return amount, card, nil
}

// chargeForPayment takes the payment's card (the new one, saved in the
// transaction, or a saved one locked) and charges it under the payment's
// idempotency key. A declined charge is a message on the card's field.
func (s *Store) chargeForPayment(ctx context.Context, tx *gorm.DB, a models.Actor, acc models.PayAccount, in models.PaymentInput,
	card payments.CardInfo, amount int64, key string, now time.Time) (models.PaymentMethod, payments.ChargeResult, error) {
	var m models.PaymentMethod
	var err error
	if in.NewCard != nil {
		if m, err = insertCard(tx, a, acc, s.processor().Name(), card, in.NewCard.MakePrimary, now); err != nil {
			return m, payments.ChargeResult{}, err
		}
	} else if m, err = lockMethod(tx, acc.ID, in.MethodID); err != nil {
		if models.ErrorCode(err) == models.CodeNotFound {
			err = &models.Error{Code: models.CodeInvalid, Field: "payment_method_id", Message: "Choose a card or add a new one."}
		}
		return m, payments.ChargeResult{}, err
	}
	res, err := s.processor().Charge(ctx, payments.ChargeRequest{Token: m.Token, AmountMinor: amount, Currency: acc.Currency, IdempotencyKey: key})
	if err != nil {
		return m, res, fmt.Errorf("charge card: %w", err)
	}
	if res.Outcome != payments.Succeeded {
		// Nothing is taken and nothing changes (a new card typed in this
		// form is not kept either); the reason goes on the field.
		field := "payment_method_id"
		if in.NewCard != nil {
			field = "card_number"
		}
		return m, res, &models.Error{Code: models.CodeInvalid, Field: field, Message: res.Reason}
	}
	return m, res, nil
}

// paymentByKey finds the payment an idempotency key already made on the
// account, with what it did.
func paymentByKey(tx *gorm.DB, accountID int64, key string) (models.PaymentReceipt, bool, error) {
	var ps []models.Payment
	if err := tx.Where("idempotency_key = ?", key).Limit(1).Find(&ps).Error; err != nil {
		return models.PaymentReceipt{}, false, fmt.Errorf("find payment: %w", err)
	}
	if len(ps) == 0 {
		return models.PaymentReceipt{}, false, nil
	}
	p := ps[0]
	if p.BillingAccountID != accountID {
		return models.PaymentReceipt{}, false, &models.Error{Code: models.CodeConflict, Field: "_form", Message: "This form has expired: reload the page and try again."}
	}
	r := models.PaymentReceipt{Payment: p, Replayed: true}
	if err := tx.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM payment_allocations WHERE payment_id = ?", p.ID).Scan(&r.AllocatedMinor).Error; err != nil {
		return r, false, fmt.Errorf("payment allocations: %w", err)
	}
	if p.State == models.PaymentSucceeded {
		r.OverPaidMinor = models.OverPayment(p.AmountMinor, r.AllocatedMinor)
	}
	return r, true, nil
}

// recordPayment writes a succeeded payment on a locked account: allocated
// to the open invoices, the rest credited as an over-payment, the
// non-payment suspension lifted when nothing is overdue any more; audited
// and told to the payer.
func (s *Store) recordPayment(tx *gorm.DB, a models.Actor, acc models.PayAccount, p models.Payment, now time.Time) (models.PaymentReceipt, error) {
	r := models.PaymentReceipt{}
	if err := tx.Create(&p).Error; err != nil {
		return r, fmt.Errorf("record payment: %w", err)
	}
	left, err := allocatePayment(tx, acc.ID, p.ID, p.AmountMinor)
	if err != nil {
		return r, err
	}
	r.Payment, r.AllocatedMinor, r.OverPaidMinor = p, p.AmountMinor-left, models.OverPayment(p.AmountMinor, p.AmountMinor-left)
	if r.OverPaidMinor > 0 {
		k := "overpay:" + p.IdempotencyKey
		if err := addCredit(tx, models.Credit{BillingAccountID: acc.ID, AmountMinor: r.OverPaidMinor, Currency: acc.Currency,
			Reason: fmt.Sprintf("Over-payment of payment #%d", p.ID), Source: models.CreditOverPayment, CreatedBy: p.CreatedBy,
			CreatedAt: now, IdempotencyKey: &k}); err != nil {
			return r, err
		}
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "payment." + string(p.Kind), RecordType: "payment", RecordID: p.ID,
		After: map[string]any{"amount_minor": p.AmountMinor, "currency": p.Currency, "allocated_minor": r.AllocatedMinor,
			"over_payment_minor": r.OverPaidMinor, "payment_method_id": p.PaymentMethodID, "processor_ref": p.ProcessorRef},
		Orgs: []int64{acc.Owner()}}); err != nil {
		return r, err
	}
	if r.Reactivated, err = liftNonPayment(tx, a, acc, now); err != nil {
		return r, err
	}
	return r, notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Title: "Payment received for {{.Account}}",
		Body: "{{.Amount}} was charged to the card ending {{.Last4}}.", Args: []any{"Account", acc.Name,
			"Amount", money.Format(p.AmountMinor, p.Currency), "Last4", cardLast4(tx, p.PaymentMethodID)}})
}

func cardLast4(tx *gorm.DB, id *int64) string {
	if id == nil {
		return ""
	}
	var l string
	_ = tx.Raw("SELECT last4 FROM payment_methods WHERE id = ?", *id).Scan(&l).Error
	return l
}

// stillOverdue tells whether an open invoice of the account is past its
// non-payment delay at now (R-LIC-4).
func stillOverdue(tx *gorm.DB, acc models.PayAccount, now time.Time) (bool, error) {
	var dues []time.Time
	if err := tx.Table("invoices").Where("billing_account_id = ? AND state = 'open' AND total_minor > paid_minor", acc.ID).
		Pluck("due_on", &dues).Error; err != nil {
		return false, fmt.Errorf("overdue invoices: %w", err)
	}
	for _, d := range dues {
		if models.Overdue(d, acc.SuspendAfterDays, now) {
			return true, nil
		}
	}
	return false, nil
}

// accountSubscriptions locks the subscriptions billed to an account.
func accountSubscriptions(tx *gorm.DB, accountID int64, cond string, args ...any) ([]models.Subscription, error) {
	var subs []models.Subscription
	q := forUpdate(tx).Where("billing_account_id = ?", accountID)
	if cond != "" {
		q = q.Where(cond, args...)
	}
	if err := q.Order("id").Find(&subs).Error; err != nil {
		return nil, fmt.Errorf("load subscriptions: %w", err)
	}
	return subs, nil
}

func writeSubChange(tx *gorm.DB, a models.Actor, ch models.SubChange, action string, now time.Time) error {
	sub := ch.After
	if err := tx.Model(&sub).Updates(map[string]any{"status": sub.Status, "suspension_reasons": sub.SuspensionReasons, "updated_at": now}).Error; err != nil {
		return fmt.Errorf("%s subscription %d: %w", action, sub.ID, err)
	}
	orgs := []int64{sub.CustomerID}
	if sub.ConsoleID != nil {
		orgs = append(orgs, *sub.ConsoleID)
	}
	return audit(tx, auditEntry{Actor: a, At: now, Action: "subscription." + action, RecordType: "subscription", RecordID: sub.ID,
		Before: subAudit(ch.Before), After: subAudit(sub), Orgs: orgs})
}

// liftNonPayment reactivates, at once, the account's subscriptions
// suspended for non-payment when no invoice is overdue any more.
func liftNonPayment(tx *gorm.DB, a models.Actor, acc models.PayAccount, now time.Time) (int, error) {
	subs, err := accountSubscriptions(tx, acc.ID, "? = ANY(suspension_reasons)", string(models.SuspendNonPayment))
	if err != nil || len(subs) == 0 {
		return 0, err
	}
	overdue, err := stillOverdue(tx, acc, now)
	if err != nil {
		return 0, err
	}
	changes := models.LiftNonPayment(subs, overdue, now)
	for _, ch := range changes {
		if err := writeSubChange(tx, a, ch, "reactivated", now); err != nil {
			return 0, err
		}
	}
	if len(changes) > 0 {
		if err := notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Kind: models.NoticeSuspension,
			Title: "Subscriptions of {{.Account}} are active again",
			Body:  "The payment was received: {{.N}} subscription(s) suspended for non-payment are active again.", Args: []any{"Account", acc.Name, "N", len(changes)}}); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// systemActor is who the payment jobs act as in the audit log.
func systemActor() models.Actor { return models.System() }

// ChargeDueInvoices is the automatic payment (R-PAY-1): every open invoice
// whose due date has come and that has no automatic charge yet is charged
// to its account's primary card. It returns the number of charges made.
func (s *Store) ChargeDueInvoices(ctx context.Context) (int, error) {
	return s.autoCharge(ctx, false)
}

// RetryFailedCharges retries, hourly, the automatic charge of invoices
// whose last attempt was declined or could not be completed, with the
// account's current primary card: a payer who fixed the card is charged
// here, and that reactivates subscriptions suspended for non-payment.
func (s *Store) RetryFailedCharges(ctx context.Context) (int, error) {
	return s.autoCharge(ctx, true)
}

type dueInvoice struct {
	ID               int64
	BillingAccountID int64
	Attempts         int
	LastState        string
	LastAt           *time.Time
}

func (s *Store) autoCharge(ctx context.Context, retry bool) (int, error) {
	now := s.Now()
	var due []dueInvoice
	err := s.db.WithContext(ctx).Raw(`
SELECT i.id, i.billing_account_id,
  (SELECT count(*) FROM payments p WHERE p.idempotency_key LIKE 'auto:' || i.id || ':%') AS attempts,
  (SELECT p.state FROM payments p WHERE p.idempotency_key LIKE 'auto:' || i.id || ':%' ORDER BY p.id DESC LIMIT 1) AS last_state,
  (SELECT p.created_at FROM payments p WHERE p.idempotency_key LIKE 'auto:' || i.id || ':%' ORDER BY p.id DESC LIMIT 1) AS last_at
FROM invoices i
WHERE i.state = 'open' AND i.total_minor > i.paid_minor AND i.due_on <= ?
  AND EXISTS (SELECT 1 FROM payment_methods m WHERE m.billing_account_id = i.billing_account_id AND m.is_primary AND m.removed_at IS NULL)
ORDER BY i.due_on, i.id LIMIT 500`, models.Day(now)).Scan(&due).Error
	if err != nil {
		return 0, fmt.Errorf("invoices due: %w", err)
	}
	n := 0
	for _, d := range due {
		if !retry && d.Attempts > 0 {
			continue
		}
		if retry && (d.Attempts == 0 || d.LastState == string(models.PaymentSucceeded) || d.Attempts >= models.MaxChargeAttempts ||
			d.LastAt != nil && now.Sub(*d.LastAt) < 55*time.Minute) {
			continue
		}
		ok, err := s.chargeInvoice(ctx, d.BillingAccountID, d.ID, d.Attempts+1)
		if err != nil {
			return n, fmt.Errorf("charge invoice %d: %w", d.ID, err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// chargeInvoice makes one automatic charge attempt on an invoice; the key
// names the invoice and the attempt, so two runners never charge twice.
func (s *Store) chargeInvoice(ctx context.Context, accountID, invoiceID int64, attempt int) (bool, error) {
	charged := false
	a := systemActor()
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := lockAccountByID(tx, accountID)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("auto:%d:%d", invoiceID, attempt)
		if _, ok, err := paymentByKey(tx, acc.ID, key); err != nil || ok {
			return err
		}
		var inv models.Invoice
		if err := tx.Where("id = ?", invoiceID).Take(&inv).Error; err != nil {
			return fmt.Errorf("load invoice: %w", err)
		}
		amount := models.AutoChargeAmount(inv.TotalMinor, inv.PaidMinor)
		if inv.State != models.InvoiceOpen || amount == 0 {
			return nil
		}
		var m models.PaymentMethod
		if err := tx.Where("billing_account_id = ? AND is_primary AND removed_at IS NULL", acc.ID).Take(&m).Error; err != nil {
			return notFound(err)
		}
		res, err := s.processor().Charge(ctx, payments.ChargeRequest{Token: m.Token, AmountMinor: amount, Currency: inv.Currency, IdempotencyKey: key})
		if err != nil {
			return fmt.Errorf("charge card: %w", err)
		}
		p := models.Payment{BillingAccountID: acc.ID, PaymentMethodID: &m.ID, AmountMinor: amount, Currency: inv.Currency,
			Kind: models.PaymentAutomatic, State: models.PaymentState(res.Outcome), ProcessorRef: res.Ref, DeclineReason: res.Reason,
			IdempotencyKey: key, CreatedAt: now}
		if res.Outcome == payments.Succeeded {
			charged = true
			_, err := s.recordPayment(tx, a, acc, p, now)
			return err
		}
		if err := tx.Create(&p).Error; err != nil {
			return fmt.Errorf("record declined payment: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "payment.automatic_failed", RecordType: "payment", RecordID: p.ID,
			After: map[string]any{"amount_minor": p.AmountMinor, "currency": p.Currency, "state": p.State, "reason": p.DeclineReason, "invoice_id": invoiceID},
			Orgs:  []int64{acc.Owner()}}); err != nil {
			return err
		}
		if attempt > 1 {
			return nil // told once, on the first failure
		}
		return notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Title: "Automatic payment of invoice {{.Number}} failed",
			Body: "The card ending {{.Last4}} was not charged {{.Amount}}: {{.Reason}} We will try again; you can also pay the balance or change the card.",
			Args: []any{"Number", inv.Number, "Last4", m.Last4, "Amount", money.Format(amount, inv.Currency), "Reason", res.Reason}, Link: billingLink(acc)})
	})
	return charged, err
}

// billingLink is where the account's payer pays.
func billingLink(acc models.PayAccount) string {
	if acc.CustomerID != nil {
		return "/admin/billing"
	}
	return fmt.Sprintf("/console/billing-accounts/%d/payment-methods", acc.ID)
}

// SuspendNonPaying suspends, for non-payment (R-LIC-4), the subscriptions
// of every account with an invoice still unpaid suspend_after_days after
// its due date. It returns the number of subscriptions suspended.
func (s *Store) SuspendNonPaying(ctx context.Context) (int, error) {
	now := s.Now()
	var ids []int64
	err := s.db.WithContext(ctx).Raw(`
SELECT DISTINCT i.billing_account_id FROM invoices i JOIN billing_accounts ba ON ba.id = i.billing_account_id
WHERE i.state = 'open' AND i.total_minor > i.paid_minor AND i.due_on + ba.suspend_after_days <= ?::date
ORDER BY 1`, models.Day(now)).Scan(&ids).Error
	if err != nil {
		return 0, fmt.Errorf("overdue accounts: %w", err)
	}
	n := 0
	for _, id := range ids {
		k, err := s.suspendAccount(ctx, id)
		if err != nil {
			return n, fmt.Errorf("suspend account %d: %w", id, err)
		}
		n += k
	}
	return n, nil
}

// suspendAccount suspends one account's subscriptions for non-payment when
// an invoice of it is still overdue (checked again under the lock).
func (s *Store) suspendAccount(ctx context.Context, id int64) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := lockAccountByID(tx, id)
		if err != nil {
			return err
		}
		if overdue, err := stillOverdue(tx, acc, now); err != nil || !overdue {
			return err
		}
		subs, err := accountSubscriptions(tx, acc.ID, "status IN ('active', 'suspended')")
		if err != nil {
			return err
		}
		changes := models.SuspendForNonPayment(subs, now)
		customers := map[int64]int{}
		for _, ch := range changes {
			if err := writeSubChange(tx, systemActor(), ch, "suspended", now); err != nil {
				return err
			}
			customers[ch.After.CustomerID]++
		}
		if len(changes) == 0 {
			return nil
		}
		n = len(changes)
		if err := notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Kind: models.NoticeSuspension,
			Title: "Subscriptions of {{.Account}} suspended for non-payment",
			Body:  "An invoice is unpaid {{.Days}} days after its due date: {{.N}} subscription(s) are suspended. Paying the balance reactivates them at once.",
			Args:  []any{"Account", acc.Name, "Days", acc.SuspendAfterDays, "N", len(changes)}, Link: billingLink(acc)}); err != nil {
			return err
		}
		if acc.ConsoleID != nil {
			// The reseller's customers are told their service is suspended.
			for cid := range customers {
				if err := notifyOrg(tx, now, cid, []models.Role{models.RoleCustomerAdmin}, Notice{Kind: models.NoticeSuspension,
					Title: "Subscriptions suspended", Body: "{{.N}} of your subscriptions are suspended for non-payment. Contact your reseller.",
					Args: []any{"N", customers[cid]}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return n, err
}

// IssueCredit is the desk's credit note on a billing account, with a reason
// (step-up, audited). The form's key makes a repeated submission one
// credit.
func (s *Store) IssueCredit(ctx context.Context, a models.Actor, accountID int64, in models.CreditInput) (models.Credit, error) {
	var c models.Credit
	if a.OrgKind != models.OrgOperator || !a.Can(models.PermIssueCredit) {
		return c, models.Forbidden()
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		acc, err := loadPayAccount(tx, a, accountID, true)
		if err != nil {
			return err
		}
		if err := models.CheckIdempotencyKey(in.Key); err != nil {
			return err
		}
		fe := models.FieldErrors{}
		amount, err := models.ParsePaymentAmount(in.Amount, acc.Currency)
		if err == nil {
			err = models.CheckCreditAmount(amount, acc.Currency)
		}
		if f, ok := models.AsValidation(err); ok {
			for k, v := range f {
				fe.Add(k, v)
			}
		}
		reason := strings.TrimSpace(in.Reason)
		if f, ok := models.AsValidation(models.CheckCreditReason(reason)); ok {
			for k, v := range f {
				fe.Add(k, v)
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		key := "desk:" + in.Key
		// The same form posted again (the account is locked): the credit
		// it issued, nothing more.
		var done []models.Credit
		if err := tx.Where("idempotency_key = ? AND billing_account_id = ?", key, acc.ID).Limit(1).Find(&done).Error; err != nil {
			return fmt.Errorf("find credit: %w", err)
		}
		if len(done) > 0 {
			c = done[0]
			return nil
		}
		uid := a.UserID
		c = models.Credit{BillingAccountID: acc.ID, AmountMinor: amount, Currency: acc.Currency, Reason: reason,
			Source: models.CreditManual, CreatedBy: &uid, CreatedAt: now, IdempotencyKey: &key}
		if err := addCredit(tx, c); err != nil {
			return err
		}
		if err := tx.Where("idempotency_key = ?", key).Take(&c).Error; err != nil {
			return fmt.Errorf("load credit: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "credit.issued", RecordType: "credit", RecordID: c.ID,
			After: map[string]any{"amount_minor": c.AmountMinor, "currency": c.Currency, "reason": c.Reason, "billing_account_id": acc.ID},
			Orgs:  []int64{acc.Owner(), a.OrgID}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, acc.Owner(), payerRoles(), Notice{Title: "A credit of {{.Amount}} was issued to {{.Account}}",
			Body: "Reason: {{.Reason}}. It is applied to your next invoices.", Args: []any{"Amount", money.Format(c.AmountMinor, c.Currency), "Account", acc.Name, "Reason", c.Reason}})
	})
	return c, err
}

// AccountCredits is the desk's view of a billing account's credits.
func (s *Store) AccountCredits(ctx context.Context, a models.Actor, accountID int64) (models.PayAccount, []models.CreditRow, error) {
	var rows []models.CreditRow
	if a.OrgKind != models.OrgOperator || !a.Can(models.PermIssueCredit) {
		return models.PayAccount{}, nil, models.Forbidden()
	}
	db := s.db.WithContext(ctx)
	acc, err := loadPayAccount(db, a, accountID, false)
	if err != nil {
		return acc, nil, err
	}
	err = db.Table("credits c").Select("c.id, c.amount_minor, c.remaining_minor, c.currency, c.reason, c.source, c.created_at, COALESCE(u.name, '') AS created_by_name").
		Joins("LEFT JOIN users u ON u.id = c.created_by").Where("c.billing_account_id = ?", acc.ID).
		Order("c.created_at DESC, c.id DESC").Limit(100).Scan(&rows).Error
	if err != nil {
		return acc, nil, fmt.Errorf("list credits: %w", err)
	}
	return acc, rows, nil
}
