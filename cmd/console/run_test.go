package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

func TestMain(m *testing.M) {
	// The test binary doubles as the console for the tests that start it
	// as a process and send it signals.
	if os.Getenv("CONSOLE_TEST_AS_MAIN") == "1" {
		os.Args = append(os.Args[:1], strings.Fields(os.Getenv("CONSOLE_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	storetest.Main(m)
}

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestProductionRefusesToStartWithoutKeys(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve"}, env(map[string]string{"APP_ENV": "production", "DATABASE_URL": "postgres://x/y"}), &out)
	if err == nil || !strings.Contains(err.Error(), "SESSION_KEY") || !strings.Contains(err.Error(), "ENCRYPTION_KEY") {
		t.Fatalf("want refusal naming both keys, got %v", err)
	}
	err = run(context.Background(), []string{"serve"}, env(map[string]string{"APP_ENV": "production", "DATABASE_URL": "postgres://x/y",
		"SESSION_KEY": "short"}), &out)
	if err == nil || !strings.Contains(err.Error(), "SESSION_KEY") {
		t.Fatalf("want a short key refused, got %v", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, env(nil), &out); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("got %v", err)
	}
}

// The commands against a real database: migrate, seed-demo (twice: the
// second run adds nothing), bulk customers, create-user with validation.
func TestCommandsAgainstDatabase(t *testing.T) {
	db := storetest.New(t)
	e := env(map[string]string{"DATABASE_URL": db.URL, "MIGRATE_DATABASE_URL": db.OwnerURL, "DATA_DIR": t.TempDir()})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate"}, e, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed-demo"}, e, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "super@northwind.example") {
		t.Fatalf("demo sign-ins not printed: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"seed-demo", "--customers", "120"}, e, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Demo sign-ins") {
		t.Fatal("second seed-demo loaded the demo data again")
	}
	var n int64
	db.Gorm.Raw("SELECT count(*) FROM customers WHERE domain LIKE '%.bulk.example'").Scan(&n)
	if n != 120 {
		t.Fatalf("bulk customers = %d, want 120", n)
	}
	out.Reset()
	err := run(ctx, []string{"create-user", "--role", "support_engineer", "--email", "new@desk.example", "--name", "New", "--password", "long enough password"}, e, &out)
	if err != nil || !strings.Contains(out.String(), "created user") {
		t.Fatalf("create-user: %v %s", err, out.String())
	}
	err = run(ctx, []string{"create-user", "--role", "support_engineer", "--email", "bad", "--name", "New", "--password", "short"}, e, &out)
	if err == nil || !strings.Contains(err.Error(), "invalid user") || !strings.Contains(err.Error(), "--email: ") || strings.Contains(err.Error(), "map[") {
		t.Fatalf("want each field's message, got %v", err)
	}
	// An unknown organisation is named as such.
	err = run(ctx, []string{"create-user", "--org", "999999", "--role", "sales_agent", "--email", "x@y.example", "--name", "X", "--password", "long enough password"}, e, &out)
	if err == nil || !strings.Contains(err.Error(), "no organisation with id 999999") || strings.Contains(err.Error(), "map[") {
		t.Fatalf("unknown organisation: %v", err)
	}
	// seed-demo on a seeded database says so.
	out.Reset()
	if err := run(ctx, []string{"seed-demo"}, e, &out); err != nil || !strings.Contains(out.String(), "already there") {
		t.Fatalf("second seed-demo: %v %q", err, out.String())
	}
}

// With no DATABASE_URL the console starts its own PostgreSQL in DATA_DIR,
// and a second start reuses the data.
func TestOwnDatabaseIsStartedAndReused(t *testing.T) {
	dir := dataDir(t)
	e := env(map[string]string{"DATA_DIR": dir})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"seed-demo"}, e, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Demo sign-ins") {
		t.Fatalf("first start did not seed: %s", out.String())
	}
	// The demo users whose role requires two-factor sign-in get their
	// authenticator key printed; the others sign in with the password.
	for _, email := range []string{"super@northwind.example", "operator@desk.example"} {
		if !strings.Contains(out.String(), store.DemoTOTPSecret(email)) {
			t.Errorf("no authenticator key printed for %s:\n%s", email, out.String())
		}
	}
	if strings.Contains(out.String(), store.DemoTOTPSecret("sales@northwind.example")) {
		t.Error("a key printed for a role where two-factor sign-in is optional")
	}
	out.Reset()
	if err := run(ctx, []string{"seed-demo"}, e, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Demo sign-ins") {
		t.Fatal("second start did not reuse the data")
	}
}

// dataDir is a fresh DATA_DIR that the postgres user can reach when the
// tests run as root (t.TempDir's folders are 0700).
func dataDir(t *testing.T) string {
	dir := t.TempDir()
	for _, p := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "data")
}
