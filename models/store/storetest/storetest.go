// Package storetest gives tests a real PostgreSQL: one private server per
// test package (started by Main), one migrated template database, and a
// fresh database cloned from the template for every test, so tests run in
// parallel without seeing each other's rows. Nothing is mocked or skipped.
package storetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"partnerconsole/models/store"
	"partnerconsole/models/store/localpg"
)

const template = "console_template"

var (
	server  *localpg.Server
	counter atomic.Int64
	// cloneMu serialises CREATE DATABASE ... TEMPLATE: PostgreSQL refuses a
	// clone while another session is connected to the template.
	cloneMu sync.Mutex
)

// Main starts the package's PostgreSQL, migrates the template, runs the
// tests and stops the server. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "console-test-pg-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The test's own folder: when the server runs as the postgres user (tests
	// as root), it must be able to pass through it.
	if err := os.Chmod(dir, 0o711); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	server, err = localpg.Start(ctx, localpg.Options{Dir: dir, Ephemeral: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start test database:", err)
		return 1
	}
	defer server.Stop()
	// As in production: the owner role migrates, the app role serves.
	if err := server.Provision(ctx, template); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	pool, db, err := store.Open(ctx, server.URLAs(localpg.OwnerRole, template), 2)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sqlDB, _ := db.DB()
	if err := store.Migrate(ctx, sqlDB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := store.GrantApp(ctx, sqlDB, localpg.AppRole); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sqlDB.Close()
	pool.Close()
	return m.Run()
}

// Clock is a movable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// DB is one test's database. Store and Gorm connect as the app role, as the
// served console does.
type DB struct {
	Store *store.Store
	Gorm  *gorm.DB
	Clock *Clock
	// URL connects as the app role; OwnerURL as the owner role (migrations).
	URL      string
	OwnerURL string
}

// Start is the default test clock: a fixed Monday, 09:00 UTC.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// New clones the template into a fresh database for this test.
func New(t testing.TB) *DB {
	t.Helper()
	if server == nil {
		t.Fatal("storetest.Main was not called from TestMain")
	}
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	cloneMu.Lock()
	conn, err := pgx.Connect(ctx, server.URL("postgres"))
	if err == nil {
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+template+" OWNER "+localpg.OwnerRole)
		conn.Close(ctx)
	}
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("clone test database: %v", err)
	}
	url := server.URLAs(localpg.AppRole, name)
	pool, db, err := store.Open(ctx, url, 20)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	clock := NewClock(Start)
	st := store.New(db, clock.Now)
	st.SecretKey = []byte("0123456789abcdef0123456789abcdef")
	t.Cleanup(func() {
		sqlDB, _ := db.DB()
		sqlDB.Close()
		pool.Close()
		c, err := pgx.Connect(ctx, server.URL("postgres"))
		if err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	return &DB{Store: st, Gorm: db, Clock: clock, URL: url, OwnerURL: server.URLAs(localpg.OwnerRole, name)}
}

// ServerURL returns a superuser connection string for a database on the
// package's server (setting up roles and databases only).
func ServerURL(db string) string { return server.URL(db) }

// Replica opens another store on this test's database, as a second replica
// of the console would: its own connection pool, the same clock and keys.
func (d *DB) Replica(t testing.TB) *store.Store {
	t.Helper()
	pool, db, err := store.Open(context.Background(), d.URL, 10)
	if err != nil {
		t.Fatalf("open replica: %v", err)
	}
	t.Cleanup(func() {
		sqlDB, _ := db.DB()
		sqlDB.Close()
		pool.Close()
	})
	st := store.New(db, d.Clock.Now)
	st.SecretKey = d.Store.SecretKey
	return st
}
