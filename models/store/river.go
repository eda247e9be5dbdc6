package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrationLock is the advisory lock that keeps replicas starting
// together from applying River's migrations at the same time.
const riverMigrationLock = 727274

// migrateRiver applies the job queue's own schema (River's tables) on the
// same database. River runs each version in its own transaction (some add
// enum values a later statement uses, which PostgreSQL refuses within one
// transaction), under our session advisory lock.
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
		if _, err := pc.Exec(ctx, "SELECT pg_advisory_lock($1)", riverMigrationLock); err != nil {
			return fmt.Errorf("river migrations: lock: %w", err)
		}
		defer func() {
			_, _ = pc.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrationLock)
		}()
		// River's Migrate applies each version in its own transaction on a
		// pool: give it a small one to the same database, while this
		// connection holds the lock.
		pcfg, err := pgxpool.ParseConfig("")
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		pcfg.ConnConfig, pcfg.MaxConns = pc.Config().Copy(), 1
		pool, err := pgxpool.NewWithConfig(ctx, pcfg)
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		defer pool.Close()
		m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("apply river migrations: %w", err)
		}
		return nil
	})
}
