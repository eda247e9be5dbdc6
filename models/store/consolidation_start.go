package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

func requireMigrateCustomers(a models.Actor) error {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermMigrateCustomers) {
		return models.Forbidden()
	}
	return nil
}

// StartMigrations starts the migration of the selected customers of the
// source console (R-CON-6), each in its own transaction: a customer that
// cannot start does not stop the others, and the result says so per
// customer (R-BULK-1). Re-running is safe: a started one says it already
// started.
func (s *Store) StartMigrations(ctx context.Context, a models.Actor, customerIDs []int64) ([]models.BulkResult, error) {
	if err := requireMigrateCustomers(a); err != nil {
		return nil, err
	}
	ids := uniqueIDs(customerIDs)
	if len(ids) == 0 {
		return nil, models.ErrNoCustomersSelected()
	}
	if len(ids) > 1000 {
		return nil, &models.Error{Code: models.CodeInvalid, Field: "customer_ids", Message: "Select at most 1,000 customers at a time."}
	}
	out := make([]models.BulkResult, 0, len(ids))
	for _, id := range ids {
		r := models.BulkResult{CustomerID: id}
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var cust models.Customer
			if err := tx.Where("id = ? AND console_id = ?", id, a.OrgID).Take(&cust).Error; err != nil {
				return notFound(err)
			}
			r.Name = cust.Name
			c, err := sourceConnection(tx, a.OrgID)
			if err != nil {
				return err
			}
			if c == nil {
				return &models.Error{Code: models.CodeConflict, Message: "This console is not connected to a main console."}
			}
			if err := saveReadiness(tx, *c, cust.ID, now); err != nil {
				return err
			}
			var m models.CustomerMigration
			if err := forUpdate(tx).Where("connection_id = ? AND customer_id = ?", c.ID, cust.ID).Take(&m).Error; err != nil {
				return fmt.Errorf("lock migration: %w", err)
			}
			judged, _, err := readinessOf(tx, *c, cust.ID, now)
			if err != nil {
				return err
			}
			if err := models.CheckStartMigration(m.State, judged); err != nil {
				return err
			}
			if err := tx.Model(&m).Updates(map[string]any{"state": models.MigStarted, "result": "", "updated_at": now}).Error; err != nil {
				return fmt.Errorf("start migration: %w", err)
			}
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "customer_migration.started", RecordType: "customer",
				RecordID: cust.ID, Before: map[string]any{"state": m.State}, After: map[string]any{"state": models.MigStarted, "connection_id": c.ID},
				Orgs: []int64{c.SourceConsoleID, c.MainConsoleID}}); err != nil {
				return err
			}
			return notifyOrg(tx, now, c.MainConsoleID, superAdmins(), Notice{Kind: models.NoticeMigrationStep,
				Title: "{{.Console}} started the migration of {{.Customer}}",
				Body:  "Complete the migration under Console consolidation, choosing a billing account in the same currency for each subscription.",
				Args:  []any{"Console", consoleName(tx, c.SourceConsoleID), "Customer", cust.Name}, Link: "/console/consolidation/incoming"})
		})
		var e *models.Error
		switch {
		case err == nil:
			r.OK, r.Message = true, "Migration started."
		case errors.As(err, &e) && (e.Code == models.CodeConflict || e.Code == models.CodeNotFound):
			r.Message = e.Message
			if e.Code == models.CodeNotFound {
				r.Message = "This customer is not one of your console's customers."
			}
		default:
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// CancelMigration returns a started migration to Ready (R-CON-6).
func (s *Store) CancelMigration(ctx context.Context, a models.Actor, customerID int64) error {
	if err := requireMigrateCustomers(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cust models.Customer
		if err := tx.Where("id = ? AND console_id = ?", customerID, a.OrgID).Take(&cust).Error; err != nil {
			return notFound(err)
		}
		c, err := sourceConnection(tx, a.OrgID)
		if err != nil {
			return err
		}
		if c == nil {
			return &models.Error{Code: models.CodeConflict, Message: "This console is not connected to a main console."}
		}
		var m models.CustomerMigration
		err = forUpdate(tx).Where("connection_id = ? AND customer_id = ?", c.ID, cust.ID).Take(&m).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.CheckCancelMigration(models.MigReady)
		} else if err != nil {
			return fmt.Errorf("lock migration: %w", err)
		}
		if err := models.CheckCancelMigration(m.State); err != nil {
			return err
		}
		if err := tx.Model(&m).Updates(map[string]any{"state": models.MigReady, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("cancel migration: %w", err)
		}
		if err := saveReadiness(tx, *c, cust.ID, now); err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "customer_migration.cancelled", RecordType: "customer",
			RecordID: cust.ID, Before: map[string]any{"state": m.State}, After: map[string]any{"state": models.MigReady},
			Orgs: []int64{c.SourceConsoleID, c.MainConsoleID}})
	})
}
