package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrateRiver applies the job queue's own schema (River's tables) on the
// same database, in one transaction under an advisory lock so replicas
// starting together do not race.
func migrateRiver(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("river migrations: unexpected driver connection %T", dc)
		}
		pc := sc.Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(727274)"); err != nil {
			return fmt.Errorf("river migrations: lock: %w", err)
		}
		m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("apply river migrations: %w", err)
		}
		return tx.Commit(ctx)
	})
}
