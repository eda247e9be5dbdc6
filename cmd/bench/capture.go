package main

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// statement is one SQL statement a request ran, with its bind values.
type statement struct {
	SQL  string
	Vars []any
	// Returned is the id an INSERT … RETURNING gave back (0 otherwise):
	// the write path's pgbench script takes it with \gset and uses it where
	// later statements used the captured value.
	Returned int64
}

// isRead tells whether the statement only reads (writes such as the
// once-a-minute session touch are left out of the pgbench script).
func (s statement) isRead() bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s.SQL)), "SELECT")
}

// capture records the SQL GORM runs while it is switched on. It hooks every
// GORM processor, so whatever a page runs is seen, not what we think it runs.
type capture struct {
	on    atomic.Bool
	mu    sync.Mutex
	stmts []statement
}

func (c *capture) register(db *gorm.DB) error {
	fn := func(tx *gorm.DB) {
		// DryRun statements are only built, not run: GORM builds a
		// subquery argument (cappedCount's inner SELECT) that way.
		if !c.on.Load() || tx.DryRun || tx.Statement == nil || tx.Statement.SQL.Len() == 0 {
			return
		}
		st := statement{SQL: tx.Statement.SQL.String(), Vars: append([]any(nil), tx.Statement.Vars...)}
		if strings.Contains(strings.ToUpper(st.SQL), "RETURNING") {
			st.Returned = returnedID(tx)
		}
		c.mu.Lock()
		c.stmts = append(c.stmts, st)
		c.mu.Unlock()
	}
	cb := db.Callback()
	for _, r := range []struct {
		after string
		reg   func(name string, fn func(*gorm.DB)) error
	}{
		{"gorm:query", func(n string, f func(*gorm.DB)) error { return cb.Query().After("gorm:query").Register(n, f) }},
		{"gorm:row", func(n string, f func(*gorm.DB)) error { return cb.Row().After("gorm:row").Register(n, f) }},
		{"gorm:raw", func(n string, f func(*gorm.DB)) error { return cb.Raw().After("gorm:raw").Register(n, f) }},
		{"gorm:create", func(n string, f func(*gorm.DB)) error { return cb.Create().After("gorm:create").Register(n, f) }},
		{"gorm:update", func(n string, f func(*gorm.DB)) error { return cb.Update().After("gorm:update").Register(n, f) }},
		{"gorm:delete", func(n string, f func(*gorm.DB)) error { return cb.Delete().After("gorm:delete").Register(n, f) }},
	} {
		if err := r.reg("bench:capture", fn); err != nil {
			return fmt.Errorf("register capture after %s: %w", r.after, err)
		}
	}
	return nil
}

// returnedID reads the id an INSERT … RETURNING wrote into its
// destination: a *int64 (Raw(…).Scan(&id)) or a struct's ID field (Create).
func returnedID(tx *gorm.DB) int64 {
	if p, ok := tx.Statement.Dest.(*int64); ok && p != nil {
		return *p
	}
	rv := tx.Statement.ReflectValue
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.IsValid() && rv.Kind() == reflect.Struct {
		if f := rv.FieldByName("ID"); f.IsValid() && f.CanInt() {
			return f.Int()
		}
	}
	return 0
}

// record runs fn with capture on and returns the statements it ran.
func (c *capture) record(fn func() error) ([]statement, error) {
	c.mu.Lock()
	c.stmts = nil
	c.mu.Unlock()
	c.on.Store(true)
	err := fn()
	c.on.Store(false)
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]statement(nil), c.stmts...), err
}

// plain turns a bind value into a plain Go value (driver.Valuer, named
// string and integer types).
func plain(v any) any {
	if v == nil {
		return nil
	}
	if dv, ok := v.(driver.Valuer); ok {
		x, err := dv.Value()
		if err == nil {
			return x
		}
	}
	switch v.(type) {
	case string, []byte, time.Time, bool, int64, float64:
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.Bool:
		return rv.Bool()
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return plain(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}

// text renders a bind value as PostgreSQL text input, for pgbench -D.
func text(v any) (string, bool) {
	switch x := plain(v).(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case []byte:
		return `\x` + hex.EncodeToString(x), true
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999Z07:00"), true
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	default:
		return fmt.Sprint(x), true
	}
}

var bindVar = regexp.MustCompile(`\$(\d+)`)

// pgbenchScript writes the read statements as one pgbench transaction:
// each $n becomes a :sXpN variable, passed with -D, so that in -M prepared
// mode pgbench sends them as bind parameters, as pgx does.
func pgbenchScript(stmts []statement) (script string, defs []string, err error) {
	var b strings.Builder
	for i, st := range stmts {
		sqlText := strings.Join(strings.Fields(st.SQL), " ")
		var bad error
		sqlText = bindVar.ReplaceAllStringFunc(sqlText, func(m string) string {
			n, _ := strconv.Atoi(m[1:])
			if n < 1 || n > len(st.Vars) {
				bad = fmt.Errorf("statement %d: %s has no value", i+1, m)
				return m
			}
			val, ok := text(st.Vars[n-1])
			if !ok {
				return "NULL"
			}
			name := fmt.Sprintf("s%dp%d", i+1, n)
			defs = append(defs, name+"="+val)
			return ":" + name
		})
		if bad != nil {
			return "", nil, bad
		}
		b.WriteString(sqlText)
		b.WriteString(";\n")
	}
	sort.Strings(defs)
	defs = dedupe(defs)
	return b.String(), defs, nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// explain runs EXPLAIN (ANALYZE, BUFFERS) on a statement with its values
// (interpolated by pgx's simple protocol, so the planner sees the
// constants as it does for a custom plan).
func explain(ctx context.Context, conn *pgx.Conn, st statement) (string, error) {
	args := make([]any, 0, len(st.Vars)+1)
	args = append(args, pgx.QueryExecModeSimpleProtocol)
	for _, v := range st.Vars {
		args = append(args, plain(v))
	}
	rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+st.SQL, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

var (
	execTime = regexp.MustCompile(`Execution Time: ([0-9.]+) ms`)
	scanUse  = regexp.MustCompile(`(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)? (?:using |on )(\w+)`)
	sortNode = regexp.MustCompile(`Sort Method: ([^\n]+)`)
)

// planSummary names the scans a plan uses and its execution time.
func planSummary(plan string) (ms float64, scans []string) {
	if m := execTime.FindStringSubmatch(plan); m != nil {
		ms, _ = strconv.ParseFloat(m[1], 64)
	}
	seen := map[string]bool{}
	for _, m := range scanUse.FindAllStringSubmatch(plan, -1) {
		s := m[1] + " " + m[2]
		if m[1] == "Seq Scan" {
			s = "Seq Scan on " + m[2]
		}
		if !seen[s] {
			seen[s] = true
			scans = append(scans, s)
		}
	}
	if m := sortNode.FindStringSubmatch(plan); m != nil {
		scans = append(scans, "Sort ("+strings.TrimSpace(m[1])+")")
	}
	return ms, scans
}

var countCall = regexp.MustCompile(`(?i)\bcount\(`)

// uncappedCount tells whether a statement counts rows without a LIMIT
// bounding what it counts.
func uncappedCount(sqlText string) bool {
	return countCall.MatchString(sqlText) && !strings.Contains(strings.ToUpper(sqlText), "LIMIT")
}

// shortSQL abbreviates a statement for the report.
func shortSQL(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}
