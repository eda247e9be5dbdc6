package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// GrantApp gives the app's login role what serving needs and nothing more,
// after the migrations ran as the owner role (DESIGN §5, least privilege):
// rows of every table (its own and River's), the sequences, and on the
// append-only audit_events only INSERT and SELECT. The app role owns nothing,
// so it cannot alter a table or disable a trigger, and as a non-superuser it
// cannot SET session_replication_role. Run on every start: tables a new
// migration adds get their grants too.
func GrantApp(ctx context.Context, db *sql.DB, role string) error {
	r := pgx.Identifier{role}.Sanitize()
	stmts := []string{
		// Replicas starting together would otherwise race on the catalogue.
		"SELECT pg_advisory_xact_lock(727275)",
		"GRANT USAGE ON SCHEMA public TO " + r,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + r,
		"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO " + r,
		// History is append-only; the migration ledgers are the owner's.
		"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM " + r,
		"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON goose_db_version FROM " + r,
		"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON river_migration FROM " + r,
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("grant %s: %w", role, err)
	}
	defer func() { _ = tx.Rollback() }()
	// River's reindexer rebuilds its job indexes as the app; from PostgreSQL
	// 17 the MAINTAIN privilege allows it without owning the table.
	var version int
	if err := tx.QueryRowContext(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return fmt.Errorf("grant %s: %w", role, err)
	}
	if version >= 170000 {
		stmts = append(stmts, "GRANT MAINTAIN ON river_job TO "+r)
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("grant %s: %s: %w", role, q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("grant %s: %w", role, err)
	}
	return nil
}
