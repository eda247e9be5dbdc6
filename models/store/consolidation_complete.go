package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// IncomingMigrations is the main console's list of migrations the sources
// started (R-CON-7), with the main's billing accounts to choose from. It
// needs the add-customers permission.
func (s *Store) IncomingMigrations(ctx context.Context, a models.Actor) ([]models.IncomingMigration, []models.MigrationAccount, error) {
	if err := requireAddCustomers(a); err != nil {
		return nil, nil, err
	}
	db := s.db.WithContext(ctx)
	var rows []models.IncomingMigration
	if err := db.Table("customer_migrations m").
		Select("m.*, k.name AS customer_name, k.domain AS customer_domain, o.name AS source_name").
		Joins("JOIN console_connections c ON c.id = m.connection_id").
		Joins("JOIN customers k ON k.id = m.customer_id AND k.console_id = c.source_console_id").
		Joins("JOIN consoles o ON o.id = c.source_console_id").
		Where("c.main_console_id = ? AND c.state = ? AND m.state IN ?", a.OrgID, models.ConnAccepted,
			[]models.CustomerMigrationState{models.MigStarted, models.MigMigrating, models.MigFailed}).
		Order("k.name, k.id").Limit(1000).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("incoming migrations: %w", err)
	}
	// Each row says which of its currencies has no billing account at the
	// main (judged now; nothing is written), from one query for the page.
	accts, err := mainAccounts(db, a.OrgID)
	if err != nil {
		return nil, nil, err
	}
	if err := missingCurrencies(db, rows, accts); err != nil {
		return nil, nil, err
	}
	return rows, accts, nil
}

// missingCurrencies sets, on each incoming row, the no-billing-account
// reasons of its customer's live subscriptions at the source (R-CON-7): one
// query for all the rows, judged by models.Readiness.
func missingCurrencies(db *gorm.DB, rows []models.IncomingMigration, accts []models.MigrationAccount) error {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.CustomerID)
	}
	type subRow struct {
		CustomerID int64
		models.ReadinessSub
	}
	var subs []subRow
	if len(ids) > 0 {
		if err := db.Raw(`SELECT s.customer_id, p.name, p.family, s.plan, COALESCE(b.currency, k.default_currency) AS currency
			FROM subscriptions s JOIN customers c ON c.id = s.customer_id AND c.console_id = s.console_id
			JOIN products p ON p.id = s.product_id JOIN consoles k ON k.id = s.console_id
			LEFT JOIN billing_accounts b ON b.id = s.billing_account_id
			WHERE s.customer_id IN ? AND s.status NOT IN ('ended', 'deleted') ORDER BY s.id`, ids).Scan(&subs).Error; err != nil {
			return fmt.Errorf("incoming migrations: subscriptions: %w", err)
		}
	}
	bySub := map[int64][]models.ReadinessSub{}
	for _, x := range subs {
		bySub[x.CustomerID] = append(bySub[x.CustomerID], x.ReadinessSub)
	}
	currencies := make([]string, 0, len(accts))
	for _, a := range accts {
		currencies = append(currencies, a.Currency)
	}
	for i := range rows {
		_, rs := models.Readiness(models.ReadinessFacts{Subs: bySub[rows[i].CustomerID], MainCurrencies: currencies})
		rows[i].Reasons = models.NotReadyReasons{}
		for _, r := range rs {
			if r.Code == models.ReasonNoBillingAcct {
				rows[i].Reasons = append(rows[i].Reasons, r)
			}
		}
	}
	return nil
}

func mainAccounts(tx *gorm.DB, consoleID int64) ([]models.MigrationAccount, error) {
	var accts []models.MigrationAccount
	if err := tx.Table("billing_accounts").Select("id, name, currency, legal_entity").
		Where("console_id = ?", consoleID).Order("currency, lower(name), id").Find(&accts).Error; err != nil {
		return nil, fmt.Errorf("main billing accounts: %w", err)
	}
	return accts, nil
}

// CompleteMigrations completes the selected customers' migrations at the
// main console (R-CON-7, R-CON-8), each customer in its own transaction: a
// customer that fails does not stop the others and keeps its reason;
// re-running is safe (a migrated customer stays migrated, nothing twice).
// accountIDs are the main's chosen billing accounts, at most one per
// currency; confirmed accepts a legal entity change.
func (s *Store) CompleteMigrations(ctx context.Context, a models.Actor, customerIDs, accountIDs []int64, confirmed bool) ([]models.BulkResult, error) {
	ids, err := s.checkCompleteInput(ctx, a, customerIDs, accountIDs, confirmed)
	if err != nil {
		return nil, err
	}
	out := make([]models.BulkResult, 0, len(ids))
	for _, id := range ids {
		r, err := s.completeCustomer(ctx, a, id, accountIDs, confirmed)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// checkCompleteInput checks a completion's form (R-CON-7): the permission,
// 1 to 1,000 customers, the main's own billing accounts, one per currency.
func (s *Store) checkCompleteInput(ctx context.Context, a models.Actor, customerIDs, accountIDs []int64, confirmed bool) ([]int64, error) {
	if err := requireAddCustomers(a); err != nil {
		return nil, err
	}
	ids := uniqueIDs(customerIDs)
	if len(ids) == 0 {
		return nil, models.ErrNoCustomersSelected()
	}
	if len(ids) > 1000 {
		return nil, &models.Error{Code: models.CodeInvalid, Field: "customer_ids", Message: "Select at most 1,000 customers at a time."}
	}
	accts, err := mainAccounts(s.db.WithContext(ctx), a.OrgID)
	if err != nil {
		return nil, err
	}
	if _, err := models.PlanMigration(nil, accts, accountIDs, confirmed); err != nil {
		return nil, err // a foreign account or two in one currency: the form is wrong
	}
	return ids, nil
}

// completeCustomer completes one customer's migration in its own
// transaction and says how it went: done, or failed with the reason (kept
// on the migration row). Only an unexpected error is returned.
func (s *Store) completeCustomer(ctx context.Context, a models.Actor, id int64, accountIDs []int64, confirmed bool) (models.BulkResult, error) {
	r := models.BulkResult{CustomerID: id}
	var already bool
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		already, err = completeOne(tx, a, id, accountIDs, confirmed, now, &r)
		return err
	})
	var e *models.Error
	switch {
	case err == nil && already:
		r.OK, r.Message = true, "Already migrated."
	case err == nil:
		r.OK, r.Message = true, "Migrated: the customer now belongs to your console."
	case errors.As(err, &e) && (e.Code == models.CodeConflict || e.Code == models.CodeNotFound):
		r.Message = e.Message
		if e.Code == models.CodeNotFound {
			r.Message = "No migration of this customer to your console has started."
		} else if err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			return tx.Exec(`UPDATE customer_migrations m SET result = ?, state = ?, updated_at = ? FROM console_connections c
				WHERE c.id = m.connection_id AND c.main_console_id = ? AND m.customer_id = ? AND m.state IN ('started', 'migrating', 'failed')`,
				e.Message, models.MigStarted, now, a.OrgID, id).Error
		}); err != nil {
			return r, fmt.Errorf("record migration failure: %w", err)
		}
	default:
		return r, err
	}
	return r, nil
}

// completeOne moves one customer to the main console under locks (R-CON-8):
// its live subscriptions go to the main and the chosen billing accounts, the
// customer belongs to the main; orders and the source's billing accounts
// stay at the source. already reports a customer migrated before.
func completeOne(tx *gorm.DB, a models.Actor, customerID int64, accountIDs []int64, confirmed bool, now time.Time, r *models.BulkResult) (already bool, err error) {
	var m models.CustomerMigration
	if err := forUpdate(tx).Table("customer_migrations").Select("customer_migrations.*").
		Joins("JOIN console_connections c ON c.id = customer_migrations.connection_id").
		Where("c.main_console_id = ? AND c.state = ? AND customer_migrations.customer_id = ?", a.OrgID, models.ConnAccepted, customerID).
		Order("customer_migrations.id DESC").Take(&m).Error; err != nil {
		return false, notFound(err)
	}
	var c models.ConsoleConnection
	if err := tx.Where("id = ?", m.ConnectionID).Take(&c).Error; err != nil {
		return false, fmt.Errorf("load connection: %w", err)
	}
	var cust models.Customer
	if err := forUpdate(tx).Where("id = ?", customerID).Take(&cust).Error; err != nil {
		return false, fmt.Errorf("lock customer: %w", err)
	}
	r.Name = cust.Name
	if m.State == models.MigDone {
		return true, nil
	}
	if err := models.CheckCompleteMigration(m.State); err != nil {
		return false, err
	}
	if cust.ConsoleID == nil || *cust.ConsoleID != c.SourceConsoleID {
		return false, &models.Error{Code: models.CodeConflict, Message: "This customer no longer belongs to the source console."}
	}
	var subs []models.MigrationSub
	if err := tx.Raw(`SELECT s.id, p.name, COALESCE(b.currency, k.default_currency) AS currency, COALESCE(b.legal_entity, '') AS legal_entity
		FROM subscriptions s JOIN products p ON p.id = s.product_id
		JOIN consoles k ON k.id = s.console_id
		LEFT JOIN billing_accounts b ON b.id = s.billing_account_id
		WHERE s.customer_id = ? AND s.console_id = ? AND s.status NOT IN ('ended', 'deleted') ORDER BY s.id FOR UPDATE OF s`, customerID, c.SourceConsoleID).Scan(&subs).Error; err != nil {
		return false, fmt.Errorf("lock subscriptions: %w", err)
	}
	accts, err := mainAccounts(tx, c.MainConsoleID)
	if err != nil {
		return false, err
	}
	moves, err := models.PlanMigration(subs, accts, accountIDs, confirmed)
	if err != nil {
		return false, err
	}
	moved := make([]map[string]any, 0, len(moves))
	for _, mv := range moves {
		if err := prepaidSplit(tx, mv, customerID, now); err != nil {
			return false, err
		}
		if err := recordMove(tx, mv.SubscriptionID, mv.BillingAccountID, m.ID, now); err != nil {
			return false, err
		}
		if err := tx.Exec(`UPDATE subscriptions SET console_id = ?, billing_account_id = ?, updated_at = ? WHERE id = ?`,
			c.MainConsoleID, mv.BillingAccountID, now, mv.SubscriptionID).Error; err != nil {
			return false, fmt.Errorf("move subscription: %w", err)
		}
		moved = append(moved, map[string]any{"subscription_id": mv.SubscriptionID, "billing_account_id": mv.BillingAccountID, "legal_entity_change": mv.LegalEntityChange})
	}
	if err := tx.Exec(`UPDATE customers SET console_id = ?, updated_at = ? WHERE id = ?`, c.MainConsoleID, now, customerID).Error; err != nil {
		return false, fmt.Errorf("move customer: %w", err)
	}
	if err := tx.Exec(`UPDATE customer_migrations SET state = ?, result = '', updated_at = ? WHERE id = ?`, models.MigDone, now, m.ID).Error; err != nil {
		return false, fmt.Errorf("finish migration: %w", err)
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer_migration.completed", RecordType: "customer", RecordID: customerID,
		Before: map[string]any{"state": m.State, "console_id": c.SourceConsoleID},
		After:  map[string]any{"state": models.MigDone, "console_id": c.MainConsoleID, "connection_id": c.ID, "subscriptions": moved},
		Orgs:   []int64{c.SourceConsoleID, c.MainConsoleID}}); err != nil {
		return false, err
	}
	args := []any{"Source", consoleName(tx, c.SourceConsoleID), "Main", consoleName(tx, c.MainConsoleID), "Customer", cust.Name}
	for _, org := range []int64{c.SourceConsoleID, c.MainConsoleID} {
		if err := notifyOrg(tx, now, org, superAdmins(), Notice{Kind: models.NoticeMigrationStep,
			Title: "{{.Customer}} moved from {{.Source}} to {{.Main}}",
			Body:  "The customer and its subscriptions now belong to the main console; its past orders and invoices stay with the source console.",
			Args:  args, Link: "/console/consolidation"}); err != nil {
			return false, err
		}
	}
	return false, nil
}

// prepaidSplit applies the billing split of an annual prepaid subscription
// migrated on now's day (R-CON-9, money.MigrationSplit): the source's
// billing account is credited the prorated remainder of the term and the
// main's chosen account charged the same, keyed so they are never added
// twice. Monthly plans are split by the monthly invoice, which reads the
// move recordMove writes (the source billed up to D−1, the main from D).
func prepaidSplit(tx *gorm.DB, mv models.MigrationMove, customerID int64, now time.Time) error {
	var sub models.Subscription
	if err := tx.Where("id = ? AND customer_id = ?", mv.SubscriptionID, customerID).Take(&sub).Error; err != nil {
		return fmt.Errorf("load subscription: %w", err)
	}
	if sub.Plan != models.PlanAnnualPrepaid || sub.BillingAccountID == nil {
		return nil
	}
	unit, err := migrationUnit(tx, sub.ID)
	if err != nil {
		return err
	}
	for _, e := range money.MigrationSplit(sub, unit, now) {
		key := fmt.Sprintf("migration:%d:%s", sub.ID, e.Side)
		from, to := e.From, e.To
		switch {
		case e.Side == money.SplitSource && e.Credit:
			if err := addCredit(tx, models.Credit{BillingAccountID: *sub.BillingAccountID, AmountMinor: e.AmountMinor,
				Reason: "Customer migration: the rest of the prepaid term moves to the main console", Source: models.CreditProration,
				CreatedAt: now, IdempotencyKey: &key}); err != nil {
				return err
			}
		case e.Side == money.SplitMain && !e.Credit:
			if err := addCharge(tx, models.BillingCharge{BillingAccountID: mv.BillingAccountID, SubscriptionID: &sub.ID, Kind: models.ChargeProration,
				Description: "Customer migration: the rest of the prepaid term", Quantity: sub.Quantity, AmountMinor: e.AmountMinor,
				PeriodStart: &from, PeriodEnd: &to, CreatedAt: now, IdempotencyKey: &key}); err != nil {
				return err
			}
		}
	}
	return nil
}

// subscriptionMoves loads the billing account moves of the subscriptions
// (R-CON-9), oldest first, by subscription, in one query.
func subscriptionMoves(tx *gorm.DB, subIDs []int64) (map[int64][]models.SubscriptionMove, error) {
	out := map[int64][]models.SubscriptionMove{}
	if len(subIDs) == 0 {
		return out, nil
	}
	var ms []models.SubscriptionMove
	if err := tx.Where("subscription_id IN ?", subIDs).Order("moved_on, id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("load subscription moves: %w", err)
	}
	for _, m := range ms {
		out[m.SubscriptionID] = append(out[m.SubscriptionID], m)
	}
	return out, nil
}

// recordMove writes the day a subscription changes billing account (R-CON-9):
// from its current account to the one given, for the monthly invoice.
func recordMove(tx *gorm.DB, subID, toAccountID int64, migrationID int64, now time.Time) error {
	if err := tx.Exec(`INSERT INTO subscription_moves (subscription_id, from_account_id, to_account_id, moved_on, migration_id, created_at)
		SELECT id, billing_account_id, ?, ?, ?, ? FROM subscriptions WHERE id = ?`, toAccountID, models.Day(now), migrationID, now, subID).Error; err != nil {
		return fmt.Errorf("record subscription move: %w", err)
	}
	return nil
}

// migrationUnit is a subscription's unit price in its billing account's
// currency: the accepted offer's, else the catalogue's (as the invoice).
func migrationUnit(tx *gorm.DB, subID int64) (int64, error) {
	var unit int64
	if err := tx.Raw(`SELECT COALESCE((SELECT o.unit_price_minor FROM offers o WHERE o.subscription_id = s.id AND o.state = 'accepted' AND o.currency = b.currency
            ORDER BY o.id DESC LIMIT 1),
           (SELECT pr.unit_price_minor FROM prices pr WHERE pr.product_id = s.product_id AND pr.plan = s.plan AND pr.currency = b.currency), 0)
		FROM subscriptions s JOIN billing_accounts b ON b.id = s.billing_account_id WHERE s.id = ?`, subID).Scan(&unit).Error; err != nil {
		return 0, fmt.Errorf("load price: %w", err)
	}
	return unit, nil
}
