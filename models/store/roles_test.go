package store_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"partnerconsole/models/store/storetest"
)

// TestAppRoleCannotRewriteHistory: the console serves as a login role that
// is no superuser and owns nothing, so it cannot switch off the audit log's
// append-only trigger, nor change or delete audit rows even without it.
func TestAppRoleCannotRewriteHistory(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	var who struct {
		Super bool
		Owner string
		Me    string
	}
	if err := f.Gorm.Raw(`SELECT r.rolsuper AS super, pg_get_userbyid(c.relowner) AS owner, current_user AS me
		FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'audit_events'::regclass`).Scan(&who).Error; err != nil {
		t.Fatal(err)
	}
	if who.Super || who.Owner == who.Me {
		t.Fatalf("app role %s: superuser=%v, owns audit_events=%v", who.Me, who.Super, who.Owner == who.Me)
	}
	// On audit_events exactly INSERT and SELECT.
	for priv, want := range map[string]bool{"SELECT": true, "INSERT": true, "UPDATE": false, "DELETE": false,
		"TRUNCATE": false, "REFERENCES": false, "TRIGGER": false} {
		var has bool
		if err := f.Gorm.Raw("SELECT has_table_privilege('audit_events', ?)", priv).Scan(&has).Error; err != nil {
			t.Fatal(err)
		}
		if has != want {
			t.Errorf("app role %s on audit_events: %v, want %v", priv, has, want)
		}
	}
	for _, stmt := range []string{
		"SET session_replication_role = replica",
		"ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change",
		"ALTER TABLE audit_events DISABLE TRIGGER ALL",
		"DROP TRIGGER audit_events_no_change ON audit_events",
		"UPDATE audit_events SET action = 'tampered'",
		"DELETE FROM audit_events",
		"TRUNCATE audit_events",
		"CREATE TABLE mine (id int)",
	} {
		err := f.Gorm.Exec(stmt).Error
		var pg *pgconn.PgError
		if err == nil {
			t.Errorf("%q succeeded as the app role", stmt)
		} else if !errors.As(err, &pg) || (pg.Code != "42501" && pg.Code != "55P02") {
			// 42501 insufficient_privilege / must be owner; 55P02 cannot be set now.
			t.Errorf("%q: want a privilege error, got %v", stmt, err)
		}
	}
	// What serving needs still works: append and read the log, use River's queue.
	if err := f.Gorm.Exec("INSERT INTO audit_events (organisation_id, actor_name, action, record_type, record_id, at) VALUES (?, 'x', 'test.appended', 'test', 1, now())", f.OperatorID).Error; err != nil {
		t.Fatalf("app role cannot append to the audit log: %v", err)
	}
	var n int64
	if err := f.Gorm.Raw("SELECT count(*) FROM river_job").Scan(&n).Error; err != nil {
		t.Fatalf("app role cannot read River's jobs: %v", err)
	}
}
