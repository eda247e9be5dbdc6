package localpg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// When PostgreSQL runs as another user (the console started as root), a
// folder above the data folder that user cannot pass is reported with the
// fix, and left as it was.
func TestUnreachableFolderIsReportedNotChanged(t *testing.T) {
	top := filepath.Join(passable(t), "top")
	if err := os.Mkdir(top, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(top, "data", "postgres")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	other := &syscall.Credential{Uid: 65534, Gid: 65534}
	err := checkReachable(dir, other)
	if err == nil || !strings.Contains(err.Error(), "chmod o+x "+top) || !strings.Contains(err.Error(), "DATA_DIR") {
		t.Fatalf("want the folder and the fix named, got %v", err)
	}
	if st, _ := os.Stat(top); st.Mode().Perm() != 0o700 {
		t.Fatalf("folder above was changed to %04o", st.Mode().Perm())
	}
	if err := os.Chmod(top, 0o711); err != nil {
		t.Fatal(err)
	}
	if err := checkReachable(dir, other); err != nil {
		t.Fatalf("reachable folder refused: %v", err)
	}
}

// The private server listens on no TCP address, only on a Unix socket in a
// folder nobody else can enter; the owner and app roles are no superusers.
func TestSocketOnlyAndRoles(t *testing.T) {
	dir := passable(t)
	ctx := context.Background()
	s, err := Start(ctx, Options{Dir: filepath.Join(dir, "pg"), Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := s.Provision(ctx, "console"); err != nil {
		t.Fatal(err)
	}
	if err := s.Provision(ctx, "console"); err != nil {
		t.Fatalf("second provision: %v", err)
	}
	c, err := pgx.Connect(ctx, s.URL("console"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var listen string
	if err := c.QueryRow(ctx, "SHOW listen_addresses").Scan(&listen); err != nil || listen != "" {
		t.Fatalf("listen_addresses = %q (%v), want none", listen, err)
	}
	if st, err := os.Stat(s.SocketDir()); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("socket folder: %v %v", st, err)
	}
	var supers int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2) AND (rolsuper OR rolcreaterole OR rolcreatedb)", OwnerRole, AppRole).Scan(&supers); err != nil || supers != 0 {
		t.Fatalf("privileged console roles: %d %v", supers, err)
	}
	var owner string
	if err := c.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'console'").Scan(&owner); err != nil || owner != OwnerRole {
		t.Fatalf("database owner %q %v", owner, err)
	}
}

// A data folder from an older console (tables made by the superuser) is
// handed to the owner role.
func TestProvisionAdoptsOlderObjects(t *testing.T) {
	dir := passable(t)
	ctx := context.Background()
	s, err := Start(ctx, Options{Dir: filepath.Join(dir, "pg"), Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := s.EnsureDatabase(ctx, "console"); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, s.URL("console"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range []string{"CREATE TABLE old (id bigserial PRIMARY KEY)", "CREATE TYPE old_state AS ENUM ('a')",
		"CREATE FUNCTION old_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE SEQUENCE old_seq", "CREATE EXTENSION pg_trgm"} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Provision(ctx, "console"); err != nil {
		t.Fatal(err)
	}
	var n int
	err = c.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_class WHERE relname IN ('old', 'old_id_seq', 'old_seq') AND pg_get_userbyid(relowner) = $1)
		+ (SELECT count(*) FROM pg_type WHERE typname = 'old_state' AND pg_get_userbyid(typowner) = $1)
		+ (SELECT count(*) FROM pg_proc WHERE proname = 'old_fn' AND pg_get_userbyid(proowner) = $1)`, OwnerRole).Scan(&n)
	if err != nil || n != 5 {
		t.Fatalf("objects given to the owner: %d of 5 (%v)", n, err)
	}
	// An extension's own objects stay with the extension.
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_proc WHERE proname = 'similarity' AND pg_get_userbyid(proowner) = $1", OwnerRole).Scan(&n); err != nil || n != 0 {
		t.Fatalf("extension functions handed over: %d %v", n, err)
	}
}

// passable is a temp folder the postgres user can pass through (t.TempDir's
// folders are 0700).
func passable(t *testing.T) string {
	dir := t.TempDir()
	for _, p := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
