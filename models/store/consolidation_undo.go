package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// undoCustomerMigration is the desk's Undo migration action on an "Undo a
// customer migration" case (R-CON-10): the case's customer and the
// subscriptions its latest completed migration moved go back to the source
// console and their billing accounts there; the billing split is reversed
// from today (the monthly invoice bills the source again from today through
// the recorded move; a prepaid term's rest is credited to the main and
// charged to the source, keyed so it is never added twice); both consoles
// are told, the undo is audited on both sides, and the case is resolved.
func undoCustomerMigration(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (models.Msg, error) {
	if !a.IsDesk() {
		return models.Msg{}, models.Forbidden()
	}
	if c.CustomerID == nil {
		return models.Msg{}, models.CheckUndoMigration(models.UndoFacts{})
	}
	customerID := *c.CustomerID
	var cust models.Customer
	if err := forUpdate(tx).Where("id = ?", customerID).Take(&cust).Error; err != nil {
		return models.Msg{}, notFound(err)
	}
	var m models.CustomerMigration
	var f models.UndoFacts
	err := forUpdate(tx).Where("customer_id = ? AND state = ?", customerID, models.MigDone).Order("id DESC").Take(&m).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Msg{}, fmt.Errorf("lock migration: %w", err)
	}
	f.Found = err == nil
	var conn models.ConsoleConnection
	var moves []models.SubscriptionMove
	if f.Found {
		if err := tx.Where("id = ?", m.ConnectionID).Take(&conn).Error; err != nil {
			return models.Msg{}, fmt.Errorf("load connection: %w", err)
		}
		f.AtMain = cust.ConsoleID != nil && *cust.ConsoleID == conn.MainConsoleID
		// The moves of this migration towards the main, one per subscription.
		if err := tx.Raw(`SELECT DISTINCT ON (m.subscription_id) m.* FROM subscription_moves m JOIN subscriptions s ON s.id = m.subscription_id
			WHERE m.migration_id = ? AND s.console_id = ? AND m.to_account_id IS NOT DISTINCT FROM s.billing_account_id
			ORDER BY m.subscription_id, m.id DESC`, m.ID, conn.MainConsoleID).Scan(&moves).Error; err != nil {
			return models.Msg{}, fmt.Errorf("load moves: %w", err)
		}
		f.Moved = len(moves)
		ids := []int64{0}
		for _, mv := range moves {
			ids = append(ids, mv.SubscriptionID)
		}
		var others int64
		if err := tx.Table("subscriptions").Where("customer_id = ? AND console_id = ? AND status NOT IN ('ended', 'deleted') AND id NOT IN ?", customerID, conn.MainConsoleID, ids).
			Count(&others).Error; err != nil {
			return models.Msg{}, fmt.Errorf("count subscriptions: %w", err)
		}
		f.Others = int(others)
	}
	if err := models.CheckUndoMigration(f); err != nil {
		return models.Msg{}, err
	}
	back := make([]map[string]any, 0, len(moves))
	for _, mv := range moves {
		if err := forUpdate(tx).Table("subscriptions").Where("id = ?", mv.SubscriptionID).Take(&models.Subscription{}).Error; err != nil {
			return models.Msg{}, fmt.Errorf("lock subscription: %w", err)
		}
		if err := reverseSplit(tx, mv, m.ID, now); err != nil {
			return models.Msg{}, err
		}
		if mv.FromAccountID != nil {
			if err := recordMove(tx, mv.SubscriptionID, *mv.FromAccountID, m.ID, now); err != nil {
				return models.Msg{}, err
			}
		}
		if err := tx.Exec("UPDATE subscriptions SET console_id = ?, billing_account_id = ?, updated_at = ? WHERE id = ?",
			conn.SourceConsoleID, mv.FromAccountID, now, mv.SubscriptionID).Error; err != nil {
			return models.Msg{}, fmt.Errorf("move subscription back: %w", err)
		}
		back = append(back, map[string]any{"subscription_id": mv.SubscriptionID, "billing_account_id": mv.FromAccountID})
	}
	if err := tx.Exec("UPDATE customers SET console_id = ?, updated_at = ? WHERE id = ?", conn.SourceConsoleID, now, customerID).Error; err != nil {
		return models.Msg{}, fmt.Errorf("move customer back: %w", err)
	}
	if err := tx.Exec("UPDATE customer_migrations SET state = ?, result = ?, computed_at = ?, updated_at = ? WHERE id = ?",
		models.MigReady, "Migration undone by the support desk.", now, now, m.ID).Error; err != nil {
		return models.Msg{}, fmt.Errorf("undo migration: %w", err)
	}
	orgs := []int64{conn.SourceConsoleID, conn.MainConsoleID}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer_migration.undone", RecordType: "customer", RecordID: customerID,
		Before: map[string]any{"state": models.MigDone, "console_id": conn.MainConsoleID},
		After:  map[string]any{"state": models.MigReady, "console_id": conn.SourceConsoleID, "case_id": c.ID, "subscriptions": back}, Orgs: orgs}); err != nil {
		return models.Msg{}, err
	}
	args := []any{"Customer", cust.Name, "Source", consoleName(tx, conn.SourceConsoleID), "Main", consoleName(tx, conn.MainConsoleID)}
	for _, org := range orgs {
		if err := notifyOrg(tx, now, org, superAdmins(), Notice{Kind: models.NoticeMigrationStep,
			Title: "{{.Customer}} moved back from {{.Main}} to {{.Source}}",
			Body:  "The support desk undid the customer's migration: the customer and its subscriptions belong to the source console again.",
			Args:  args, Link: "/console/consolidation"}); err != nil {
			return models.Msg{}, err
		}
	}
	c.State = models.CaseResolved
	return models.Msg{Text: "Migration undone: {{.Customer}} and its subscriptions are back in {{.Source}}; the billing split is reversed from {{.Date}}.",
		Args: []any{"Customer", cust.Name, "Source", consoleName(tx, conn.SourceConsoleID), "Date", models.Day(now)}}, nil
}

// reverseSplit reverses a prepaid subscription's billing split from the
// undo's day (R-CON-9, R-CON-10): the main is credited the rest of the term
// and the source charged the same. Monthly plans need nothing here: the
// move back tells the monthly invoice.
func reverseSplit(tx *gorm.DB, mv models.SubscriptionMove, migrationID int64, now time.Time) error {
	var sub models.Subscription
	if err := tx.Where("id = ?", mv.SubscriptionID).Take(&sub).Error; err != nil {
		return fmt.Errorf("load subscription: %w", err)
	}
	if sub.Plan != models.PlanAnnualPrepaid || sub.BillingAccountID == nil || mv.FromAccountID == nil {
		return nil
	}
	unit, err := migrationUnit(tx, sub.ID)
	if err != nil {
		return err
	}
	for _, e := range money.MigrationSplit(sub, unit, now) {
		key := fmt.Sprintf("migration-undo:%d:%d:%s", migrationID, sub.ID, e.Side)
		from, to := e.From, e.To
		switch {
		case e.Side == money.SplitMain && !e.Credit: // what the main was charged from here on, credited back
			if err := addCredit(tx, models.Credit{BillingAccountID: *sub.BillingAccountID, AmountMinor: e.AmountMinor,
				Reason: "Customer migration undone: the rest of the prepaid term goes back to the source console", Source: models.CreditProration,
				CreatedAt: now, IdempotencyKey: &key}); err != nil {
				return err
			}
		case e.Side == money.SplitSource && e.Credit: // what the source was credited from here on, charged back
			if err := addCharge(tx, models.BillingCharge{BillingAccountID: *mv.FromAccountID, SubscriptionID: &sub.ID, Kind: models.ChargeProration,
				Description: "Customer migration undone: the rest of the prepaid term", Quantity: sub.Quantity, AmountMinor: e.AmountMinor,
				PeriodStart: &from, PeriodEnd: &to, CreatedAt: now, IdempotencyKey: &key}); err != nil {
				return err
			}
		}
	}
	return nil
}
