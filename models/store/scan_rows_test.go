package store_test

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// findRows reads what GORM's Find reads: NULLs as zero values or nil
// pointers, JSON, bytes, named string types, embedded structs; and it
// refuses a column no field takes instead of dropping it.
func TestFindRowsReadsWhatFindReads(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)

	type cell struct {
		ID        int64
		Name      string // NULL in the second row
		Nick      *string
		At        *time.Time
		CreatedAt time.Time
		OK        bool `gorm:"column:ok"`
		Ratio     float64
		Raw       []byte
		Doc       sql.NullString // a sql.Scanner
		Role      models.Role
		Small     int32
	}
	q := `SELECT * FROM (VALUES
		(1::bigint, 'Acme'::text, 'ac'::text, '2026-02-01 10:00:00+00'::timestamptz, '2026-02-01 10:00:00+00'::timestamptz, true, 1.5::float8, '\x01ff'::bytea, '{"a": 1}'::jsonb, 'super_admin'::text, 7::int),
		(2, NULL, NULL, NULL, '2026-03-01 10:00:00+00', false, 0, NULL, NULL, NULL, NULL)
	) AS t(id, name, nick, at, created_at, ok, ratio, raw, doc, role, small) ORDER BY id`
	got, err := store.FindRows[cell](f.Gorm.Raw(q), 2)
	if err != nil {
		t.Fatal(err)
	}
	var want []cell
	if err := f.Gorm.Raw(q).Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("findRows read\n%+v\nFind reads\n%+v", got, want)
	}

	// A real list's rows: the audit log (JSON before/after, embedded times).
	events, err := store.FindRows[models.AuditEvent](f.Gorm.Model(&models.AuditEvent{}).Order("id"), 10)
	if err != nil || len(events) == 0 {
		t.Fatalf("audit: %d rows, %v", len(events), err)
	}
	var wantEvents []models.AuditEvent
	if err := f.Gorm.Order("id").Find(&wantEvents).Error; err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(events, wantEvents) {
		t.Fatalf("audit rows differ:\n%+v\n%+v", events, wantEvents)
	}

	// A column the struct has no field for is an error, not a silent drop.
	type short struct{ ID int64 }
	if _, err := store.FindRows[short](f.Gorm.Raw("SELECT 1 AS id, 'x' AS surplus"), 1); err == nil || !strings.Contains(err.Error(), "surplus") {
		t.Fatalf("surplus column: %v", err)
	}
}

// The app's connections run without PostgreSQL's JIT (a page's statements
// are too short to repay compiling them), unless the database URL says
// otherwise.
func TestConnectionsRunWithoutJIT(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	var jit string
	if err := f.Gorm.Raw("SHOW jit").Scan(&jit).Error; err != nil || jit != "off" {
		t.Fatalf("jit = %q (%v)", jit, err)
	}
}
