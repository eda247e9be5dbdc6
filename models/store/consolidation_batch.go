package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// QueueCompleteMigrations queues the completion of the selected customers'
// migrations at the main console as a batch the background job works
// (R-CON-7, R-BULK-1): the form is checked now (a wrong form changes
// nothing), the customers' status turns to Migrating, and the page follows
// the batch's progress. It returns the batch's id.
func (s *Store) QueueCompleteMigrations(ctx context.Context, a models.Actor, customerIDs, accountIDs []int64, confirmed bool) (int64, error) {
	ids, err := s.checkCompleteInput(ctx, a, customerIDs, accountIDs, confirmed)
	if err != nil {
		return 0, err
	}
	if accountIDs == nil {
		accountIDs = []int64{}
	}
	accts, err := json.Marshal(accountIDs)
	if err != nil {
		return 0, fmt.Errorf("encode accounts: %w", err)
	}
	var id int64
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Raw(`INSERT INTO migration_batches (console_id, created_by, account_ids, confirmed, created_at, updated_at)
			VALUES (?, ?, ?::jsonb, ?, ?, ?) RETURNING id`, a.OrgID, a.UserID, string(accts), confirmed, now, now).Scan(&id).Error; err != nil {
			return fmt.Errorf("queue migrations: %w", err)
		}
		// One item per customer, named when it is migrating to this console
		// (a foreign id stays unnamed and fails with its reason).
		if err := tx.Exec(`INSERT INTO migration_batch_items (batch_id, customer_id, position, state, name, updated_at)
			SELECT ?, x.id, x.pos, 'pending', COALESCE((SELECT k.name FROM customers k
				JOIN customer_migrations m ON m.customer_id = k.id JOIN console_connections c ON c.id = m.connection_id
				WHERE k.id = x.id AND c.main_console_id = ? ORDER BY m.id DESC LIMIT 1), ''), ?
			FROM unnest(?::bigint[]) WITH ORDINALITY AS x(id, pos)`, id, a.OrgID, now, int64Array(ids)).Error; err != nil {
			return fmt.Errorf("queue migration items: %w", err)
		}
		if err := tx.Exec(`UPDATE customer_migrations m SET state = ?, updated_at = ? FROM console_connections c
			WHERE c.id = m.connection_id AND c.main_console_id = ? AND c.state = ? AND m.customer_id IN ? AND m.state IN ?`,
			models.MigMigrating, now, a.OrgID, models.ConnAccepted, ids, []models.CustomerMigrationState{models.MigStarted, models.MigFailed}).Error; err != nil {
			return fmt.Errorf("mark migrating: %w", err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "customer_migration.batch_queued", RecordType: "migration_batch", RecordID: id,
			After: map[string]any{"customers": ids, "account_ids": accountIDs, "confirm_legal_entity": confirmed}, Orgs: []int64{a.OrgID}})
	})
	return id, err
}

// int64Array writes ids as a PostgreSQL array literal.
func int64Array(ids []int64) string {
	b := []byte{'{'}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", id)
	}
	return string(append(b, '}'))
}

// MigrationBatch is one bulk completion of the actor's console with each
// customer's state and result (R-BULK-1); another console's batch is not
// found.
func (s *Store) MigrationBatch(ctx context.Context, a models.Actor, id int64) (models.MigrationBatch, error) {
	var b models.MigrationBatch
	if err := requireAddCustomers(a); err != nil {
		return b, err
	}
	db := s.db.WithContext(ctx)
	if err := db.Table("migration_batches").Where("id = ? AND console_id = ?", id, a.OrgID).Take(&b).Error; err != nil {
		return b, notFound(err)
	}
	if err := db.Table("migration_batch_items").Where("batch_id = ?", id).Order("position").Find(&b.Items).Error; err != nil {
		return b, fmt.Errorf("migration batch items: %w", err)
	}
	return b, nil
}

// RunMigrationBatches is the background job of bulk completions
// (R-BULK-1): it works every pending customer of every open batch, each in
// its own transaction, as the person who queued it. A customer that fails
// is marked failed with its reason and the others go on; a run cut short
// (the job's time is up, a crash) leaves the rest pending for the next
// run, and a customer completed twice says it is already migrated. It
// starts no new customer in the second half of the job's time. It returns
// the number of customers worked.
func (s *Store) RunMigrationBatches(ctx context.Context) (int, error) {
	var stopAt time.Time
	if deadline, ok := ctx.Deadline(); ok {
		stopAt = time.Now().Add(time.Until(deadline) / 2)
	}
	db := s.db.WithContext(ctx)
	type batchRow struct {
		ID         int64
		CreatedBy  int64
		AccountIDs string
		Confirmed  bool
	}
	var batches []batchRow
	if err := db.Raw("SELECT id, created_by, account_ids::text AS account_ids, confirmed FROM migration_batches WHERE finished_at IS NULL ORDER BY id LIMIT 20").
		Scan(&batches).Error; err != nil {
		return 0, fmt.Errorf("open migration batches: %w", err)
	}
	n := 0
	for _, b := range batches {
		var accts []int64
		if err := json.Unmarshal([]byte(b.AccountIDs), &accts); err != nil {
			return n, fmt.Errorf("migration batch %d accounts: %w", b.ID, err)
		}
		var u models.User
		if err := db.Where("id = ?", b.CreatedBy).Take(&u).Error; err != nil {
			return n, fmt.Errorf("migration batch %d: who queued it: %w", b.ID, err)
		}
		a := actorOf(u, "")
		var pending []int64
		if err := db.Raw("SELECT customer_id FROM migration_batch_items WHERE batch_id = ? AND state = 'pending' ORDER BY position", b.ID).
			Scan(&pending).Error; err != nil {
			return n, fmt.Errorf("migration batch %d items: %w", b.ID, err)
		}
		for _, cid := range pending {
			if !stopAt.IsZero() && time.Now().After(stopAt) {
				return n, nil
			}
			r, err := s.completeCustomer(ctx, a, cid, accts, b.Confirmed)
			if err != nil {
				if ctx.Err() != nil {
					return n, ctx.Err()
				}
				var e *models.Error
				if !errors.As(err, &e) {
					return n, fmt.Errorf("migration batch %d customer %d: %w", b.ID, cid, err)
				}
				r.Message = e.Message // e.g. the permission was taken away since
			}
			if err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
				upd := map[string]any{"state": models.BatchItemOutcome(r), "message": r.Message, "updated_at": now}
				if r.Name != "" {
					upd["name"] = r.Name
				}
				return tx.Table("migration_batch_items").Where("batch_id = ? AND customer_id = ? AND state = 'pending'", b.ID, cid).Updates(upd).Error
			}); err != nil {
				return n, fmt.Errorf("migration batch %d customer %d: %w", b.ID, cid, err)
			}
			n++
		}
		if err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			return tx.Exec(`UPDATE migration_batches SET finished_at = ?, updated_at = ? WHERE id = ? AND finished_at IS NULL
				AND NOT EXISTS (SELECT 1 FROM migration_batch_items WHERE batch_id = ? AND state = 'pending')`, now, now, b.ID, b.ID).Error
		}); err != nil {
			return n, fmt.Errorf("finish migration batch %d: %w", b.ID, err)
		}
	}
	return n, nil
}
