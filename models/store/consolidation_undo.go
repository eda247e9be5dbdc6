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
	u, err := loadUndoFacts(tx, *c.CustomerID)
	if err != nil {
		return models.Msg{}, err
	}
	if err := models.CheckUndoMigration(u.Facts); err != nil {
		return models.Msg{}, err
	}
	back, err := moveBack(tx, now, u)
	if err != nil {
		return models.Msg{}, err
	}
	orgs := []int64{u.Conn.SourceConsoleID, u.Conn.MainConsoleID}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer_migration.undone", RecordType: "customer", RecordID: u.Customer.ID,
		Before: map[string]any{"state": models.MigDone, "console_id": u.Conn.MainConsoleID},
		After:  map[string]any{"state": models.MigReady, "console_id": u.Conn.SourceConsoleID, "case_id": c.ID, "subscriptions": back}, Orgs: orgs}); err != nil {
		return models.Msg{}, err
	}
	source := consoleName(tx, u.Conn.SourceConsoleID)
	args := []any{"Customer", u.Customer.Name, "Source", source, "Main", consoleName(tx, u.Conn.MainConsoleID)}
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
		Args: []any{"Customer", u.Customer.Name, "Source", source, "Date", models.Day(now)}}, nil
}

// undoFacts are what an undo reads under lock: the customer, its latest
// completed migration, that migration's connection and the moves it made
// towards the main, and what models.CheckUndoMigration decides on.
type undoFacts struct {
	Customer  models.Customer
	Migration models.CustomerMigration
	Conn      models.ConsoleConnection
	Moves     []models.SubscriptionMove
	Facts     models.UndoFacts
}

func loadUndoFacts(tx *gorm.DB, customerID int64) (undoFacts, error) {
	var u undoFacts
	if err := forUpdate(tx).Where("id = ?", customerID).Take(&u.Customer).Error; err != nil {
		return u, notFound(err)
	}
	err := forUpdate(tx).Where("customer_id = ? AND state = ?", customerID, models.MigDone).Order("id DESC").Take(&u.Migration).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return u, fmt.Errorf("lock migration: %w", err)
	}
	if u.Facts.Found = err == nil; !u.Facts.Found {
		return u, nil
	}
	if err := tx.Where("id = ?", u.Migration.ConnectionID).Take(&u.Conn).Error; err != nil {
		return u, fmt.Errorf("load connection: %w", err)
	}
	mainConsole := u.Conn.MainConsoleID
	u.Facts.AtMain = u.Customer.ConsoleID != nil && *u.Customer.ConsoleID == mainConsole
	// The moves of this migration towards the main, one per subscription.
	if err := tx.Raw(`SELECT DISTINCT ON (m.subscription_id) m.* FROM subscription_moves m JOIN subscriptions s ON s.id = m.subscription_id
		WHERE m.migration_id = ? AND s.console_id = ? AND m.to_account_id IS NOT DISTINCT FROM s.billing_account_id
		ORDER BY m.subscription_id, m.id DESC`, u.Migration.ID, mainConsole).Scan(&u.Moves).Error; err != nil {
		return u, fmt.Errorf("load moves: %w", err)
	}
	u.Facts.Moved = len(u.Moves)
	ids := []int64{0}
	for _, mv := range u.Moves {
		ids = append(ids, mv.SubscriptionID)
	}
	var others int64
	if err := tx.Table("subscriptions").Where("customer_id = ? AND console_id = ? AND status NOT IN ('ended', 'deleted') AND id NOT IN ?", customerID, mainConsole, ids).
		Count(&others).Error; err != nil {
		return u, fmt.Errorf("count subscriptions: %w", err)
	}
	u.Facts.Others = int(others)
	return u, nil
}

// moveBack writes the undo: each moved subscription back to the source and
// its billing account there (the prepaid split reversed, the move recorded
// for the monthly invoice), the customer back, the migration Ready again.
// It returns what moved, for the audit.
func moveBack(tx *gorm.DB, now time.Time, u undoFacts) ([]map[string]any, error) {
	back := make([]map[string]any, 0, len(u.Moves))
	for _, mv := range u.Moves {
		if err := forUpdate(tx).Table("subscriptions").Where("id = ?", mv.SubscriptionID).Take(&models.Subscription{}).Error; err != nil {
			return nil, fmt.Errorf("lock subscription: %w", err)
		}
		if err := reverseSplit(tx, mv, u.Migration.ID, now); err != nil {
			return nil, err
		}
		if mv.FromAccountID != nil {
			if err := recordMove(tx, mv.SubscriptionID, *mv.FromAccountID, u.Migration.ID, now); err != nil {
				return nil, err
			}
		}
		if err := tx.Exec("UPDATE subscriptions SET console_id = ?, billing_account_id = ?, updated_at = ? WHERE id = ?",
			u.Conn.SourceConsoleID, mv.FromAccountID, now, mv.SubscriptionID).Error; err != nil {
			return nil, fmt.Errorf("move subscription back: %w", err)
		}
		back = append(back, map[string]any{"subscription_id": mv.SubscriptionID, "billing_account_id": mv.FromAccountID})
	}
	if err := tx.Exec("UPDATE customers SET console_id = ?, updated_at = ? WHERE id = ?", u.Conn.SourceConsoleID, now, u.Customer.ID).Error; err != nil {
		return nil, fmt.Errorf("move customer back: %w", err)
	}
	if err := tx.Exec("UPDATE customer_migrations SET state = ?, result = ?, computed_at = ?, updated_at = ? WHERE id = ?",
		models.MigReady, "Migration undone by the support desk.", now, now, u.Migration.ID).Error; err != nil {
		return nil, fmt.Errorf("undo migration: %w", err)
	}
	return back, nil
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
