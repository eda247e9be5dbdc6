package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

type channel string

func TestPgbenchScriptTurnsBindValuesIntoVariables(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.FixedZone("CET", 3600))
	id := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	stmts := []statement{
		{SQL: "SELECT * FROM \"user_sessions\"\n  WHERE id_hash = $1 LIMIT $2", Vars: []any{[]byte{0xde, 0xad, 0xbe, 0xef}, 1}},
		{SQL: "SELECT 1 FROM customers WHERE tenant_id = $1 AND channel = $2 AND created_at < $3 AND x = $10", Vars: []any{id, channel("reseller"), at, 0, 0, 0, 0, 0, 0, int64(42)}},
	}
	script, defs, err := pgbenchScript(stmts)
	if err != nil {
		t.Fatal(err)
	}
	wantScript := "SELECT * FROM \"user_sessions\" WHERE id_hash = :s1p1 LIMIT :s1p2;\n" +
		"SELECT 1 FROM customers WHERE tenant_id = :s2p1 AND channel = :s2p2 AND created_at < :s2p3 AND x = :s2p10;\n"
	if script != wantScript {
		t.Errorf("script:\n%s\nwant:\n%s", script, wantScript)
	}
	wantDefs := []string{`s1p1=\xdeadbeef`, "s1p2=1", "s2p10=42", "s2p1=6ba7b810-9dad-11d1-80b4-00c04fd430c8",
		"s2p2=reseller", "s2p3=2026-03-04 04:06:07.123456Z"}
	if !slices.Equal(defs, wantDefs) {
		t.Errorf("defs = %q, want %q", defs, wantDefs)
	}
}

func TestPgbenchScriptRefusesAMissingValue(t *testing.T) {
	if _, _, err := pgbenchScript([]statement{{SQL: "SELECT $2", Vars: []any{1}}}); err == nil {
		t.Fatal("a $2 without a second value was accepted")
	}
}

func TestUncappedCount(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{`SELECT count(*) FROM (SELECT 1 FROM "customers" WHERE customers.console_id = $1 LIMIT $2) AS capped`, false},
		{`SELECT count(*) FROM "customers" WHERE console_id = $1`, true},
		{`SELECT COUNT(1) FROM customers`, true},
		{`SELECT * FROM customers ORDER BY name_key LIMIT 51`, false},
		{`SELECT account_count FROM stats`, false},
	} {
		if got := uncappedCount(c.sql); got != c.want {
			t.Errorf("uncappedCount(%q) = %v, want %v", c.sql, got, c.want)
		}
	}
}

func TestSummarizePercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	r := summarize(lat, 2)
	if r.N != 100 || r.RPS != 50 {
		t.Errorf("N %d, RPS %v; want 100, 50", r.N, r.RPS)
	}
	if r.P50 != 51*time.Millisecond || r.P99 != 100*time.Millisecond {
		t.Errorf("p50 %s, p99 %s; want 51ms, 100ms", r.P50, r.P99)
	}
	if r.Avg != 50500*time.Microsecond {
		t.Errorf("avg %s, want 50.5ms", r.Avg)
	}
	if z := summarize(nil, 1); z.N != 0 || z.RPS != 0 {
		t.Errorf("empty run: %+v", z)
	}
}

func TestPlanSummary(t *testing.T) {
	plan := strings.Join([]string{
		"Limit  (cost=0.56..6.99 rows=51 width=222) (actual time=0.054..0.124 rows=51 loops=1)",
		"  ->  Nested Loop Left Join",
		"        ->  Index Scan using customers_name_idx on customers  (cost=0.42..10834.62 rows=99995 width=158)",
		"        ->  Bitmap Index Scan on customers_name_trgm  (cost=0.00..372.08 rows=10 width=0)",
		"        ->  Seq Scan on consoles  (cost=0.00..1.01 rows=1 width=40)",
		"              Sort Method: top-N heapsort  Memory: 38kB",
		"Planning Time: 1.500 ms",
		"Execution Time: 0.186 ms",
	}, "\n")
	ms, scans := planSummary(plan)
	if ms != 0.186 {
		t.Errorf("execution time %v, want 0.186", ms)
	}
	want := []string{"Index Scan customers_name_idx", "Bitmap Index Scan customers_name_trgm", "Seq Scan on consoles", "Sort (top-N heapsort  Memory: 38kB)"}
	if !slices.Equal(scans, want) {
		t.Errorf("scans = %q, want %q", scans, want)
	}
}

// The write path's script makes fresh what a second run of the same
// transaction would collide on: the request's unique token, a UUID, the ids
// INSERT … RETURNING gave (taken with \gset), the rotating offer id; a nil
// []byte is NULL, JSON bytes are text, an empty string a literal.
func TestWriteScriptMakesUniqueValuesFresh(t *testing.T) {
	tenant := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	stmts := []statement{
		{SQL: "INSERT INTO organisations (kind) VALUES ($1) RETURNING id", Vars: []any{"customer"}, Returned: 901},
		{SQL: `INSERT INTO "customers" ("id","domain","tenant_id","phone") VALUES ($1,$2,$3,$4) RETURNING "id"`, Vars: []any{int64(901), "tokx0.bench.example", tenant, ""}, Returned: 901},
		{SQL: `INSERT INTO "audit_events" ("record_id","before","after") VALUES ($1,$2,$3),($4,$5,$6) RETURNING "id"`,
			Vars: []any{int64(901), []byte(nil), []byte(`{"domain":"tokx0.bench.example"}`), int64(7), []byte(nil), []byte(`{}`)}, Returned: 5},
		{SQL: `UPDATE "offers" SET "state"=$1 WHERE "id" = $2`, Vars: []any{"accepted", int64(900000001)}},
	}
	script, defs, err := writeScript(stmts, writeSubst{Token: "tokx0", RotateID: 900000001, RotateLo: 900000002, RotateHi: 900000099})
	if err != nil {
		t.Fatal(err)
	}
	want := "\\set u random(1, 1000000000000)\n\\set rot random(900000002, 900000099)\nBEGIN;\n" +
		"INSERT INTO organisations (kind) VALUES (:s1p1) RETURNING id \\gset r1_\n" +
		`INSERT INTO "customers" ("id","domain","tenant_id","phone") VALUES (:r1_id,replace(:s2p2::text, 'tokx0', :u::text)::text,gen_random_uuid(),'') RETURNING "id" \gset r2_` + "\n" +
		`INSERT INTO "audit_events" ("record_id","before","after") VALUES (:r2_id,NULL,replace(:s3p3::text, 'tokx0', :u::text)::jsonb),(:s3p4,NULL,:s3p6) RETURNING "id";` + "\n" +
		`UPDATE "offers" SET "state"=:s4p1 WHERE "id" = :rot;` + "\nCOMMIT;\n"
	if script != want {
		t.Errorf("script:\n%s\nwant:\n%s", script, want)
	}
	wantDefs := []string{"s1p1=customer", "s2p2=tokx0.bench.example", `s3p3={"domain":"tokx0.bench.example"}`, "s3p4=7", "s3p6={}", "s4p1=accepted"}
	if !slices.Equal(defs, wantDefs) {
		t.Errorf("defs = %q, want %q", defs, wantDefs)
	}
}
